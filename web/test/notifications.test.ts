// Notifications (protocol.md §4.9): the Notifications setting (permission, Web Push subscription
// with the server's VAPID key, the push target registered and removed), this page's own
// notifications while it is hidden, and the service worker's push and click handlers.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type { Api, ChatSummary, MyProfile, PushConfig } from "../src/app/api";
import { fromBase64Url, Notifications, type PushEnv, type SubscriptionLike } from "../src/app/push";
import { AppState } from "../src/app/state";
import { ParleyClient } from "../src/protocol/client";
import { alertFor, watchAlerts, type Alert } from "../src/ui/alerts";
import { FakeSocket } from "./fake_socket";
import swSource from "../public/sw.js?raw";

const ME = 1;
const BOB = 2;
const KEY = "BEl62iUYgUivxIkv69yViEuiBIa-Ib9-SkvMeAtA3LFgDzkrxZJjSgSnfckjBJuBkr3qBUYIHBQFLXYp5Nksh8U";
const SUB_JSON = { endpoint: "https://fcm.googleapis.com/fcm/send/abc", keys: { p256dh: "BN", auth: "x2" } };

/** A browser whose permission and push manager the test controls. */
function fakeBrowser(permission = "default", answer = "granted") {
  const state = { permission, subscription: null as (SubscriptionLike & { key: Uint8Array }) | null, subscribed: 0, unsubscribed: 0 };
  const manager = {
    getSubscription: vi.fn(async () => state.subscription),
    subscribe: vi.fn(async (o: { userVisibleOnly: boolean; applicationServerKey: Uint8Array }) => {
      state.subscribed++;
      const sub = {
        key: o.applicationServerKey, options: { applicationServerKey: o.applicationServerKey.buffer as ArrayBuffer },
        toJSON: () => SUB_JSON,
        unsubscribe: async () => { state.unsubscribed++; state.subscription = null; return true; },
      };
      state.subscription = sub;
      return sub;
    }),
  };
  const env: PushEnv = {
    permission: () => state.permission,
    requestPermission: vi.fn(async () => (state.permission = answer)),
    pushManager: async () => manager,
  };
  return { env, manager, state };
}

function fakeApi(config: PushConfig = { providers: ["webpush", "log"], vapid_public_key: KEY }) {
  return {
    pushConfig: vi.fn(async () => config),
    registerPush: vi.fn(async () => ({ target: 7, provider: "webpush" })),
    removePushTarget: vi.fn(async (t: number) => ({ removed: t })),
  };
}

function memoryStorage() {
  const kept = new Map<string, string>();
  return { kept, getItem: (k: string) => kept.get(k) ?? null, setItem: (k: string, v: string) => void kept.set(k, v), removeItem: (k: string) => void kept.delete(k) };
}

describe("the Notifications setting", () => {
  it("asks the permission, subscribes with the server's key and registers the subscription; off removes both", async () => {
    const { env, manager, state } = fakeBrowser();
    const api = fakeApi();
    const storage = memoryStorage();
    const n = new Notifications(api as unknown as Api, env, storage, "k", () => {});
    expect(n.status).toBe("off");
    await n.enable();
    expect(env.requestPermission).toHaveBeenCalled();
    expect(manager.subscribe).toHaveBeenCalledWith({ userVisibleOnly: true, applicationServerKey: fromBase64Url(KEY) });
    expect(fromBase64Url(KEY).length).toBe(65);                        // an uncompressed P-256 point
    expect(api.registerPush).toHaveBeenCalledWith({ provider: "webpush", subscription: SUB_JSON });
    expect([n.status, n.note, n.allowed]).toEqual(["on", "", true]);
    expect(JSON.parse(storage.kept.get("k")!)).toEqual({ on: true, target: 7 });

    await n.disable();
    expect(api.removePushTarget).toHaveBeenCalledWith(7);
    expect(state.unsubscribed).toBe(1);
    expect([n.status, n.allowed]).toEqual(["off", false]);
  });

  it("a refused permission subscribes nothing and says how to allow it", async () => {
    const { env, manager } = fakeBrowser("default", "denied");
    const n = new Notifications(fakeApi() as unknown as Api, env, memoryStorage(), "k", () => {});
    await expect(n.enable()).rejects.toThrow("Notifications are blocked for this site");
    expect(n.status).toBe("denied");
    expect(manager.subscribe).not.toHaveBeenCalled();
  });

  it("without Web Push on the server, notifications come while a tab is open, and the note says so", async () => {
    const { env, manager } = fakeBrowser("granted");
    const api = fakeApi({ providers: ["log"] });
    const n = new Notifications(api as unknown as Api, env, memoryStorage(), "k", () => {});
    await n.enable();
    expect(n.status).toBe("on");
    expect(n.note).toBe("Notifications show while parley is open in a tab: this server does not send notifications to browsers.");
    expect(manager.subscribe).not.toHaveBeenCalled();
    expect(api.registerPush).not.toHaveBeenCalled();
  });

  it("a subscription made for another server key is replaced", async () => {
    const { env, manager, state } = fakeBrowser("granted");
    await manager.subscribe({ userVisibleOnly: true, applicationServerKey: new Uint8Array(65).fill(9) });
    const n = new Notifications(fakeApi() as unknown as Api, env, memoryStorage(), "k", () => {});
    await n.enable();
    expect(state.unsubscribed).toBe(1);
    expect(state.subscription!.key).toEqual(fromBase64Url(KEY));
  });

  it("a new page registers the subscription again; a permission taken back turns the setting off", async () => {
    const { env, state } = fakeBrowser("granted");
    const api = fakeApi();
    const storage = memoryStorage();
    storage.setItem("k", JSON.stringify({ on: true, target: 7 }));
    const n = new Notifications(api as unknown as Api, env, storage, "k", () => {});
    await n.restore();
    expect(n.status).toBe("on");
    expect(api.registerPush).toHaveBeenCalledTimes(1);
    state.permission = "denied";
    const again = new Notifications(api as unknown as Api, env, storage, "k", () => {});
    await again.restore();
    expect(again.status).toBe("denied");
    await again.signOut();
    expect(storage.kept.has("k")).toBe(false);
    expect(state.subscription).toBeNull();
  });
});

