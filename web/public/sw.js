// parley's service worker: shows the Web Push notifications the server sends (docs/protocol.md
// §4.9; the payload is JSON: {event, chat, kind, seq, count, badge, title, body, tag}), each
// replacing the one with the same tag, and opens the app at the notification's chat when it is
// clicked. It caches nothing.

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

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
  await self.clients.openWindow(chat ? `/?chat=${chat}` : "/");
}
