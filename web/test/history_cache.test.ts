// The history kept in the browser (history_cache.ts, over a Map instead of IndexedDB) and
// reading history through it (history.ts): a chat opens from what was kept, then reads only what
// is new; deleted, expired and hidden messages leave the cache; bounds; sign-out wipes it.
import { describe, expect, it, vi } from "vitest";

import { ApiError, type Api, type ChatSummary } from "../src/app/api";
import { HistoryCache, MemoryKeyValue } from "../src/app/history_cache";
import { HistoryPages } from "../src/app/history";
import { mergeSpan, MessageStore, PAGE } from "../src/app/messages";
import type { Chat, Message } from "../src/app/model";
import { AppState } from "../src/app/state";
import { ParleyClient } from "../src/protocol/client";
import type { ChangedFrame, MarkedFrame, MsgFrame } from "../src/protocol/frames";
import { FakeSocket } from "./fake_socket";

const BOB = 2;
const msg = (seq: number, chat = 4, over: Partial<Message> = {}): Message => ({ chat, seq, from: BOB, ts: seq, text: `m${seq}`, id: `c${seq}`, ...over });
const frame = (seq: number, chat = 4, over: Partial<MsgFrame> = {}) => ({ ...msg(seq, chat), type: "msg", device: BOB, ...over }) as MsgFrame;
const seqs = (list: { seq: number }[] | undefined) => (list ?? []).map((m) => m.seq);
const written = () => new Promise((r) => setTimeout(r, 10));   // the cache writes once the current task ends

/** A chat with messages 1..n on the "server". */
function server(n: number, chat = 4) {
  const all = Array.from({ length: n }, (_, i) => frame(i + 1, chat));
  const history = vi.fn(async (_chat: number, before = 0, limit = 50) => {
    const older = before > 0 ? all.filter((m) => m.seq < before) : all;
    return older.slice(-limit).reverse();   // newest first, as the server sends a page
  });
  return { all, history, api: { history } as unknown as Api };
}

const chatOf = (lastSeq: number, kind: Chat["kind"] = "direct") => ({ chat: 4, kind, lastSeq }) as Chat;

