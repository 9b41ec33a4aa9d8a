// Message actions over the protocol client and the app state: the `changed` and `marked`
// updates (de-duplicated and acknowledged like messages, applied by chat and seq), replies,
// forwards, edits, deletes, reactions and stars, who may do which, and the quoted messages.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type { Api, ChatSummary } from "../src/app/api";
import { AppState } from "../src/app/state";
import { ParleyClient } from "../src/protocol/client";
import type { MsgFrame } from "../src/protocol/frames";
import { FakeSocket } from "./fake_socket";

const ME = 1;
const BOB = 2;
const NOW = 1_800_000_000_000;

function direct(chat: number, over: Partial<ChatSummary> = {}): ChatSummary {
  return { chat, kind: "direct", last_seq: 0, last_ts: 0, last_text: "", last_sender: 0, read: 0, peer: BOB,
    peer_phone: "+14155550102", peer_delivered: 0, peer_read: 0, ...over };
}

const msg = (chat: number, seq: number, from: number, pts: number | undefined, text = `m${seq}`, over: Partial<MsgFrame> = {}) =>
  ({ type: "msg", ...(pts === undefined ? {} : { pts }), chat, seq, from, device: from, id: `c${chat}-${seq}`, ts: NOW - 60_000 + seq, text, ...over });

/** An app over a fake socket; `pages(chat, before, limit)` answers history reads (default: nothing). */
async function setup(chats: ChatSummary[], pages: (chat: number, before: number, limit: number) => MsgFrame[] = () => []) {
  const sockets: FakeSocket[] = [];
  const api = {
    chats: vi.fn(async () => chats),
    invites: vi.fn(async () => []),
    history: vi.fn(async (chat: number, before: number, limit: number) => pages(chat, before, limit)),
  } as unknown as Api;
  const client = new ParleyClient({
    url: "ws://127.0.0.1/v1/ws", token: "t", foreground: true,
    socket: () => { const s = new FakeSocket(); sockets.push(s); return s; },
  });
  const state = new AppState(ME, "+14155550101", api, client);
  await state.start();
  const ws = sockets[0];
  ws.open();
  ws.push({ type: "hello", protocol: 1, user: ME, device: 7, head: 10, position: 10, server_time: NOW, max_text_chars: 4096 });
  await vi.advanceTimersByTimeAsync(0);
  return { state, ws, api, client };
}

/** Opens chat 4 with Bob's messages 1..3 (1 mine) loaded. */
async function openChat() {
  const page = [msg(4, 1, ME, undefined, "mine"), msg(4, 2, BOB, undefined, "first line\nsecond"), msg(4, 3, BOB, undefined, "third")] as MsgFrame[];
  const s = await setup([direct(4, { last_seq: 3, last_sender: BOB, last_text: "third", read: 3 })], () => page);
  s.state.open({ chat: 4 });
  await vi.advanceTimersByTimeAsync(0);
  return s;
}

const sent = (ws: FakeSocket, type: string) => ws.sent.filter((f) => f.type === type);

beforeEach(() => { vi.useFakeTimers(); vi.setSystemTime(NOW); });
afterEach(() => vi.useRealTimers());

