// Text areas that grow with their text (Quasar's `autogrow`, which every ui.textarea has: ui/theme.py).
//
// Quasar measures a text area's text when it is drawn and when its value changes. One drawn hidden (in a
// closed step of the agenda) measures nothing and opened one line high for five lines of script; Quasar's own
// remedy, an animation whose end measures again, never ran here. So every such text area is measured again
// whenever its width changes: when it is first shown, and when a narrower window wraps its lines anew.
"use strict";
(() => {
  const AREAS = ".q-textarea--autogrow textarea";
  const widths = new WeakMap();

  function fit(area) {
    const top = area.scrollTop;
    area.style.height = "1px";
    area.style.height = `${area.scrollHeight}px`;
    // Past its greatest height (atelier.css) it scrolls, as Quasar does it.
    const most = parseFloat(getComputedStyle(area).maxHeight);
    area.style.overflowY = most < area.scrollHeight ? "auto" : "hidden";
    area.scrollTop = top;
  }

  const resized = new ResizeObserver((entries) => {
    for (const { target, contentRect } of entries) {
      if (contentRect.width === 0 || widths.get(target) === contentRect.width) continue;  // hidden, or only taller
      widths.set(target, contentRect.width);
      fit(target);
    }
  });

  function areasIn(node, action) {
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    if (node.matches(AREAS)) action(node);
    node.querySelectorAll(AREAS).forEach(action);
  }

  new MutationObserver((records) => {
    for (const record of records) {
      record.addedNodes.forEach((node) => areasIn(node, (area) => resized.observe(area)));
      record.removedNodes.forEach((node) => areasIn(node, (area) => resized.unobserve(area)));
    }
  }).observe(document.body, { childList: true, subtree: true });
  document.querySelectorAll(AREAS).forEach((area) => resized.observe(area));
})();