describe("HistoryCache", () => {
  it("keeps each chat's newest messages without a gap, and a new page of this browser reads them back", async () => {
    const kv = new MemoryKeyValue();
    const cache = new HistoryCache(kv, { perChat: 5 });
    for (let seq = 1; seq <= 7; seq++) await cache.add(msg(seq));
    await cache.add(msg(1));                                   // before the run (it dropped 1 and 2): ignored
    await written();
    const again = new HistoryCache(kv, { perChat: 5 });
    const kept = await again.newest(4, 3);
    expect(seqs(kept?.messages)).toEqual([5, 6, 7]);
    expect(kept).toMatchObject({ complete: false, high: 7, count: 5 });
    expect(await again.before(4, 5, 10)).toEqual({ messages: [msg(3), msg(4)], complete: false });
    expect(await again.before(4, 3, 10)).toBeUndefined();      // nothing older kept and not complete: ask the server
    expect(await again.newest(5, 3)).toBeUndefined();
  });

  it("a chat whose first message it saw is complete; older pages then come from it alone", async () => {
    const cache = new HistoryCache(new MemoryKeyValue());
    for (let seq = 1; seq <= 3; seq++) await cache.add(msg(seq));
    expect(await cache.newest(4, 2)).toMatchObject({ complete: false });
    expect(await cache.before(4, 2, 50)).toEqual({ messages: [msg(1)], complete: true });
    expect(await cache.before(4, 1, 50)).toEqual({ messages: [], complete: true });
  });

  it("edits and reactions replace the copy (keeping my star), a deletion keeps only the tombstone, expired and hidden ones leave", async () => {
    const kv = new MemoryKeyValue();
    const cache = new HistoryCache(kv);
    const events = new Map<string, (f: unknown) => void>();
    cache.follow({ on: (e: string, h: (f: never) => void) => events.set(e, h as (f: unknown) => void) });
    for (let seq = 1; seq <= 5; seq++) events.get("message")!(frame(seq));
    events.get("marked")!({ type: "marked", pts: 9, chat: 4, seq: 1, starred: true } as MarkedFrame);
    events.get("changed")!({ ...frame(1), type: "changed", text: "edited", edited: 5 } as ChangedFrame);
    events.get("changed")!({ ...frame(2), type: "changed", text: "", deleted: BOB } as ChangedFrame);
    events.get("changed")!({ ...frame(3), type: "changed", expired: true } as ChangedFrame);
    events.get("marked")!({ type: "marked", pts: 10, chat: 4, seq: 4, hidden: true } as MarkedFrame);
    await written();
    const kept = (await new HistoryCache(kv).newest(4, 50))!.messages;
    expect(kept.map((m) => [m.seq, m.text, m.starred ?? false, m.deleted ?? 0])).toEqual([[1, "edited", true, 0], [2, "", false, BOB], [5, "m5", false, 0]]);
    expect(JSON.stringify([...kv.data.values()])).not.toMatch(/"m2"|"m3"|"m4"/);
  });

  it("never shows a message whose disappearing timer ran out, and drops it", async () => {
    let now = 1000;
    const kv = new MemoryKeyValue();
    const cache = new HistoryCache(kv, { now: () => now });
    await cache.add(msg(1));
    await cache.add(msg(2, 4, { expires_at: 2000 }));
    expect(seqs((await cache.newest(4, 50))!.messages)).toEqual([1, 2]);
    now = 2000;
    expect(seqs((await cache.newest(4, 50))!.messages)).toEqual([1]);
    await written();
    expect(JSON.stringify([...kv.data.values()])).not.toContain('"m2"');
  });

  it("past its total, the least recently used chats go whole", async () => {
    let now = 0;
    const kv = new MemoryKeyValue();
    const cache = new HistoryCache(kv, { total: 6, now: () => ++now });
    for (const chat of [1, 2, 3]) for (let seq = 1; seq <= 3; seq++) await cache.add(msg(seq, chat));
    await written();
    expect([...kv.data.keys()].filter((k) => k.startsWith("chat:")).sort()).toEqual(["chat:2", "chat:3"]);
    await cache.newest(2, 50);                                 // chat 2 is used: chat 3 is now the oldest
    await cache.add(msg(1, 5));
    await written();
    expect([...kv.data.keys()].filter((k) => k.startsWith("chat:")).sort()).toEqual(["chat:2", "chat:5"]);
    expect([...kv.data.keys()].filter((k) => k.startsWith("head:")).sort()).toEqual(["head:2", "head:5"]);   // their heads with them
  });

  it("keeps the server's chat list, forgets chats no longer in it, and wipe deletes everything", async () => {
    const kv = new MemoryKeyValue();
    const cache = new HistoryCache(kv);
    await cache.add(msg(1, 4));
    await cache.add(msg(1, 6));
    await written();
    const list = [{ chat: 4, kind: "direct", last_seq: 1, last_ts: 1, last_text: "m1", last_sender: BOB, read: 0 }] as ChatSummary[];
    await cache.saveChats(list);
    await written();
    expect(await new HistoryCache(kv).chats()).toEqual(list);
    expect(kv.data.has("chat:6")).toBe(false);
    await cache.wipe();
    expect(kv.data.size).toBe(0);
  });
});

