import { describe, expect, it } from "vitest";
import { MessageStore } from "../src/app/messages";
import type { Chat, Message } from "../src/app/model";
import { Reading, UNREAD_LOAD_MAX, unreadSpan } from "../src/app/reading";

const ME = 1;
const msg = (seq: number, from = 2, system = false): Message =>
  ({ chat: 7, seq, from, ts: seq * 1000, text: `m${seq}`, id: `i${seq}`, ...(system ? { system: { event: "joined" } as Message["system"] } : {}) });
const run = (from: number, to: number, sender = 2) => Array.from({ length: to - from + 1 }, (_, i) => msg(from + i, sender));

function chat(read: number, lastSeq: number, unread = lastSeq - read): Chat {
  return { chat: 7, kind: "direct", name: "", lastSeq, lastTs: 0, lastText: "", lastSender: 2, lastSystem: false, read,
    peerDelivered: 0, peerRead: 0, allDelivered: 0, allRead: 0, unread, memberCount: 2, mutedUntil: 0, archived: false, pinned: false };
}

describe("unreadSpan", () => {
  it("starts after the read position and counts the others' messages", () => {
    expect(unreadSpan(run(1, 10), 4, 10, ME, false)).toEqual({ seq: 5, count: 6 });
  });

  it("starts after my last message, counts no system messages, and nothing that came after opening", () => {
    const list = [...run(1, 4), msg(5, ME), msg(6), msg(7, 3, true), msg(8), msg(9)];
    expect(unreadSpan(list, 2, 8, ME, false)).toEqual({ seq: 6, count: 2 });
  });

  it("is nothing when the first unread message is not loaded (and the chat is not loaded to its start)", () => {
    expect(unreadSpan(run(30, 40), 4, 40, ME, false)).toBeNull();
    expect(unreadSpan(run(30, 40), 4, 40, ME, true)).toEqual({ seq: 30, count: 11 });
    expect(unreadSpan([], 0, 0, ME, true)).toBeNull();
    expect(unreadSpan(run(1, 5), 5, 5, ME, false)).toBeNull();
  });
});

describe("Reading", () => {
  /** A chat whose history on the server is `all`, read a page at a time (the newest `limit` before `before`). */
  function host(all: Message[]) {
    const messages = new MessageStore();
    const read: [number, number][] = [];
    let changes = 0;
    const loadEarlier = async (c: number, limit: number) => {
      const before = messages.beginPage(c);
      if (before === undefined) return;
      const older = all.filter((m) => !before || m.seq < before);
      messages.addPage(c, older.slice(Math.max(0, older.length - limit)).map((m) => ({ type: "msg", ...m }) as never), limit);
      messages.endPage(c);
    };
    return { messages, read, changes: () => changes,
      host: { me: ME, messages, loadEarlier, markRead: (c: number, seq: number) => void read.push([c, seq]), changed: () => void changes++ } };
  }

  it("keeps the read position of a chat opened with unread messages and loads back to the first of them", async () => {
    const h = host(run(1, 110));
    const r = new Reading(h.host);
    r.opened(chat(40, 110));
    expect(r.mark).toEqual({ chat: 7, read: 40, upTo: 110 });
    await new Promise((done) => setTimeout(done, 0));
    expect(h.messages.messages.get(7)?.[0].seq).toBeLessThanOrEqual(41);
    expect(r.span(7)).toEqual({ seq: 41, count: 70 });
    expect(h.changes()).toBeGreaterThan(0);
  });

  it("opening the same chat again keeps the line; another chat, or none, drops it; a read chat has none", () => {
    const r = new Reading(host(run(1, 5)).host);
    r.opened(chat(3, 5));
    r.opened(chat(5, 5, 0));   // the same chat, now read
    expect(r.mark?.read).toBe(3);
    r.opened(undefined);
    expect(r.mark).toBeNull();
    r.opened(chat(5, 5, 0));
    expect(r.mark).toBeNull();
    expect(r.span(7)).toBeNull();
  });

  it("does not load back further than its bound", () => {
    const h = host(run(1, UNREAD_LOAD_MAX + 50));
    new Reading(h.host).opened(chat(0, UNREAD_LOAD_MAX + 50));
    expect(h.messages.messages.get(7)).toBeUndefined();
  });

  it("marks a chat read up to its last message and tells the server", () => {
    const h = host(run(1, 9));
    const c = chat(2, 9);
    new Reading(h.host).markRead(c);
    expect(c.unread).toBe(0);
    expect(c.read).toBe(9);
    expect(h.read).toEqual([[7, 9]]);
  });
});
