/* The writing layout's live character count (issue 17): under each field marked
   data-count-characters, and under the body editor, the number of characters as the blog
   counts them: every character of the text, spaces and line breaks excluded, an emoji or a
   kanji counting one. */
(function () {
  'use strict';
  const gettext = window.gettext || ((s) => s);
  const interpolate = window.interpolate || ((fmt, obj) => fmt.replace(/%\((\w+)\)s/g, (m, k) => obj[k]));
  const segmenter = window.Intl && Intl.Segmenter ? new Intl.Segmenter('ja', {granularity: 'grapheme'}) : null;

  function count(text) {
    const compact = (text || '').replace(/\s+/g, '');
    if (segmenter) { let n = 0; for (const _ of segmenter.segment(compact)) n++; return n; }
    return Array.from(compact).length;
  }

  function textOf(field) {
    if (field.name === 'body') {
      const dom = document.querySelector('.field-body .ProseMirror[contenteditable]');
      if (dom) return dom.innerText;
      const holder = document.createElement('div');
      holder.innerHTML = field.value;  // inert: never attached to the document
      return holder.textContent;
    }
    return field.value;
  }

  function attach(field) {
    const output = document.createElement('div');
    output.className = 'character-count';
    output.setAttribute('aria-live', 'polite');
    output.id = field.id + '-count';
    const row = field.closest('.form-row') || field.parentElement;
    (row.querySelector('.help') || row.lastElementChild).after(output);
    const update = () => {
      const n = count(textOf(field));
      output.textContent = interpolate(gettext('%(count)s characters'), {count: n.toLocaleString('ja-JP')}, true);
      output.dataset.count = String(n);
    };
    field.addEventListener('input', update);
    update();
    // The body editor starts after this script and writes its HTML back on every change.
    if (field.name === 'body') setTimeout(update, 500);
  }

  function init() { document.querySelectorAll('[data-count-characters]').forEach(attach); }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
