// The browser's APIs behind the app's seams: the service worker (public/sw.js: Web Push
// notifications, and a click on one opening the app at its chat), push for the Notifications
// setting (`PushEnv`), and a notification shown by this page.

import type { PushEnv, PushManagerLike } from "../app/push";
import type { Alert } from "./alerts";

const hasWorker = () => typeof navigator !== "undefined" && "serviceWorker" in navigator;

/** Registers the service worker (a fixed name at the root, served with no-cache, so a new one is picked up). */
export function registerServiceWorker(): void {
  if (hasWorker()) navigator.serviceWorker.register("/sw.js").catch(() => undefined);
}

/** The service worker's registration as it is now (active or not); null without one. */
async function registration(): Promise<ServiceWorkerRegistration | null> {
  return hasWorker() ? (await navigator.serviceWorker.getRegistration()) ?? null : null;
}

/** The service worker's registration once it is active; null without one (or after 10 s). */
async function activeRegistration(): Promise<ServiceWorkerRegistration | null> {
  if (!(await registration())) return null;
  return Promise.race([navigator.serviceWorker.ready, new Promise<null>((r) => setTimeout(() => r(null), 10_000))]);
}

export const browserPush: PushEnv = {
  permission: () => (typeof Notification === "undefined" ? "unsupported" : Notification.permission),
  supported: () => typeof Notification !== "undefined",
  requestPermission: () => Notification.requestPermission(),
  pushManager: async (waitForActive = true) => {
    const reg = await (waitForActive ? activeRegistration() : registration());
    return reg && "pushManager" in reg ? (reg.pushManager as unknown as PushManagerLike) : null;
  },
};

/** Shows a notification; a click on it brings this page to the front at its chat (`open`). */
export async function showAlert(a: Alert, open: (chat: number) => void): Promise<void> {
  const options = { body: a.body, tag: a.tag, renotify: true, data: { chat: a.chat }, icon: "/favicon.svg" } as NotificationOptions;
  const reg = await registration();
  if (reg?.active) {
    await reg.showNotification(a.title, options);   // the worker's notificationclick opens the chat
    return;
  }
  const n = new Notification(a.title, options);
  n.onclick = () => { window.focus(); open(a.chat); n.close(); };
}

/** Calls `open` with the chat of a notification clicked while this page was open (the worker says so). */
export function onNotificationClick(open: (chat: number) => void): () => void {
  if (!hasWorker()) return () => undefined;
  const listener = (e: MessageEvent) => {
    const d = e.data as { type?: string; chat?: unknown } | null;
    if (d?.type === "open" && typeof d.chat === "number") open(d.chat);
  };
  navigator.serviceWorker.addEventListener("message", listener);
  return () => navigator.serviceWorker.removeEventListener("message", listener);
}