describe("the saved chat list", () => {
  it("follows the chats as they move on the page (last message, read position), a second later", async () => {
    vi.useFakeTimers();
    try {
      const kv = new MemoryKeyValue();
      const cache = new HistoryCache(kv);
      const s = { chat: 4, kind: "direct", last_seq: 1, last_ts: 1, last_text: "m1", last_sender: BOB, read: 0, peer: BOB } as ChatSummary;
      await cache.saveChats([s]);
      const chat = { chat: 4, lastSeq: 2, lastTs: 2, lastText: "📷", lastSender: BOB, lastMedia: { kind: "image" }, read: 2, peerDelivered: 0,
        peerRead: 0, mutedUntil: 0, archived: true, pinned: false } as unknown as Chat;
      cache.chatsMoved(new Map([[4, chat]]));
      cache.chatsMoved(new Map([[4, chat]]));                    // at most once a second
      await vi.advanceTimersByTimeAsync(1100);
      expect(await cache.chats()).toEqual([{ ...s, last_seq: 2, last_ts: 2, last_text: "📷", last_media: { id: "", kind: "image", name: undefined },
        read: 2, peer_delivered: 0, peer_read: 0, muted_until: 0, archived: true, pinned: false }]);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("mergeSpan", () => {
  const list = [1, 2, 3, 4, 5].map((s) => msg(s));
  it("a page reaching the kept messages replaces its span and keeps the older ones; one missing from it is gone", () => {
    const page = [msg(4, 4, { text: "edited" }), msg(6), msg(7)];
    const merged = mergeSpan(list, true, page, { low: 4, top: 7, whole: false });
    expect(seqs(merged.list)).toEqual([1, 2, 3, 4, 6, 7]);
    expect(merged.list[3].text).toBe("edited");
    expect(merged.complete).toBe(true);
  });
  it("a page that does not reach them drops them (there may be a gap); newer ones stay", () => {
    const merged = mergeSpan([...list, msg(12)], true, [msg(8), msg(9), msg(10)], { low: 8, top: 10, whole: false });
    expect(seqs(merged.list)).toEqual([8, 9, 10, 12]);
    expect(merged.complete).toBe(false);
  });
  it("a short page is the whole chat", () => {
    expect(mergeSpan(list, false, [msg(2), msg(5)], { low: 2, top: 5, whole: true })).toEqual({ list: [msg(2), msg(5)], complete: true });
  });
});

describe("HistoryPages with a cache", () => {
  async function kept(n: number) {
    const cache = new HistoryCache(new MemoryKeyValue());
    for (let seq = 1; seq <= n; seq++) await cache.add(msg(seq));
    return cache;
  }

  it("shows the kept messages before the server answers, then reads only the new ones (and one to join them)", async () => {
    const cache = await kept(80);
    const { history, api } = server(83);
    let answer!: () => void;
    history.mockImplementationOnce(async (_c, _b, limit) => { await new Promise<void>((r) => { answer = r; }); return server(83).all.slice(-limit!).reverse(); });
    const store = new MessageStore();
    const shown: number[][] = [];
    const pages = new HistoryPages(api, store, () => {}, () => {}, () => shown.push(seqs(store.messages.get(4))), { cache, chat: () => chatOf(83) });
    const opened = pages.loadEarlier(4);
    await vi.waitFor(() => expect(history).toHaveBeenCalled());
    expect(shown[0]).toEqual(Array.from({ length: PAGE }, (_, i) => 31 + i));   // the newest page kept, on screen
    expect(history).toHaveBeenCalledWith(4, 0, 4);
    answer();
    await opened;
    expect(seqs(store.messages.get(4)).slice(-4)).toEqual([80, 81, 82, 83]);
    expect((await cache.newest(4, 1000))!.high).toBe(83);

    await pages.loadEarlier(4);                                // older: from the cache, no request
    expect(seqs(store.messages.get(4))[0]).toBe(1);
    expect(store.complete.has(4)).toBe(true);
    expect(history).toHaveBeenCalledTimes(1);
  });

  it("a chat whose kept run was read already (warm) gets its messages in the same task it is opened in, and with nothing new one change is told", async () => {
    const kv = new MemoryKeyValue();
    const before = new HistoryCache(kv);   // an earlier page
    for (let seq = 1; seq <= 60; seq++) await before.add(msg(seq));
    await written();
    const cache = new HistoryCache(kv);
    const { api } = server(60);
    const store = new MessageStore();
    let changes = 0;
    const pages = new HistoryPages(api, store, () => {}, () => {}, () => changes++, { cache, chat: () => chatOf(60) });
    expect(cache.newestNow(4, PAGE)).toBeNull();   // not read yet
    cache.warm(4);
    await written();
    expect(cache.newestNow(4, PAGE)?.messages).toHaveLength(PAGE);
    const opened = pages.loadEarlier(4);
    expect(store.messages.get(4)).toHaveLength(PAGE);   // no await in between
    await opened;
    await written();
    expect(changes).toBe(1);                               // one render, not a second for nothing
    expect(api.history).not.toHaveBeenCalled();
  });

  it("a page opening at a chat reads only its newest messages (the head), not the whole kept run, until something needs the run", async () => {
    const kv = new MemoryKeyValue();
    const before = new HistoryCache(kv);   // an earlier page
    for (let seq = 1; seq <= 1000; seq++) await before.add(msg(seq));
    await written();
    const asked: string[] = [];
    const spy = { ...kv, get: (key: string) => { asked.push(key); return kv.get(key); }, put: kv.put.bind(kv), destroy: kv.destroy.bind(kv) };
    const cache = new HistoryCache(spy);
    cache.warm(4);
    await cache.read(4);
    const kept = cache.newestNow(4, PAGE);
    expect(seqs(kept?.messages)).toEqual(Array.from({ length: PAGE }, (_, i) => 951 + i));
    expect(kept).toMatchObject({ complete: false, high: 1000, count: 1000 });
    expect(asked).not.toContain("chat:4");
    await cache.add(msg(1001));                                  // a new message needs the run: read now, and it answers from then on
    expect(asked).toContain("chat:4");
    expect(cache.newestNow(4, PAGE)).toMatchObject({ high: 1001, count: 1000 });   // (the run keeps 1,000)
    await written();
    const next = new HistoryCache(kv);                             // the next page's head has it
    await next.read(4);
    expect(next.newestNow(4, 3)).toMatchObject({ high: 1001, count: 1000 });
    expect(seqs(next.newestNow(4, 3)?.messages)).toEqual([999, 1000, 1001]);
  });

  it("a head never shows an expired message, and a whole short run opens complete from its head", async () => {
    const kv = new MemoryKeyValue();
    let now = 100;
    const before = new HistoryCache(kv, { now: () => now });
    for (let seq = 1; seq <= 5; seq++) await before.add(msg(seq, 4, seq === 5 ? { expires_at: 200 } : {}));
    await written();
    now = 300;
    const cache = new HistoryCache(kv, { now: () => now });
    await cache.read(4);
    expect(cache.newestNow(4, PAGE)).toMatchObject({ complete: true, high: 4, count: 4 });
    expect(seqs(cache.newestNow(4, PAGE)?.messages)).toEqual([1, 2, 3, 4]);
  });

  it("kept messages of an older page without heads still open, and get a head", async () => {
    const kv = new MemoryKeyValue();
    const before = new HistoryCache(kv);
    for (let seq = 1; seq <= 60; seq++) await before.add(msg(seq));
    await written();
    kv.data.delete("head:4");                                      // as a page from before heads left it
    const cache = new HistoryCache(kv);
    cache.warm(4);
    await cache.read(4);
    expect(cache.newestNow(4, PAGE)?.messages).toHaveLength(PAGE);
    await vi.waitFor(() => expect(kv.data.has("head:4")).toBe(true), { timeout: 5000 });
  });

  it("reads nothing when nothing is new", async () => {
    const cache = await kept(60);
    const { history, api } = server(60);
    const store = new MessageStore();
    await new HistoryPages(api, store, () => {}, () => {}, () => {}, { cache, chat: () => chatOf(60) }).loadEarlier(4);
    expect(history).not.toHaveBeenCalled();
    expect(store.messages.get(4)).toHaveLength(PAGE);
  });

  it("offline, the kept messages stay without an error, and what is new is read once back online", async () => {
    const cache = await kept(60);
    const { history, api } = server(62);
    history.mockRejectedValueOnce(new ApiError(0, "network", "The server cannot be reached."));
    const store = new MessageStore();
    const failed = vi.fn();
    const pages = new HistoryPages(api, store, () => {}, failed, () => {}, { cache, chat: () => chatOf(62) });
    await pages.loadEarlier(4);
    expect(failed).not.toHaveBeenCalled();
    expect(store.newest(4)).toBe(60);
    pages.retry();
    await vi.waitFor(() => expect(store.newest(4)).toBe(62));
    expect(history).toHaveBeenLastCalledWith(4, 0, PAGE);
  });

  it("a room's newest page is always read again (its changes come only live), and its older posts from the server", async () => {
    const cache = await kept(60);
    const { history, api } = server(60);
    const store = new MessageStore();
    const pages = new HistoryPages(api, store, () => {}, () => {}, () => {}, { cache, chat: () => chatOf(60, "room") });
    await pages.loadEarlier(4);
    expect(history).toHaveBeenCalledWith(4, 0, PAGE);
    expect((await cache.newest(4, 1000))!.count).toBe(PAGE);   // older posts kept may have changed unseen: they go
    await pages.loadEarlier(4);
    expect(history).toHaveBeenLastCalledWith(4, 11, PAGE);
  });

  it("without anything kept, reads from the server and keeps what it read", async () => {
    const cache = new HistoryCache(new MemoryKeyValue());
    const { history, api } = server(120);
    const store = new MessageStore();
    const pages = new HistoryPages(api, store, () => {}, () => {}, () => {}, { cache, chat: () => chatOf(120) });
    await pages.loadEarlier(4);
    await pages.loadEarlier(4);
    expect(history.mock.calls).toEqual([[4, 0, PAGE], [4, 71, PAGE]]);
    const k = await cache.newest(4, 1000);
    expect([k!.count, k!.high, k!.complete]).toEqual([100, 120, false]);
  });
});

describe("AppState with a history cache", () => {
  const ME = 1;
  const summary = (over: Partial<ChatSummary> = {}) =>
    ({ chat: 4, kind: "direct", last_seq: 2, last_ts: 2, last_text: "m2", last_sender: BOB, read: 2, peer: BOB, peer_phone: "+14155550102", ...over }) as ChatSummary;

  /** A page over `kv`: its chat list answers `list` (or fails: the server is down), history pages too. */
  async function page(kv: MemoryKeyValue, list: () => Promise<ChatSummary[]>) {
    const sockets: FakeSocket[] = [];
    const api = { chats: vi.fn(list), invites: vi.fn(async () => []), history: vi.fn(async () => { await list(); return []; }) } as unknown as Api;
    const client = new ParleyClient({ url: "ws://x/v1/ws", token: "t", socket: () => { const s = new FakeSocket(); sockets.push(s); return s; } });
    const state = new AppState(ME, "+14155550101", api, client, undefined, undefined, new HistoryCache(kv));
    await state.start();
    return { state, api, sockets };
  }
  const down = async (): Promise<ChatSummary[]> => { throw new ApiError(0, "network", "The server cannot be reached."); };

  it("opened offline, shows the saved list and the kept chat; the server's list then counts unread messages again", async () => {
    const kv = new MemoryKeyValue();
    const first = await page(kv, async () => [summary()]);
    first.sockets[0].open();
    first.sockets[0].hello(ME, 10);
    first.sockets[0].push({ type: "msg", pts: 11, chat: 4, seq: 3, from: BOB, device: BOB, id: "c3", ts: 3, text: "m3" });
    await written();
    first.state.dispose();

    let online = false;
    const second = await page(kv, async () => (online ? [summary({ last_seq: 5, last_text: "m5", read: 2 })] : down()));
    expect(second.state.savedList).toBe(true);
    expect(second.state.chats.get(4)).toMatchObject({ lastText: "m2", unread: 0 });
    second.state.open({ chat: 4 });
    await vi.waitFor(() => expect(second.api.history).toHaveBeenCalled());   // few kept: a page is asked for, and fails
    expect(seqs(second.state.messages.get(4))).toEqual([3]);
    expect(second.state.notice).toBe("");
    online = true;
    second.state.setVisible(false);                            // (a hidden page reads nothing)
    await second.state.refreshChats();
    expect(second.state.savedList).toBe(false);
    await vi.waitFor(() => expect(second.api.history).toHaveBeenCalledTimes(2));   // what came since: 4 and 5, and 3 to join them
    expect(second.api.history).toHaveBeenLastCalledWith(4, 0, 3);
    expect(second.state.chats.get(4)!.unread).toBe(2);          // 4 and 5: the open chat was read to 3
    second.state.setVisible(true);
    expect(second.state.chats.get(4)).toMatchObject({ unread: 0, read: 5 });
    second.state.dispose();
  });

  it("a chat opened with its kept messages read already shows them at once, with its unread line, and is marked read", async () => {
    const kv = new MemoryKeyValue();
    const earlier = new HistoryCache(kv);
    for (let seq = 1; seq <= 60; seq++) await earlier.add(msg(seq));
    await written();
    const api = { chats: vi.fn(async () => [summary({ last_seq: 60, last_ts: 60, last_text: "m60", read: 50 })]), invites: vi.fn(async () => []),
      history: vi.fn(async () => []) } as unknown as Api;
    const client = new ParleyClient({ url: "ws://x/v1/ws", token: "t", socket: () => new FakeSocket() });
    const cache = new HistoryCache(kv);
    cache.warm(4);                                                     // as main.tsx does while the page loads
    const state = new AppState(ME, "+14155550101", api, client, undefined, undefined, cache);
    await state.start();
    await cache.read(4);
    state.open({ chat: 4 });
    expect(state.messages.get(4)).toHaveLength(PAGE);                  // in the task that opened it
    expect(state.reading.span(4)).toEqual({ seq: 51, count: 10 });     // the line above the first unread
    expect(state.chats.get(4)).toMatchObject({ unread: 0, read: 60 });
    await written();
    expect(api.history).not.toHaveBeenCalled();                        // nothing new to read
    state.dispose();
  });

  it("a signed-out browser does not show the saved list", async () => {
    const kv = new MemoryKeyValue();
    (await page(kv, async () => [summary()])).state.dispose();
    await written();
    const refused = await page(kv, async () => { throw new ApiError(401, "unauthorized", "no"); });
    expect(refused.state.chats.size).toBe(0);
  });
});
