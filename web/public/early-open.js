// The first thing a page of parley runs, before the app's bundle is even fetched: it opens the
// signed-in device's two IndexedDB databases (history and outbox), which takes the browser
// 20-50 ms, so that they are open by the time the app asks for what its first frame shows
// (src/app/early.ts takes them). It only opens what exists, at whatever version it has; the
// app checks the version and the stores and opens again itself when they are not what it needs
// (a first visit, an upgrade). A classic script of its own, not part of the bundle: it must not
// wait for it. No inline script: the Content-Security-Policy allows none.
(function () {
  "use strict";
  try {
    var session = JSON.parse(localStorage.getItem("parley.session") || "null");
    if (!session || typeof session.device !== "number" || typeof indexedDB === "undefined") return;
    var open = function (name) {
      return new Promise(function (resolve) {
        var req = indexedDB.open(name);
        // No such database yet: make none (the app creates it with its stores).
        req.onupgradeneeded = function () { req.transaction.abort(); };
        req.onsuccess = function () {
          // Until the app takes it: never in the way of another page's upgrade or sign-out.
          req.result.onversionchange = function () { req.result.close(); };
          resolve(req.result);
        };
        req.onerror = function (e) { e.preventDefault(); resolve(null); };
      });
    };
    globalThis.parleyEarlyOpen = {
      device: session.device,
      history: open("parley-history-" + session.device),
      outbox: open("parley-outbox-" + session.device),
    };
  } catch (e) {
    // Nothing opened early: the app opens the databases itself.
  }
})();
