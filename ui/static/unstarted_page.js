// A page that the server stopped sending halfway stays blank.
//
// When Atelier restarts while a browser is loading a page (the doors open and the lobby moves on to the
// stage at that very moment), the page's HTML may arrive but one of its scripts not: NiceGUI then never
// starts, so the socket that would find the server again and reload the page is never opened. This script
// is written into every page itself (it cannot be one of the scripts that failed): once the page has
// loaded without NiceGUI starting, it asks the server every second and loads the page again when it answers.
"use strict";
window.addEventListener("load", () => {
  const loadAgainOnceTheServerAnswers = async () => {
    if (window.socket) return; // NiceGUI started: its socket finds the server again by itself
    try {
      const health = await fetch("/healthz", { cache: "no-store" });
      if (health.ok) {
        window.location.reload();
        return;
      }
    } catch {
      // the server is not back yet
    }
    setTimeout(loadAgainOnceTheServerAnswers, 1000);
  };
  loadAgainOnceTheServerAnswers();
});
