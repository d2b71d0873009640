/* Never lose a draft (issue 17). On the article form:
   - every few seconds of typing, the form's values are kept in this browser's localStorage,
     one draft per article (and one for a new article);
   - after a reload, a crash or a closed tab, the draft is offered back (restore or discard);
   - for an article that exists, the text is also sent to the server as an autosave revision;
   - leaving the page with unsaved changes asks first.
   Configuration comes from #autosave-config (templates/admin/blog/article/change_form.html). */
(function () {
  'use strict';
  const config = document.getElementById('autosave-config');
  const form = config && config.closest('form');
  if (!form || !window.localStorage) return;
  const gettext = window.gettext || ((s) => s);
  const interpolate = window.interpolate || ((fmt, obj) => fmt.replace(/%\((\w+)\)s/g, (m, k) => obj[k]));
  const KEY = 'kiji:autosave:' + config.dataset.key;
  const SKIP = new Set(['csrfmiddlewaretoken', '_save', '_continue', '_addanother']);
  const LOCAL_DELAY = 1500;
  const SERVER_EVERY = 30000;
  let initial = null;
  let submitting = false;
  let localTimer = null;
  let lastServerText = null;

  function values() {
    const data = {};
    for (const element of form.elements) {
      if (!element.name || SKIP.has(element.name) || element.type === 'file') continue;
      if (element.type === 'submit' || element.type === 'button') continue;
      if (element.name.includes('__prefix__')) continue;
      if (element.type === 'checkbox' || element.type === 'radio') {
        if (element.type === 'radio' && !element.checked) continue;
        data[element.name] = element.type === 'checkbox' ? element.checked : element.value;
      } else {
        data[element.name] = element.value;
      }
    }
    return data;
  }

  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  const dirty = () => initial !== null && !same(values(), initial);

  function read() {
    try { return JSON.parse(localStorage.getItem(KEY) || 'null'); } catch (e) { return null; }
  }

  function keep() {
    if (!dirty()) { localStorage.removeItem(KEY); return; }
    try {
      localStorage.setItem(KEY, JSON.stringify({savedAt: Date.now(), values: values()}));
      status(interpolate(gettext('Draft kept in this browser at %(time)s.'),
        {time: new Date().toLocaleTimeString('ja-JP', {hour: '2-digit', minute: '2-digit', second: '2-digit'})}, true));
    } catch (e) {
      status(gettext('This browser could not keep the draft (storage full).'));
    }
  }

  function status(text) {
    let line = document.getElementById('autosave-status');
    if (!line) {
      line = document.createElement('p');
      line.id = 'autosave-status';
      line.className = 'autosave-status';
      line.setAttribute('role', 'status');
      form.querySelector('.submit-row') ? form.querySelector('.submit-row').before(line) : form.prepend(line);
    }
    line.textContent = text;
  }

  function bodyEditor() {
    const dom = form.querySelector('.field-body .ProseMirror[contenteditable]');
    return dom && dom.editor;
  }

  function ensureInlineRows(data) {
    // Inline formsets (sources): add rows until the draft's rows exist.
    for (const name of Object.keys(data)) {
      const match = name.match(/^(.+)-TOTAL_FORMS$/);
      if (!match) continue;
      const prefix = match[1];
      const group = document.getElementById(prefix + '-group');
      const want = parseInt(data[name], 10) || 0;
      let guard = 50;
      while (group && guard-- > 0) {
        const total = form.elements[prefix + '-TOTAL_FORMS'];
        if (!total || parseInt(total.value, 10) >= want) break;
        const add = group.querySelector('.add-row a');
        if (!add) break;
        add.click();
      }
    }
  }

  function apply(data) {
    ensureInlineRows(data);
    for (const [name, value] of Object.entries(data)) {
      if (name.endsWith('-TOTAL_FORMS') || name.endsWith('-INITIAL_FORMS')) continue;
      const element = form.elements[name];
      if (!element || element.type === 'file') continue;
      if (element.type === 'checkbox') element.checked = Boolean(value);
      else if (element instanceof RadioNodeList) element.value = value;
      else element.value = value;
      if (name === 'body') {
        const editor = bodyEditor();
        if (editor) editor.chain().setContent(value || '', true).run();
      }
      element.dispatchEvent && element.dispatchEvent(new Event('input', {bubbles: true}));
    }
  }

  function offer(draft) {
    const banner = document.createElement('div');
    banner.className = 'autosave-offer messagelist';
    banner.setAttribute('role', 'alert');
    const when = new Date(draft.savedAt).toLocaleString('ja-JP');
    const text = document.createElement('p');
    text.textContent = interpolate(gettext('This browser kept a draft of this form that was not saved (%(when)s).'), {when: when}, true);
    const restore = document.createElement('button');
    restore.type = 'button';
    restore.className = 'button autosave-restore';
    restore.textContent = gettext('Restore the draft');
    const discard = document.createElement('button');
    discard.type = 'button';
    discard.className = 'button autosave-discard';
    discard.textContent = gettext('Discard it');
    restore.addEventListener('click', () => {
      apply(draft.values);
      banner.remove();
      status(gettext('The draft was restored. Save to keep it.'));
    });
    discard.addEventListener('click', () => { localStorage.removeItem(KEY); banner.remove(); });
    banner.append(text, restore, ' ', discard);
    form.prepend(banner);
  }

  function sendToServer() {
    const url = config.dataset.autosaveUrl;
    if (!url || submitting || !dirty()) return;
    const data = values();
    const payload = {
      title: data.title || '', lead: data.lead || '', summary: data.summary || '',
      body: data.body || '', notice: data.notice || '', tags: data.tags || '',
    };
    const text = JSON.stringify(payload);
    if (text === lastServerText) return;
    const token = form.elements.csrfmiddlewaretoken && form.elements.csrfmiddlewaretoken.value;
    fetch(url, {
      method: 'POST', credentials: 'same-origin',
      headers: {'Content-Type': 'application/json', 'X-CSRFToken': token},
      body: text,
    }).then((response) => {
      if (response.ok) lastServerText = text;
    }).catch(() => {});
  }

  function start() {
    initial = values();
    const draft = read();
    const justSaved = document.querySelector('.messagelist .success');
    if (draft && draft.submitted && (justSaved || !document.querySelector('.errornote'))) {
      localStorage.removeItem(KEY);
    } else if (draft && !draft.submitted && !same(draft.values, initial)) {
      offer(draft);
    }
    // The draft of a new article is dropped once it was saved (its page has a new address).
    if (justSaved && config.dataset.addKey) {
      const addKey = 'kiji:autosave:' + config.dataset.addKey;
      try {
        const added = JSON.parse(localStorage.getItem(addKey) || 'null');
        if (added && added.submitted) localStorage.removeItem(addKey);
      } catch (e) { localStorage.removeItem(addKey); }
    }
    form.addEventListener('input', () => {
      clearTimeout(localTimer);
      localTimer = setTimeout(keep, LOCAL_DELAY);
    });
    form.addEventListener('change', () => {
      clearTimeout(localTimer);
      localTimer = setTimeout(keep, LOCAL_DELAY);
    });
    form.addEventListener('submit', () => {
      submitting = true;
      const current = read();
      if (current) {
        current.submitted = true;
        localStorage.setItem(KEY, JSON.stringify(current));
      }
    });
    window.addEventListener('beforeunload', (event) => {
      if (submitting || !dirty()) return;
      keep();
      event.preventDefault();
      event.returnValue = '';
    });
    if (config.dataset.autosaveUrl) setInterval(sendToServer, SERVER_EVERY);
  }

  // The body editor is a module script that starts after this one: wait for it, so the
  // initial values include the editor's own normalisation of the body.
  let tries = 0;
  (function wait() {
    if (bodyEditor() || tries++ > 50) start();
    else setTimeout(wait, 100);
  })();
})();
