// The protocol module against a scripted fake socket: what it sends, what it makes of what
// it receives, and how it behaves across reconnects.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { MemoryOutbox, ParleyClient } from "../src/protocol/client";
import { FakeSocket } from "./fake_socket";

function setup(options: Partial<ConstructorParameters<typeof ParleyClient>[0]> = {}) {
  const sockets: FakeSocket[] = [];
  const client = new ParleyClient({
    url: "ws://127.0.0.1/v1/ws",
    token: "t0k3n",
    socket: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
    ...options,
  });
  return { client, sockets, last: () => sockets[sockets.length - 1] };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("ParleyClient", () => {
  it("authenticates with the first frame, then syncs from its position", async () => {
    const { client, last } = setup({ position: 41 });
    await client.start();
    last().open();
    expect(last().sent[0]).toEqual({ type: "auth", token: "t0k3n" });
    last().hello();
    expect(client.connected).toBe(true);
    expect(last().sent[1]).toEqual({ type: "sync", after: 41 });
  });

  it("drops messages it has seen (by pts, and rooms by seq) and acknowledges in one batch", async () => {
    const { client, last } = setup();
    const got: number[] = [];
    client.on("message", (m) => got.push(m.seq));
    await client.start();
    last().open();
    last().hello(1);
    const msg = { type: "msg", chat: 5, from: 2, device: 3, id: "x", ts: 1, text: "hi" };
    last().push({ ...msg, pts: 1, seq: 1 });
    last().push({ ...msg, pts: 1, seq: 1 });  // again: a resync overlap
    last().push({ ...msg, pts: 2, seq: 2 });
    last().push({ ...msg, chat: 9, seq: 4 });  // a room's message: no pts
    last().push({ ...msg, chat: 9, seq: 4 });
    expect(got).toEqual([1, 2, 4]);
    expect(client.position).toBe(2);
    vi.advanceTimersByTime(25);
    const acks = last().sent.filter((f) => f.type === "delivered" || f.type === "received");
    expect(acks).toEqual([{ type: "delivered", chat: 5, seq: 2 }, { type: "received", pts: 2 }]);
    vi.advanceTimersByTime(1000);  // room positions go lazily
    expect(last().sent).toContainEqual({ type: "received", chat: 9, seq: 4 });
  });

  it("keeps unanswered sends across a reconnect and resends them marked background, once answered never again", async () => {
    const outbox = new MemoryOutbox();
    const { client, sockets, last } = setup({ outbox });
    await client.start();
    const id = client.sendToUser(2, "typed while offline");  // not connected yet: kept
    expect(client.unanswered.map((p) => p.id)).toEqual([id]);
    last().open();
    last().hello();
    expect(last().sent).toContainEqual({ type: "send", to: 2, text: "typed while offline", id, background: true });
    last().drop();
    vi.advanceTimersByTime(100);  // backoff
    expect(sockets.length).toBe(2);
    last().open();
    last().hello();
    expect(last().sent.filter((f) => f.id === id).length).toBe(1);
    last().push({ type: "ack", id, chat: 4, seq: 1, ts: 5 });
    expect(client.unanswered).toEqual([]);
    expect(await outbox.load()).toEqual([]);
  });

  it("restores a page's unsent messages from the outbox", async () => {
    const outbox = new MemoryOutbox();
    await outbox.put({ id: "old-1", order: 3, frame: { type: "send", chat: 4, text: "from before the reload", id: "old-1" } });
    const { client, last } = setup({ outbox });
    await client.start();
    last().open();
    last().hello();
    expect(last().sent).toContainEqual({ type: "send", chat: 4, text: "from before the reload", id: "old-1", background: true });
    expect(client.sendToChat(4, "next")).not.toBe("old-1");
    expect(client.unanswered.map((p) => p.order)).toEqual([3, 4]);
  });

  it("retries a rate-limited send after the wait and forgets one the server refused", async () => {
    const { client, last } = setup();
    await client.start();
    last().open();
    last().hello();
    const slow = client.sendToUser(2, "a");
    const bad = client.sendToChat(99, "b");
    last().push({ type: "error", code: "rate_limited", message: "slow down", id: slow, retry_after_ms: 200 });
    last().push({ type: "error", code: "not_member", message: "no", id: bad });
    expect(client.unanswered.map((p) => p.id)).toEqual([slow]);
    const before = last().sent.length;
    vi.advanceTimersByTime(200);
    expect(last().sent.slice(before)).toEqual([{ type: "send", to: 2, text: "a", id: slow, background: true }]);
  });

  it("stops at 4001 and says so; re-subscribes presence and heartbeats while in the foreground", async () => {
    const { client, sockets, last } = setup({ foreground: true });
    let unauthorized = false;
    client.on("unauthorized", () => { unauthorized = true; });
    client.subscribePresence([2, 3]);
    await client.start();
    last().open();
    last().hello();
    expect(last().sent).toContainEqual({ type: "presence_subscribe", users: [2, 3] });
    expect(last().sent).toContainEqual({ type: "heartbeat", active: true });
    vi.advanceTimersByTime(300);
    expect(last().types().filter((t) => t === "heartbeat").length).toBe(2);
    last().drop(4001);
    vi.advanceTimersByTime(10000);
    expect(unauthorized).toBe(true);
    expect(sockets.length).toBe(1);
  });

  it("says nothing of the socket it was stopped on, not even its 4001 close (a sign-out revokes the device)", async () => {
    const { client, sockets, last } = setup();
    const heard: string[] = [];
    client.on("unauthorized", () => heard.push("unauthorized"));
    client.on("state", (up) => heard.push(`state ${up}`));
    client.on("message", () => heard.push("message"));
    await client.start();
    last().open();
    last().hello();
    heard.length = 0;
    client.stop();
    last().push({ type: "msg", chat: 5, from: 2, device: 3, id: "x", ts: 1, text: "late", pts: 1, seq: 1 });
    last().drop(4001);
    vi.advanceTimersByTime(10000);
    expect(heard).toEqual([]);
    expect(sockets.length).toBe(1);
  });

  it("answers group and room requests through done, and questions asked offline go out once connected", async () => {
    const { client, last } = setup();
    const done: string[] = [];
    client.on("done", (d) => done.push(d.id));
    await client.start();
    client.chatInfo(5);
    const id = client.createChat("group", "team", [2, 3]);
    last().open();
    last().hello();
    expect(last().sent).toContainEqual({ type: "create", kind: "group", name: "team", members: [2, 3], id });
    expect(last().sent).toContainEqual({ type: "chat_info", chat: 5 });
    last().push({ type: "done", id, chat: 5, seq: 1, changed: true });
    expect(done).toEqual([id]);
    expect(client.unanswered).toEqual([]);
    const roomId = client.createChat("room", "town square", [], { public: true });
    expect(last().sent).toContainEqual({ type: "create", kind: "room", name: "town square", members: [], public: true, id: roomId });
    const joinId = client.joinRoom({ chat: 6 });
    expect(last().sent).toContainEqual({ type: "join", chat: 6, id: joinId });
  });

  it("a chat read before the connection is up is told once connected, at its highest position", async () => {
    const { client, last } = setup();
    await client.start();
    client.markRead(5, 3);      // a page opened at chat 5: read at once, the socket not up yet
    client.markRead(5, 7);
    client.markRead(5, 6);
    client.markRead(8, 2);
    last().open();
    last().hello();
    expect(last().sent.filter((f) => f.type === "read")).toEqual([{ type: "read", chat: 5, seq: 7 }, { type: "read", chat: 8, seq: 2 }]);
    client.markRead(5, 9);      // connected: at once
    expect(last().sent.at(-1)).toEqual({ type: "read", chat: 5, seq: 9 });
    last().drop();
    vi.advanceTimersByTime(100);
    last().open();
    last().hello();
    expect(last().sent.filter((f) => f.type === "read")).toEqual([]);   // told once, not again
  });

  it("asks for and sets both privacy settings, and reports both", async () => {
    const { client, last } = setup();
    const got: unknown[] = [];
    client.on("privacy", (p) => got.push(p));
    await client.start();
    client.privacy({ group_add: "nobody" });          // asked while connecting: goes out after hello
    last().open();
    last().hello();
    client.privacy();
    client.privacy({ last_seen: "contacts", group_add: "everyone" });
    expect(last().sent.filter((f) => f.type === "privacy")).toEqual([
      { type: "privacy", group_add: "nobody" }, { type: "privacy" },
      { type: "privacy", last_seen: "contacts", group_add: "everyone" },
    ]);
    last().push({ type: "privacy", last_seen: "everyone", group_add: "contacts" });
    expect(got).toEqual([{ type: "privacy", last_seen: "everyone", group_add: "contacts" }]);
  });

  it("sets who sees my name, about and photo, and passes profile, chat_state, contact and blocks frames on", async () => {
    const { client, last } = setup();
    const got: unknown[] = [];
    client.on("account", (f) => got.push(f.type));
    await client.start();
    last().open();
    last().hello();
    client.privacy({ name: "contacts", about: "nobody", photo: "everyone" });
    expect(last().sent.at(-1)).toEqual({ type: "privacy", name: "contacts", about: "nobody", photo: "everyone" });
    last().push({ type: "profile", user: 2, name: "Bo" });
    last().push({ type: "chat_state", chat: 4, muted_until: -1, archived: false, pinned: true });
    last().push({ type: "contact", user: 2, contact_name: "Bob" });
    last().push({ type: "blocks", blocked: [3] });
    expect(got).toEqual(["profile", "chat_state", "contact", "blocks"]);
    expect(last().sent.filter((f) => f.type === "received")).toEqual([]);   // live frames: no position moves
  });

  it("accepts and declines group invites as requests, and passes invite frames and invited ids on", async () => {
    const { client, sockets, last } = setup();
    const invites: unknown[] = [];
    const done: [unknown, unknown][] = [];
    client.on("invite", (i) => invites.push(i));
    client.on("done", (d, request) => done.push([d, request]));
    await client.start();
    const accept = client.joinByInvite("Ab3");
    const decline = client.decline("Xy9");
    last().open();
    last().hello();
    expect(last().sent).toContainEqual({ type: "join", invite: "Ab3", id: accept });
    expect(last().sent).toContainEqual({ type: "decline", invite: "Xy9", id: decline });
    last().drop();
    vi.advanceTimersByTime(100);
    expect(sockets.length).toBe(2);
    last().open();
    last().hello();                                     // unanswered: sent again, as they were
    expect(last().sent).toContainEqual({ type: "decline", invite: "Xy9", id: decline });
    last().push({ type: "done", id: decline, chat: 7, changed: true });
    expect(done).toEqual([[{ type: "done", id: decline, chat: 7, changed: true }, { type: "decline", invite: "Xy9", id: decline }]]);
    expect(client.unanswered.map((p) => p.id)).toEqual([accept]);

    const create = client.createChat("group", "Hikers", [5, 6]);
    last().push({ type: "done", id: create, chat: 8, seq: 1, changed: true, invited: [5] });
    expect(done[1][0]).toMatchObject({ chat: 8, invited: [5] });
    const pending = { type: "invite", state: "pending", chat: 7, code: "Ab3", name: "Hikers", from: 1, expires_at: 99 };
    last().push(pending);
    last().push({ type: "invite", state: "accepted", chat: 7, code: "Ab3" });
    expect(invites).toEqual([pending, { type: "invite", state: "accepted", chat: 7, code: "Ab3" }]);
  });

  it("resumes from the server's stored position when it remembers none", async () => {
    const { client, last } = setup();
    const positions: number[] = [];
    client.on("position", (p) => positions.push(p));
    await client.start();
    last().open();
    last().hello(1, 120);
    expect(last().sent[1]).toEqual({ type: "sync", after: 120 });
    expect(client.position).toBe(120);
    expect(positions).toEqual([120]);
  });

  it("tells when requests are queued and answered, and retries at once on reconnectNow", async () => {
    const { client, sockets, last } = setup({ reconnectMinMs: 4000 });
    let changes = 0;
    client.on("pending", () => changes++);
    await client.start();
    const id = client.sendToChat(3, "offline");
    expect(changes).toBe(1);
    last().drop();                      // the first connection never opened
    expect(sockets.length).toBe(1);
    client.reconnectNow();              // no 4 s wait
    expect(sockets.length).toBe(2);
    last().open();
    last().hello();
    expect(last().sent.find((f) => f.type === "send")).toMatchObject({ id, chat: 3, text: "offline", background: true });
    last().push({ type: "ack", id, chat: 3, seq: 9, ts: 1 });
    expect(changes).toBe(2);
    expect(client.unanswered).toEqual([]);
  });
});