describe("ParleyClient with message actions", () => {
  it("drops `changed` and `marked` seen before and acknowledges them with messages in one `received`", async () => {
    const client = new ParleyClient({ url: "ws://x/v1/ws", token: "t", socket: () => ws });
    const ws = new FakeSocket();
    const changed: number[] = [];
    const marked: number[] = [];
    client.on("changed", (c) => changed.push(c.seq));
    client.on("marked", (m) => marked.push(m.seq));
    await client.start();
    ws.open();
    ws.hello(ME, 5);
    ws.push(msg(4, 9, BOB, 6));
    ws.push({ ...msg(4, 2, BOB, 7, "fixed"), type: "changed", edited: NOW });
    ws.push({ ...msg(4, 2, BOB, 7, "fixed"), type: "changed", edited: NOW });     // again: a resync overlap
    ws.push({ type: "marked", pts: 8, chat: 4, seq: 3, starred: true, hidden: false });
    ws.push({ type: "marked", pts: 8, chat: 4, seq: 3, starred: true, hidden: false });
    ws.push({ ...msg(9, 4, BOB, undefined, ""), type: "changed", deleted: BOB });  // a room's: live, no pts
    expect(changed).toEqual([2, 4]);
    expect(marked).toEqual([3]);
    expect(client.position).toBe(8);
    vi.advanceTimersByTime(25);
    expect(ws.sent.filter((f) => f.type === "received" || f.type === "delivered"))
      .toEqual([{ type: "delivered", chat: 4, seq: 9 }, { type: "received", pts: 8 }]);
  });

  it("sends replies, forwards and actions as requests kept until their answer", async () => {
    const ws = new FakeSocket();
    const client = new ParleyClient({ url: "ws://x/v1/ws", token: "t", socket: () => ws });
    await client.start();
    ws.open();
    ws.hello(ME, 0);
    const ids = [
      client.reply(4, 17, "yes"),
      client.forward({ chat: 5 }, { chat: 4, seq: 17 }),
      client.edit(4, 17, "new"),
      client.deleteMessage(4, 17, "everyone"),
      client.react(4, 17, "👍"),
      client.star(4, 17, false),
    ];
    expect(ws.sent.slice(-6)).toEqual([
      { type: "send", id: ids[0], chat: 4, text: "yes", reply_to: 17 },
      { type: "send", id: ids[1], chat: 5, forward: { chat: 4, seq: 17 } },
      { type: "edit", id: ids[2], chat: 4, seq: 17, text: "new" },
      { type: "delete", id: ids[3], chat: 4, seq: 17, for: "everyone" },
      { type: "react", id: ids[4], chat: 4, seq: 17, emoji: "👍" },
      { type: "star", id: ids[5], chat: 4, seq: 17, starred: false },
    ]);
    expect(client.unanswered).toHaveLength(6);
    ws.push({ type: "done", id: ids[2], chat: 4, seq: 17, changed: true });
    expect(client.unanswered.map((p) => p.id)).not.toContain(ids[2]);
  });
});

