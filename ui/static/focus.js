// Keyboard focus that survives a redraw (see ui/focus.py).
//
// A list redrawn by the server gets new elements: the one that had the focus is gone and the browser
// falls back to the top of the page. Elements that may take the focus afterwards carry
// data-focus="<key>"; the server then calls atelierFocus with the keys it prefers, best first.
"use strict";
(() => {
  const FOCUSABLE = 'input:not([disabled]):not([type="hidden"]), textarea:not([disabled]), select:not([disabled]), ' +
    'button:not([disabled]), a[href], [tabindex]:not([tabindex^="-"])';

  function focusable(marked) {
    if (marked.matches(FOCUSABLE)) return marked;
    return marked.querySelector(FOCUSABLE);
  }

  window.atelierFocus = (keys) => {
    for (const key of keys) {
      const marked = document.querySelector(`[data-focus="${CSS.escape(key)}"]`);
      const target = marked && focusable(marked);
      if (target) {
        target.focus({ preventScroll: true });
        target.scrollIntoView({ block: "center", behavior: "instant" });
        return key;
      }
    }
    return null;
  };
})();

// Arrow keys in a menu (ui.components.keyboard_menu): down and up move to the next and previous item,
// round the end; Home and End to the first and last. Enter chooses, Escape and Tab close (Quasar, the server).
window.atelierMenuKeys = (event) => {
  const items = [...event.currentTarget.querySelectorAll('[role="menuitem"]:not([aria-disabled="true"])')];
  if (!items.length) return;
  const here = items.indexOf(document.activeElement);
  const next = {
    ArrowDown: (here + 1) % items.length,
    ArrowUp: (here - 1 + items.length) % items.length,
    Home: 0,
    End: items.length - 1,
  }[event.key];
  if (next === undefined) return;
  event.preventDefault();
  items[next].focus();
};
