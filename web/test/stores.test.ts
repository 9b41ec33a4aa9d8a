// The app state's stores on their own, without a client: receipt arithmetic, the chat list's
// merge, the order of loaded messages and their pages, and the typing indicator's timing.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type { ChatSummary } from "../src/app/api";
import { ChatStore } from "../src/app/chats";
import { MessageStore, PAGE } from "../src/app/messages";
import type { Chat, Message } from "../src/app/model";
import { applyReceipt, tickOf } from "../src/app/receipts";
import { TypingStore } from "../src/app/typing";
import type { ParleyClient } from "../src/protocol/client";
import type { MsgFrame } from "../src/protocol/frames";

const ME = 1;
const BOB = 2;

const chat = (over: Partial<Chat> = {}): Chat => ({
  chat: 4, kind: "direct", name: "bob", peer: BOB, lastSeq: 5, lastTs: 0, lastText: "", lastSender: BOB, lastSystem: false,
  read: 0, peerDelivered: 0, peerRead: 0, allDelivered: 0, allRead: 0, unread: 5, memberCount: 2, mutedUntil: 0, archived: false, pinned: false,
  ...over,
});
const message = (seq: number, chatId = 4): Message => ({ chat: chatId, seq, from: BOB, ts: seq, text: `m${seq}`, id: `c${seq}` });

describe("receipts", () => {
  it("positions only move forward, and my own read on another device clears the unread count", () => {
    const c = chat();
    applyReceipt(c, { type: "receipt", pts: 1, chat: 4, user: BOB, delivered: 3, read: 2 }, ME);
    applyReceipt(c, { type: "receipt", pts: 2, chat: 4, user: BOB, delivered: 1, read: 1 }, ME);
    expect([c.peerDelivered, c.peerRead]).toEqual([3, 2]);
    expect([tickOf(c, 2, ME), tickOf(c, 3, ME), tickOf(c, 4, ME)]).toEqual(["read", "delivered", "sent"]);
    applyReceipt(c, { type: "receipt", pts: 3, chat: 4, user: ME, delivered: 5, read: 5 }, ME);
    expect([c.read, c.unread]).toEqual([5, 0]);
  });

  it("my notes to myself are read at once; a room's posts show sent only", () => {
    expect(tickOf(chat({ peer: ME }), 9, ME)).toBe("read");
    expect(tickOf(chat({ kind: "room", allRead: 9, allDelivered: 9 }), 9, ME)).toBe("sent");
  });
});

describe("ChatStore", () => {
  const summary = (over: Partial<ChatSummary> = {}): ChatSummary => ({
    chat: 4, kind: "direct", last_seq: 3, last_ts: 3, last_text: "hi", last_sender: BOB, read: 1, peer: BOB,
    peer_phone: "+14155550102", ...over,
  });

  it("merges the server's list without moving positions back, and drops chats no longer in it", () => {
    const store = new ChatStore(ME, "+14155550101");
    expect(store.merge([summary(), summary({ chat: 5, peer: ME, peer_phone: "+14155550101" })])).toEqual([BOB]);
    expect(store.chats.get(4)).toMatchObject({ name: "+14155550102", unread: 2, lastText: "hi" });
    expect(store.chats.get(5)!.name).toBe("You (notes)");
    store.applyMessage(message(4));
    store.merge([summary({ read: 0 })]);                     // an older list: nothing moves back
    expect(store.chats.get(4)).toMatchObject({ lastSeq: 4, read: 1, unread: 3 });
    expect([...store.chats.keys()]).toEqual([4]);
    expect(store.phones.get(BOB)).toBe("+14155550102");
  });
});

describe("MessageStore", () => {
  it("keeps messages in seq order without duplicates, and a short page completes the chat", () => {
    const store = new MessageStore();
    expect(store.keeps(4)).toBe(false);
    expect(store.beginPage(4)).toBe(0);
    expect(store.beginPage(4)).toBeUndefined();              // one page at a time
    expect(store.keeps(4)).toBe(true);
    store.insert(message(7));                                 // arrived while the page was on its way
    const page = [5, 6, 7].map((seq) => ({ ...message(seq), type: "msg", device: BOB }) as MsgFrame);
    store.addPage(4, page);
    store.endPage(4);
    expect(store.messages.get(4)!.map((m) => m.seq)).toEqual([5, 6, 7]);
    expect(store.newest(4)).toBe(7);
    expect(page.length < PAGE && store.complete.has(4)).toBe(true);
    expect(store.beginPage(4)).toBeUndefined();              // nothing older to load
  });
});

describe("TypingStore", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("sends my indicator at most every 3 s, never in rooms, and ends it once", () => {
    const sent: [number, boolean][] = [];
    const client = { setTyping: (c: number, on: boolean) => sent.push([c, on]) } as unknown as ParleyClient;
    const store = new TypingStore(ME, client);
    store.typed(chat());
    store.typed(chat());
    store.typed(chat({ chat: 9, kind: "room" }));
    vi.advanceTimersByTime(3000);
    store.typed(chat());
    store.stop(4);
    store.stop(4);
    expect(sent).toEqual([[4, true], [4, true], [4, false]]);
  });

  it("shows others typing until typing_ms runs out, and ignores my own devices", () => {
    const store = new TypingStore(ME, {} as ParleyClient);
    store.typingMs = 800;
    expect(store.onFrame({ type: "typing", chat: 4, user: ME, typing: true })).toBe(false);
    expect(store.onFrame({ type: "typing", chat: 4, user: BOB, typing: true })).toBe(true);
    expect(store.typists(4)).toEqual([BOB]);
    vi.advanceTimersByTime(800);
    expect(store.typists(4)).toEqual([]);
    expect(store.expire()).toBe(true);
    expect(store.ended(4, BOB)).toBe(false);
  });
});
