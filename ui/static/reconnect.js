// How soon a page finds the server again after losing it (a restart, a network glitch).
//
// NiceGUI opens each page's socket with socket.io's defaults: try again after 1 s, then 2 s, 4 s,
// and every 5 s from then on (each ±50 %). After a restart, a page could wait up to five seconds
// after the server answered before asking again; only then does NiceGUI see that the new server
// does not know the page ("Implicit handshake failed") and reload it at once. Atelier's pages try
// every 0.5 to 1 s: a refused attempt while the server is down costs it nothing.
//
// Loaded after socket.io.min.js and before NiceGUI's page script, which calls the global `io`.
"use strict";
(() => {
  const connect = window.io;
  if (typeof connect !== "function") return;
  const reconnecting = { reconnectionDelay: 500, reconnectionDelayMax: 1000 };
  window.io = Object.assign((url, options) => connect(url, { ...reconnecting, ...options }), connect);
})();
