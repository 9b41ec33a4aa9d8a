// parley's service worker: keeps the app shell (index.html and the build's files) so parley
// opens while the server is down, shows the Web Push notifications the server sends
// (docs/protocol.md §4.9; the payload is JSON: {event, chat, kind, seq, count, badge, title,
// body, tag}), each replacing the one with the same tag, and opens the app at the notification's
// chat when it is clicked.
//
// The shell: a navigation to one of the app's pages (/, /chat/<id>, /join/<code>) goes to the
// network first and gets the cached index.html when the network fails (or answers 5xx, or not
// within NAV_TIMEOUT_MS), so a reachable server always serves its own build. The build's files
// come from the cache (their names change with their content). /v1/ (the API, media, the
// WebSocket) is never touched: the page keeps its history in IndexedDB itself. A new build
// changes this file (BUILD below), so the browser installs it: it caches the new files, takes
// over at once and deletes the old caches; open pages get the new build on their next load.

// Written by the build (vite.config.ts, plugins/sw_build.mjs): the build's id and the files a
// page may load. Unbuilt (the dev server, the unit tests) nothing is cached.
const BUILD = { id: "dev", files: [] };
const SHELL = `parley-shell-${BUILD.id}`;
const NAV_TIMEOUT_MS = 4000;
const APP_PAGE = /^\/(index\.html)?$|^\/chat\/\d{1,15}\/?$|^\/join\/[A-Za-z0-9_-]{1,100}\/?$/;

self.addEventListener("install", (event) => event.waitUntil((async () => {
  if (BUILD.files.length) {
    const cache = await self.caches.open(SHELL);
    await cache.addAll(["/index.html", ...BUILD.files].map((url) => new Request(url, { cache: "reload" })));
  }
  await self.skipWaiting();
})()));

self.addEventListener("activate", (event) => event.waitUntil((async () => {
  for (const name of await self.caches.keys()) if (name.startsWith("parley-shell-") && name !== SHELL) await self.caches.delete(name);
  await self.clients.claim();
})()));

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith("/v1/")) return;
  if (request.mode === "navigate") {
    if (APP_PAGE.test(url.pathname)) event.respondWith(page(request));
  } else if (url.pathname.startsWith("/assets/") || BUILD.files.includes(url.pathname)) {
    event.respondWith(file(request, url.pathname));
  }
});

/** An app page: the network's answer, else the cached index.html (the app reads its address itself). */
async function page(request) {
  const shell = () => self.caches.open(SHELL).then((c) => c.match("/index.html"));
  let timer;
  const late = new Promise((resolve) => { timer = setTimeout(resolve, NAV_TIMEOUT_MS, "late"); });
  const net = self.fetch(request);
  net.catch(() => undefined);   // answered from the cache: a late failure is no one's business
  try {
    const res = await Promise.race([net, late]);
    if (res !== "late" && res.status < 500) return res;
    return (await shell()) ?? net;
  } catch (e) {
    const cached = await shell();
    if (cached) return cached;
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

/** A file of the build: from the cache, else from the network (and kept, when it is an asset, named by its content). */
async function file(request, path) {
  const cache = await self.caches.open(SHELL);
  const hit = await cache.match(path);
  if (hit) return hit;
  const res = await self.fetch(request);
  if (res.ok && path.startsWith("/assets/")) await cache.put(path, res.clone()).catch(() => undefined);
  return res;
}

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { body: event.data ? event.data.text() : "" };
  }
  const chat = (data.event === "message" || data.event === "mention") && Number.isInteger(data.chat) ? data.chat : 0;
  const tag = data.tag || (chat ? `chat-${chat}` : "parley");
  const shown = self.registration.showNotification(data.title || "parley", {
    body: data.body || "New message", tag, renotify: true, icon: "/favicon.svg", data: { chat },
  });
  const badge = typeof data.badge === "number" && self.navigator.setAppBadge
    ? (data.badge > 0 ? self.navigator.setAppBadge(data.badge) : self.navigator.clearAppBadge()).catch(() => undefined)
    : undefined;
  event.waitUntil(Promise.all([shown, badge]));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const chat = (event.notification.data && event.notification.data.chat) || 0;
  event.waitUntil(openAt(chat));
});

/** Focuses an open parley tab and tells it the chat, or opens a new one at it. */
async function openAt(chat) {
  const tabs = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const tab = tabs.find((c) => new URL(c.url).origin === self.location.origin);
  if (tab) {
    await tab.focus();
    tab.postMessage({ type: "open", chat });
    return;
  }
  await self.clients.openWindow(chat ? `/chat/${chat}` : "/");
}