// ---------------------------------------------------------------- this page's notifications

const direct = (chat: number, over: Partial<ChatSummary> = {}): ChatSummary =>
  ({ chat, kind: "direct", last_seq: 0, last_ts: chat, last_text: "", last_sender: BOB, read: 0, peer: BOB, peer_phone: "+14155550102", peer_name: "Bo", ...over });
const group = (chat: number, over: Partial<ChatSummary> = {}): ChatSummary =>
  ({ chat, kind: "group", last_seq: 0, last_ts: chat, last_text: "", last_sender: BOB, read: 0, name: "Hikers", member_count: 3, ...over });
const msg = (chat: number, seq: number, from: number, text: string, pts = 10 + seq) =>
  ({ type: "msg" as const, pts, chat, seq, from, device: 3, id: `m${chat}-${seq}`, ts: 1_700_000_000_000, text });

async function page(chats: ChatSummary[], previews = true) {
  const sockets: FakeSocket[] = [];
  const profile: MyProfile = { user: ME, phone: "+14155550101", previews };
  const api = {
    chats: vi.fn(async () => chats), invites: vi.fn(async () => []), history: vi.fn(async () => []), myProfile: vi.fn(async () => profile),
    users: vi.fn(async () => [{ user: BOB, name: "Bo" }]), ...fakeApi(),
  };
  const { env } = fakeBrowser("granted");
  const client = new ParleyClient({ url: "ws://x/v1/ws", token: "t", socket: () => { const s = new FakeSocket(); sockets.push(s); return s; } });
  const state = new AppState(ME, "+14155550101", api as unknown as Api, client, undefined, env);
  await state.start();
  sockets[0].open();
  sockets[0].hello(ME, 10);
  await vi.advanceTimersByTimeAsync(0);
  await state.notifications.enable();
  return { state, ws: sockets[0] };
}

