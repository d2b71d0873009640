/* Japanese for the rich-text editor's toolbar (django-prose-editor hard-codes its button titles
   and menu entries in English). The strings come from the editor catalogue script
   (blog/admin/editor_i18n.py) through window.gettext; this applies them to the toolbar as the
   editor builds and rebuilds it. */
(function () {
  'use strict';
  if (typeof window.gettext !== 'function') return;
  const translate = (text) => {
    const trimmed = (text || '').trim();
    if (!trimmed) return text;
    const translated = window.gettext(trimmed);
    return translated === trimmed ? text : translated;
  };

  function translateMenubar(root) {
    root.querySelectorAll('[title], [aria-label]').forEach((element) => {
      for (const name of ['title', 'aria-label']) {
        const value = element.getAttribute(name);
        if (value) {
          const translated = translate(value);
          if (translated !== value) element.setAttribute(name, translated);
        }
      }
    });
    // Menu entries (Paragraph, Heading 2…): leaf elements whose whole text is a known string.
    root.querySelectorAll('.prose-menubar__option *, .prose-menubar__selected *').forEach((el) => {
      if (el.children.length === 0 && !el.classList.contains('material-icons')) {
        const translated = translate(el.textContent);
        if (translated !== el.textContent) el.textContent = translated;
      }
    });
  }

  function watch() {
    document.querySelectorAll('.prose-menubar').forEach(translateMenubar);
    const observer = new MutationObserver((mutations) => {
      for (const mutation of mutations) {
        const target = mutation.target.nodeType === 1 ? mutation.target : mutation.target.parentElement;
        const menubar = target && target.closest('.prose-menubar');
        if (menubar) translateMenubar(menubar);
        mutation.addedNodes.forEach((node) => {
          if (node.nodeType === 1) {
            if (node.matches('.prose-menubar')) translateMenubar(node);
            node.querySelectorAll('.prose-menubar').forEach(translateMenubar);
          }
        });
      }
    });
    observer.observe(document.body, {childList: true, subtree: true});
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', watch);
  } else {
    watch();
  }
})();