describe("AppState with message actions", () => {
  it("replaces a message by chat and seq when it is edited, and the chat list follows", async () => {
    const { state, ws } = await openChat();
    ws.push({ ...msg(4, 3, BOB, 11, "third, fixed"), type: "changed", edited: NOW });
    expect(state.messages.get(4)!.map((m) => m.text)).toEqual(["mine", "first line\nsecond", "third, fixed"]);
    expect(state.messages.get(4)![2].edited).toBe(NOW);
    expect(state.chats.get(4)!.lastText).toBe("third, fixed");
  });

  it("shows a deleted message as deleted, and the list says so", async () => {
    const { state, ws } = await openChat();
    ws.push({ ...msg(4, 3, BOB, 11, ""), type: "changed", deleted: BOB });
    const m = state.messages.get(4)![2];
    expect(m).toMatchObject({ seq: 3, text: "", deleted: BOB });
    expect(state.chats.get(4)!.lastGone).toBe("deleted");
  });

  it("removes an expired message, and one hidden by me (`marked` hidden), from view; stars one", async () => {
    const { state, ws } = await openChat();
    ws.push({ ...msg(4, 2, BOB, 11, ""), type: "changed", expired: true });
    ws.push({ type: "marked", pts: 12, chat: 4, seq: 1, starred: false, hidden: true });
    ws.push({ type: "marked", pts: 13, chat: 4, seq: 3, starred: true, hidden: false });
    expect(state.messages.get(4)!.map((m) => [m.seq, !!m.starred])).toEqual([[3, true]]);
    ws.push({ ...msg(4, 3, BOB, 14, "third"), type: "changed", reactions: [{ emoji: "👍", count: 1, users: [BOB] }] });
    expect(state.messages.get(4)![0].starred).toBe(true);   // a `changed` keeps my star
    ws.push({ type: "marked", pts: 15, chat: 4, seq: 3, starred: false, hidden: false });
    expect(state.messages.get(4)![0].starred).toBeFalsy();
  });

  it("keeps a temporary chat's message the server dropped on this page until its own timer runs out", async () => {
    const { state, ws } = await openChat();
    ws.push({ ...msg(4, 4, ME, 11, ""), type: "msg", system: { event: "mode", temporary: true, disappear: 0 } });
    expect(state.chats.get(4)!.temporary).toBe(true);
    ws.push(msg(4, 5, BOB, 12, "for now", { expires_at: NOW + 86_400_000 }));
    ws.push({ ...msg(4, 5, BOB, 13, ""), type: "changed", expired: true, expires_at: NOW + 86_400_000 });
    expect(state.messages.get(4)!.map((m) => m.text)).toContain("for now");
    ws.push({ ...msg(4, 3, BOB, 14, ""), type: "changed", expired: true });   // no timer and not sent meanwhile: kept as well
    vi.setSystemTime(NOW + 86_400_000);
    await vi.advanceTimersByTimeAsync(1000);
    expect(state.messages.get(4)!.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    ws.push({ ...msg(4, 6, ME, 15, ""), type: "msg", system: { event: "mode", temporary: false, disappear: 0 } });
    ws.push({ ...msg(4, 2, BOB, 16, ""), type: "changed", expired: true });   // no longer temporary: gone
    expect(state.messages.get(4)!.map((m) => m.seq)).toEqual([1, 3, 4, 6]);
  });

  it("applies a change that came while the chat's first page was on its way", async () => {
    let answer!: (page: MsgFrame[]) => void;
    const { state, ws, api } = await setup([direct(4)]);
    (api.history as ReturnType<typeof vi.fn>).mockImplementation(() => new Promise((r) => { answer = r; }));
    state.open({ chat: 4 });
    ws.push({ ...msg(4, 2, BOB, 11, "changed since"), type: "changed", edited: NOW });
    answer([msg(4, 1, BOB, undefined), msg(4, 2, BOB, undefined, "as read")] as MsgFrame[]);
    await vi.advanceTimersByTimeAsync(0);
    expect(state.messages.get(4)!.map((m) => m.text)).toEqual(["m1", "changed since"]);
  });

  it("sends a reply with reply_to and shows it quoting at once; a forward waits for its msg", async () => {
    const { state, ws } = await openChat();
    state.send("answer", 2);
    const send = sent(ws, "send")[0];
    expect(send).toMatchObject({ chat: 4, text: "answer", reply_to: 2 });
    ws.push({ type: "ack", id: send.id, chat: 4, seq: 4, ts: NOW });
    expect(state.messages.get(4)!.at(-1)).toMatchObject({ seq: 4, text: "answer", reply_to: 2 });

    state.messageActions.forward(state.messages.get(4)![1], [4, 6]);
    const forwards = sent(ws, "send").slice(1);
    expect(forwards).toEqual([
      expect.objectContaining({ chat: 4, forward: { chat: 4, seq: 2 } }),
      expect.objectContaining({ chat: 6, forward: { chat: 4, seq: 2 } }),
    ]);
    expect(forwards[0]).not.toHaveProperty("text");
    ws.push({ type: "ack", id: forwards[0].id, chat: 4, seq: 5, ts: NOW });
    expect(state.messages.get(4)!.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    ws.push(msg(4, 5, ME, 12, "first line\nsecond", { forwarded: 1 }));
    expect(state.messages.get(4)!.at(-1)).toMatchObject({ seq: 5, forwarded: 1 });
  });

  it("reacts, replaces my reaction with another and takes it back when chosen again", async () => {
    const { state, ws } = await openChat();
    const chat = state.chats.get(4)!;
    const m = () => state.messages.get(4)![2];
    state.messageActions.react(chat, m(), "👍");
    expect(sent(ws, "react").at(-1)).toMatchObject({ chat: 4, seq: 3, emoji: "👍" });
    ws.push({ ...msg(4, 3, BOB, 11, "third"), type: "changed", reactions: [{ emoji: "👍", count: 2, users: [BOB, ME] }] });
    expect(state.messageActions.myReaction(chat, m())).toBe("👍");
    state.messageActions.react(chat, m(), "❤️");
    expect(sent(ws, "react").at(-1)).toMatchObject({ emoji: "❤️" });
    state.messageActions.react(chat, m(), "👍");
    expect(sent(ws, "react").at(-1)).toMatchObject({ emoji: "" });
  });

  it("remembers my reaction in a room, whose reactions are counts only", async () => {
    const room: ChatSummary = { chat: 9, kind: "room", last_seq: 1, last_ts: 1, last_text: "post", last_sender: 3, read: 1, name: "news" };
    const { state, ws } = await setup([room], () => [msg(9, 1, 3, undefined, "post")] as MsgFrame[]);
    state.open({ chat: 9 });
    await vi.advanceTimersByTimeAsync(0);
    const chat = state.chats.get(9)!;
    state.messageActions.react(chat, state.messages.get(9)![0], "😂");
    ws.push({ ...msg(9, 1, 3, undefined, "post"), type: "changed", reactions: [{ emoji: "😂", count: 4 }] });
    expect(state.messageActions.myReaction(chat, state.messages.get(9)![0])).toBe("😂");
    state.messageActions.react(chat, state.messages.get(9)![0], "😂");
    expect(sent(ws, "react").at(-1)).toMatchObject({ chat: 9, seq: 1, emoji: "" });
  });

  it("offers edit for 15 minutes and delete for everyone for 48 hours on my own messages, by the server's clock", async () => {
    const { state } = await openChat();
    const act = state.messageActions;
    const chat = state.chats.get(4)!;
    const [mine, theirs] = state.messages.get(4)!;
    expect(act.canEdit(mine)).toBe(true);
    expect(act.canEdit(theirs)).toBe(false);
    expect(act.canDeleteForEveryone(chat, mine)).toBe(true);
    expect(act.canDeleteForEveryone(chat, theirs)).toBe(false);
    vi.setSystemTime(NOW + 15 * 60_000);
    expect(act.canEdit(mine)).toBe(false);
    expect(act.canDeleteForEveryone(chat, mine)).toBe(true);
    vi.setSystemTime(NOW + 48 * 3_600_000);
    expect(act.canDeleteForEveryone(chat, mine)).toBe(false);
    expect(act.canEdit({ ...mine, deleted: ME })).toBe(false);
  });

  it("lets a group's admins delete anyone's message for everyone", async () => {
    const group: ChatSummary = { chat: 8, kind: "group", last_seq: 1, last_ts: 1, last_text: "hi", last_sender: BOB, read: 1, name: "g", member_count: 3 };
    const { state, ws } = await setup([group]);
    const info = { type: "chat_info", chat: 8, kind: "group", name: "g", members_can_add: false, everyone_posts: true, created_by: ME,
      created_at: 1, last_seq: 1, member_count: 3, members: [] };
    ws.push({ ...info, role: "member" });
    const old = { chat: 8, seq: 1, from: BOB, ts: 1, text: "hi", id: "x" };
    expect(state.messageActions.canDeleteForEveryone(state.chats.get(8)!, old)).toBe(false);
    ws.push({ ...info, role: "admin" });
    expect(state.messageActions.canDeleteForEveryone(state.chats.get(8)!, old)).toBe(true);
  });

  it("sends edits and deletes, and says in words why one was refused", async () => {
    const { state, ws } = await openChat();
    const mine = state.messages.get(4)![0];
    expect(state.messageActions.edit(mine, "mine")).toBe(false);     // unchanged: nothing to send
    expect(state.messageActions.edit(mine, "mine, better  ")).toBe(true);
    const edit = sent(ws, "edit")[0];
    expect(edit).toMatchObject({ chat: 4, seq: 1, text: "mine, better" });
    ws.push({ type: "error", id: edit.id, code: "too_late", message: "too late to edit this message" });
    expect(state.notice).toBe("Messages can be edited for 15 minutes only.");
    state.messageActions.remove(mine, "me");
    expect(sent(ws, "delete")[0]).toMatchObject({ chat: 4, seq: 1, for: "me" });
    expect(state.failed.size).toBe(0);
  });

  it("quotes a loaded message as it is now, and reads one not loaded once", async () => {
    const older = msg(4, 1, BOB, undefined, "long ago") as MsgFrame;
    // The newest page: 50 messages from seq 40, the first replying to seq 1.
    const newest = Array.from({ length: 50 }, (_, i) => msg(4, 40 + i, BOB, undefined, i ? `x${i}` : "new", { reply_to: i ? 40 : 1 }));
    const { state, ws, api } = await setup([direct(4)], (_c, before, limit) =>
      (limit === 1 ? (before === 2 ? [older] : before === 8 ? [msg(4, 6, BOB, undefined)] : []) : newest) as MsgFrame[]);
    state.open({ chat: 4 });
    await vi.advanceTimersByTimeAsync(0);
    expect(state.quotes.get(4, 40)).toMatchObject({ text: "new" });
    expect(state.quotes.get(4, 1)).toBe("loading");
    await vi.advanceTimersByTimeAsync(0);
    expect(state.quotes.get(4, 1)).toMatchObject({ seq: 1, text: "long ago" });
    expect(api.history).toHaveBeenCalledWith(4, 2, 1);
    ws.push({ ...msg(4, 1, BOB, 11, ""), type: "changed", deleted: BOB });
    expect(state.quotes.get(4, 1)).toMatchObject({ deleted: BOB });
    ws.push({ ...msg(4, 40, BOB, 12, ""), type: "changed", deleted: BOB });
    expect(state.quotes.get(4, 40)).toMatchObject({ deleted: BOB });
    expect(state.quotes.get(4, 7)).toBe("loading");            // hidden: the page before 8 has another message
    await vi.advanceTimersByTimeAsync(0);
    expect(state.quotes.get(4, 7)).toBe("missing");
  });
});
