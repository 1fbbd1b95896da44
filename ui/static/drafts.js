// What an organiser types in the wizard, kept in the browser until the server has saved it (see
// ui/pages/wizard/drafts.py).
//
// Text fields send their value after a short pause in typing: a reload, a closed tab or a lost connection in
// that pause would lose the last words. Every keystroke in a field marked data-draft="<key>" is written at once
// to localStorage with the stored value's fingerprint the field started from (data-draft-base); the server
// removes the draft once it has saved that text, and offers back after a reload what is still there. While a
// draft is unsaved, the save status reads "Saving…" and leaving the page asks first.
"use strict";
(() => {
  const PREFIX = "atelier-draft:";

  function read(key) {
    try {
      return JSON.parse(localStorage.getItem(PREFIX + key));
    } catch {
      return null;
    }
  }

  function keysOnPage() {
    return [...document.querySelectorAll("[data-draft]")].map((field) => field.dataset.draft);
  }

  function showPending() {
    const pending = keysOnPage().some((key) => read(key) !== null);
    for (const status of document.querySelectorAll("[data-draft-status]")) {
      status.toggleAttribute("data-pending", pending);
    }
  }

  document.addEventListener("input", (event) => {
    const target = event.target;
    const field = target instanceof Element ? target.closest("[data-draft]") : null;
    if (!field || !("value" in target)) return;
    const key = field.dataset.draft;
    const base = (read(key) || { base: field.dataset.draftBase || "" }).base; // the first keystroke's base stays
    localStorage.setItem(PREFIX + key, JSON.stringify({ value: target.value, base, at: Date.now() }));
    showPending();
  }, true);

  // A hidden page (another tab, a closing window) sends what is waiting at once: Quasar sends on blur.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden" && document.activeElement?.closest?.("[data-draft]")) {
      document.activeElement.blur();
    }
  });

  window.addEventListener("beforeunload", (event) => {
    if (keysOnPage().some((key) => read(key) !== null)) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  window.atelierDrafts = {
    // The drafts whose key starts with `scope` (one workshop's), as {key: {value, base}}.
    pending(scope) {
      const found = {};
      for (let i = 0; i < localStorage.length; i++) {
        const name = localStorage.key(i);
        if (name.startsWith(PREFIX + scope)) {
          const draft = read(name.slice(PREFIX.length));
          if (draft) found[name.slice(PREFIX.length)] = { value: String(draft.value), base: String(draft.base) };
        }
      }
      return found;
    },
    // The server saved `value` for `key`: the draft goes if that is what it holds, or else builds on `base`.
    saved(key, value, base) {
      const draft = read(key);
      if (draft === null) return;
      if (draft.value === value) localStorage.removeItem(PREFIX + key);
      else localStorage.setItem(PREFIX + key, JSON.stringify({ ...draft, base }));
      showPending();
    },
    drop(key) {
      localStorage.removeItem(PREFIX + key);
      showPending();
    },
    // The field or marked place that has the focus, to give it back after a redraw.
    focused() {
      const active = document.activeElement;
      const field = active?.closest?.("[data-draft]");
      if (field) return { draft: field.dataset.draft };
      const marked = active?.closest?.("[data-focus]");
      return marked ? { focus: marked.dataset.focus } : null;
    },
    focus(place) {
      if (place.focus) return window.atelierFocus([place.focus]);
      const field = document.querySelector(`[data-draft="${CSS.escape(place.draft)}"]`);
      const input = field && (field.matches("input, textarea") ? field : field.querySelector("input, textarea"));
      if (!input) return null;
      input.focus({ preventScroll: true });
      input.setSelectionRange?.(input.value.length, input.value.length);
      return place.draft;
    },
    showPending,
  };
})();
