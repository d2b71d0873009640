/* Suggest existing tags while an editor types in a tag field (input[data-tag-suggest-url]).
   Tags are separated by 「、」「,」「,」; the part after the last separator is looked up and a
   chosen suggestion replaces it. Keyboard: ↓/↑ move, Enter picks, Esc closes. */
(function () {
  'use strict';
  const SEPARATOR = /[、,,\n]/;

  function lastPart(value) {
    let index = -1;
    for (let i = value.length - 1; i >= 0; i--) {
      if (SEPARATOR.test(value[i])) { index = i; break; }
    }
    return {head: value.slice(0, index + 1), term: value.slice(index + 1).trim()};
  }

  function attach(input) {
    const list = document.createElement('ul');
    list.className = 'tag-suggestions';
    list.id = input.id + '-suggestions';
    list.setAttribute('role', 'listbox');
    list.hidden = true;
    input.setAttribute('aria-controls', list.id);
    input.setAttribute('aria-autocomplete', 'list');
    input.insertAdjacentElement('afterend', list);
    let active = -1;
    let timer = null;
    let controller = null;

    function close() { list.hidden = true; list.replaceChildren(); active = -1; }

    function choose(name) {
      const {head} = lastPart(input.value);
      input.value = head + name + '、';
      input.dispatchEvent(new Event('input', {bubbles: true}));
      close();
      input.focus();
    }

    function show(names) {
      const typed = input.value.split(SEPARATOR).map((s) => s.trim());
      names = names.filter((name) => !typed.slice(0, -1).includes(name));
      list.replaceChildren(...names.map((name, i) => {
        const item = document.createElement('li');
        item.textContent = name;
        item.setAttribute('role', 'option');
        item.id = list.id + '-' + i;
        item.addEventListener('mousedown', (event) => { event.preventDefault(); choose(name); });
        return item;
      }));
      active = -1;
      list.hidden = names.length === 0;
    }

    function highlight(index) {
      const items = list.querySelectorAll('li');
      if (!items.length) return;
      active = (index + items.length) % items.length;
      items.forEach((item, i) => item.setAttribute('aria-selected', i === active ? 'true' : 'false'));
      input.setAttribute('aria-activedescendant', items[active].id);
    }

    input.addEventListener('input', (event) => {
      if (event.isComposing) return;
      clearTimeout(timer);
      const {term} = lastPart(input.value);
      if (!term) { close(); return; }
      timer = setTimeout(() => {
        if (controller) controller.abort();
        controller = new AbortController();
        const url = input.dataset.tagSuggestUrl + '?q=' + encodeURIComponent(term);
        fetch(url, {credentials: 'same-origin', signal: controller.signal})
          .then((response) => (response.ok ? response.json() : {tags: []}))
          .then((data) => show(data.tags || []))
          .catch(() => {});
      }, 150);
    });
    input.addEventListener('compositionend', () => input.dispatchEvent(new Event('input')));
    input.addEventListener('keydown', (event) => {
      if (list.hidden || event.isComposing) return;
      if (event.key === 'ArrowDown') { event.preventDefault(); highlight(active + 1); }
      else if (event.key === 'ArrowUp') { event.preventDefault(); highlight(active - 1); }
      else if (event.key === 'Enter' && active >= 0) {
        event.preventDefault();
        choose(list.querySelectorAll('li')[active].textContent);
      } else if (event.key === 'Escape') { close(); }
    });
    input.addEventListener('blur', () => setTimeout(close, 100));
  }

  function init() { document.querySelectorAll('input[data-tag-suggest-url]').forEach(attach); }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