describe("notifications while the page is hidden", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("says who wrote what, with the chat's tag; nothing when visible, mine, muted or in a room", async () => {
    const { state } = await page([direct(4), group(5), group(6, { muted_until: -1 }), { ...group(7), kind: "room" }]);
    expect(alertFor(state, msg(4, 1, BOB, "see you at 8"), true)).toEqual({ title: "Bo", body: "see you at 8", tag: "chat-4", chat: 4 });
    expect(alertFor(state, msg(5, 1, BOB, "on the trail"), true)).toEqual({ title: "Hikers", body: "Bo: on the trail", tag: "chat-5", chat: 5 });
    expect(alertFor(state, { ...msg(4, 2, BOB, ""), media: { id: "x", kind: "image" as const, mime: "image/jpeg", size: 1 } }, true)?.body).toBe("📷 Photo");
    expect(alertFor(state, msg(4, 3, BOB, "x".repeat(150)), true)?.body).toHaveLength(100);
    expect(alertFor(state, msg(4, 1, BOB, "hi"), false)).toBeNull();
    expect(alertFor(state, msg(4, 1, ME, "mine"), true)).toBeNull();
    expect(alertFor(state, msg(6, 1, BOB, "muted"), true)).toBeNull();
    expect(alertFor(state, msg(7, 1, BOB, "room"), true)).toBeNull();
    await state.notifications.disable();
    expect(alertFor(state, msg(4, 1, BOB, "off"), true)).toBeNull();
    state.dispose();
  });

  it("with previews off says only that a message came", async () => {
    const { state } = await page([direct(4)], false);
    expect(alertFor(state, msg(4, 1, BOB, "secret"), true)).toEqual({ title: "parley", body: "New message", tag: "chat-4", chat: 4 });
    state.dispose();
  });

  it("the first message of a new chat waits for the chat list to say who wrote", async () => {
    const chats: ChatSummary[] = [];
    const { state, ws } = await page(chats);
    const shown: Alert[] = [];
    watchAlerts(state, () => true, (a) => shown.push(a));
    ws.push({ type: "synced", pts: 10, head: 10 });
    chats.push(direct(9, { last_seq: 1, peer_name: "Bo" }));
    ws.push(msg(9, 1, BOB, "first"));
    expect(shown).toEqual([]);
    await vi.advanceTimersByTimeAsync(150);             // the list is read again
    expect(shown).toEqual([{ title: "Bo", body: "first", tag: "chat-9", chat: 9 }]);
    state.dispose();
  });

  it("announces nothing of the backlog read before the first synced", async () => {
    const { state, ws } = await page([direct(4)]);
    const shown: Alert[] = [];
    const stop = watchAlerts(state, () => true, (a) => shown.push(a));
    ws.push(msg(4, 1, BOB, "old"));
    ws.push({ type: "synced", pts: 11, head: 11 });
    ws.push(msg(4, 2, BOB, "new"));
    expect(shown.map((a) => a.body)).toEqual(["new"]);
    stop();
    ws.push(msg(4, 3, BOB, "after"));
    expect(shown).toHaveLength(1);
    state.dispose();
  });
});

// ---------------------------------------------------------------- the service worker

type Handler = (event: Record<string, unknown>) => void;

/** Runs public/sw.js against a fake worker scope; returns its handlers and what it did. */
function worker(tabs: { url: string; focus: () => Promise<void>; postMessage: (m: unknown) => void }[] = []) {
  const handlers = new Map<string, Handler>();
  const shown: { title: string; options: Record<string, unknown> }[] = [];
  const opened: string[] = [];
  const badges: number[] = [];
  const scope = {
    addEventListener: (type: string, h: Handler) => handlers.set(type, h),
    location: new URL("https://parley.example/sw.js"),
    registration: { showNotification: async (title: string, options: Record<string, unknown>) => void shown.push({ title, options }) },
    clients: { claim: async () => {}, matchAll: async () => tabs, openWindow: async (url: string) => void opened.push(url) },
    navigator: { setAppBadge: async (n: number) => void badges.push(n), clearAppBadge: async () => void badges.push(0) },
    skipWaiting: () => {},
  };
  new Function("self", swSource)(scope);
  async function fire(type: string, event: Record<string, unknown>) {
    let done: Promise<unknown> = Promise.resolve();
    handlers.get(type)!({ ...event, waitUntil: (p: Promise<unknown>) => { done = p; } });
    await done;
  }
  return { fire, shown, opened, badges };
}

describe("the service worker", () => {
  it("shows a pushed notification with its title, body and tag, and sets the badge", async () => {
    const sw = worker();
    const payload = { event: "message", chat: 42, kind: "direct", seq: 9, count: 3, badge: 2, title: "Bo", body: "3 new messages", tag: "chat-42" };
    await sw.fire("push", { data: { json: () => payload, text: () => JSON.stringify(payload) } });
    expect(sw.shown).toEqual([{ title: "Bo", options: expect.objectContaining({ body: "3 new messages", tag: "chat-42", renotify: true, data: { chat: 42 } }) }]);
    expect(sw.badges).toEqual([2]);
  });

  it("a click focuses an open tab and tells it the chat, or opens the app at the chat", async () => {
    const posted: unknown[] = [];
    const focus = vi.fn(async () => {});
    const withTab = worker([{ url: "https://parley.example/", focus, postMessage: (m) => posted.push(m) }]);
    const close = vi.fn();
    await withTab.fire("notificationclick", { notification: { close, data: { chat: 42 } } });
    expect(close).toHaveBeenCalled();
    expect(focus).toHaveBeenCalled();
    expect(posted).toEqual([{ type: "open", chat: 42 }]);

    const noTab = worker();
    await noTab.fire("notificationclick", { notification: { close, data: { chat: 42 } } });
    expect(noTab.opened).toEqual(["/chat/42"]);
  });
});
