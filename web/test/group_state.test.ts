// What the server tells the app of groups (issue 19): ticks from the chat list after a reload,
// a group I am no longer in (read-only, asks nothing, sends no receipts), a refused send said
// once, and "Message info" from a `receipts` answer with times.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type { Api, ChatSummary } from "../src/app/api";
import { infoOf } from "../src/app/message_info";
import { AppState } from "../src/app/state";
import { ParleyClient } from "../src/protocol/client";
import { FakeSocket } from "./fake_socket";

const ME = 1;
const BOB = 2;
const CAROL = 3;

function group(chat: number, over: Partial<ChatSummary> = {}): ChatSummary {
  return { chat, kind: "group", last_seq: 3, last_ts: 5, last_text: "", last_sender: ME, read: 3, name: "team", member_count: 3, ...over };
}

async function setup(chats: ChatSummary[]) {
  const sockets: FakeSocket[] = [];
  const api = {
    chats: vi.fn(async () => chats),
    invites: vi.fn(async () => []),
    history: vi.fn(async () => []),
  } as unknown as Api;
  const client = new ParleyClient({
    url: "ws://127.0.0.1/v1/ws", token: "t", foreground: true,
    socket: () => { const s = new FakeSocket(); sockets.push(s); return s; },
  });
  const state = new AppState(ME, "+14155550101", api, client);
  await state.start();
  const ws = sockets[0];
  ws.open();
  ws.hello(ME, 10);
  await vi.advanceTimersByTimeAsync(0);
  return { state, ws, api };
}

const system = (chat: number, seq: number, from: number, pts: number, system: Record<string, unknown>) =>
  ({ type: "msg", pts, chat, seq, from, device: from, id: `s${seq}`, ts: 1_700_000_000_000 + seq, text: "", system });

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("group ticks from the chat list", () => {
  it("take everyone's positions from GET /v1/chats, so they survive a reload", async () => {
    const { state } = await setup([group(9, { all_delivered: 3, all_read: 2 })]);
    const chat = state.chats.get(9)!;
    expect(state.tick(chat, 2)).toBe("read");
    expect(state.tick(chat, 3)).toBe("delivered");
  });

  it("never move back when an older list comes after a live receipt", async () => {
    const { state, ws } = await setup([group(9, { all_delivered: 1, all_read: 1 })]);
    ws.push({ type: "receipt", pts: 11, chat: 9, all: true, delivered: 3, read: 3 });
    await state.refreshChats();
    expect(state.tick(state.chats.get(9)!, 3)).toBe("read");
  });
});

describe("a group I am no longer in", () => {
  it("is listed read-only, asks nothing and sends no receipts", async () => {
    const { state, ws } = await setup([group(9, { member: false, ended: "removed", last_sender: BOB, last_seq: 4, read: 2 })]);
    const chat = state.chats.get(9)!;
    expect(chat.ended).toBe("removed");
    expect(state.canPost(chat)).toBe(false);
    state.open({ chat: 9 });
    expect(ws.sent.filter((f) => f.type === "chat_info" || f.type === "read")).toEqual([]);
    expect(chat.unread).toBe(0);
  });

  it("turns read-only live on the message that removed me, and stays so against an older list", async () => {
    const { state, ws, api } = await setup([group(9, { last_sender: BOB })]);
    state.open({ chat: 9 });
    ws.sent.length = 0;
    ws.push(system(9, 4, BOB, 11, { event: "removed", users: [ME] }));
    const chat = state.chats.get(9)!;
    expect(chat.ended).toBe("removed");
    expect(ws.sent.filter((f) => f.type === "chat_info" || f.type === "read")).toEqual([]);
    await state.refreshChats();   // read before the removal was committed: still a member there
    expect(chat.ended).toBe("removed");
    (api.chats as ReturnType<typeof vi.fn>).mockResolvedValue([group(9, { last_seq: 5, last_sender: BOB, member: true })]);
    ws.push(system(9, 5, BOB, 12, { event: "added", users: [ME] }));
    expect(chat.ended).toBeUndefined();
    expect(state.canPost(chat)).toBe(true);
  });

  it("acknowledges nothing of the message that removed me (the server would refuse it)", async () => {
    const { ws } = await setup([group(9, { last_sender: BOB })]);
    ws.push({ type: "msg", pts: 11, chat: 9, seq: 4, from: BOB, device: 2, id: "x", ts: 1, text: "last words" });
    ws.push(system(9, 5, BOB, 12, { event: "removed", users: [ME] }));
    await vi.advanceTimersByTimeAsync(100);
    expect(ws.sent.filter((f) => f.type === "delivered" && f.chat === 9)).toEqual([]);
    expect(ws.sent).toContainEqual({ type: "received", pts: 12 });
  });

  it("leaving says so too; someone else's removal does not", async () => {
    const { state, ws } = await setup([group(9), group(10)]);
    ws.push(system(9, 4, BOB, 11, { event: "removed", users: [CAROL] }));
    expect(state.chats.get(9)!.ended).toBeUndefined();
    ws.push(system(10, 4, ME, 12, { event: "left" }));
    expect(state.chats.get(10)!.ended).toBe("left");
  });

  it("a send refused on the way shows its reason on the message only, not in the notice too", async () => {
    const { state, ws } = await setup([group(9, { last_sender: BOB })]);
    state.open({ chat: 9 });
    state.send("am I still here?");
    const send = ws.sent.find((f) => f.type === "send")!;
    ws.push({ type: "error", code: "not_member", message: "not a member", id: send.id });
    expect(state.outgoing({ chat: 9 })[0].failed).toBeTruthy();
    expect(state.notice).toBe("");
  });
});

describe("message info", () => {
  it("lists who read and who received, newest first, with times where known", () => {
    const info = infoOf({
      type: "receipts", chat: 9, seq: 4, read: [2, 5], delivered: [3, 6], pending: [7],
      times: [{ user: 2, delivered: 100, read: 200 }, { user: 5, delivered: 110, read: 300 }, { user: 3, delivered: 150 }],
    });
    expect(info.read).toEqual([{ user: 5, delivered: 110, read: 300 }, { user: 2, delivered: 100, read: 200 }]);
    expect(info.delivered).toEqual([{ user: 3, delivered: 150, read: undefined }, { user: 6, delivered: undefined, read: undefined }]);
    expect(info.pending).toEqual([7]);
  });

  it("asks when opened and again while open, and keeps only the answer about its message", async () => {
    const { state, ws } = await setup([group(9)]);
    state.messageInfo.open(9, 3);
    expect(ws.sent).toContainEqual({ type: "receipts", chat: 9, seq: 3 });
    ws.push({ type: "receipts", chat: 9, seq: 2, read: [], delivered: [], pending: [BOB] });
    expect(state.messageInfo.info).toBeNull();
    ws.push({ type: "receipts", chat: 9, seq: 3, read: [BOB], delivered: [], pending: [], times: [{ user: BOB, delivered: 5, read: 6 }] });
    expect(state.messageInfo.info?.read).toEqual([{ user: BOB, delivered: 5, read: 6 }]);
    ws.sent.length = 0;
    await vi.advanceTimersByTimeAsync(5000);
    expect(ws.sent).toContainEqual({ type: "receipts", chat: 9, seq: 3 });
    state.messageInfo.close();
    ws.sent.length = 0;
    await vi.advanceTimersByTimeAsync(10000);
    expect(ws.sent.filter((f) => f.type === "receipts")).toEqual([]);
  });
});
