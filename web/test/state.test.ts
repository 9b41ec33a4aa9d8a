// The app state between a scripted socket and a fake HTTP API: what the chat list, ticks,
// unread counts, typing and queued messages show, and what the app sends.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type { Api, ChatSummary } from "../src/app/api";
import { AppState } from "../src/app/state";
import { ParleyClient } from "../src/protocol/client";
import type { MsgFrame } from "../src/protocol/frames";
import { FakeSocket } from "./fake_socket";

const ME = 1;
const BOB = 2;

function direct(chat: number, over: Partial<ChatSummary> = {}): ChatSummary {
  return { chat, kind: "direct", last_seq: 0, last_ts: 0, last_text: "", last_sender: 0, read: 0, peer: BOB,
    peer_phone: "+14155550102", peer_delivered: 0, peer_read: 0, ...over };
}

async function setup(chats: ChatSummary[], history: MsgFrame[] = []) {
  const sockets: FakeSocket[] = [];
  const api = {
    chats: vi.fn(async () => chats),
    history: vi.fn(async () => history),
    lookup: vi.fn(async (phones: string[]) => phones.filter((p) => p === "+14155550102").map((phone) => ({ phone, user: BOB }))),
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
  return { state, ws, api, chats, sockets };
}

const msg = (chat: number, seq: number, from: number, pts: number, text = `m${seq}`) =>
  ({ type: "msg", pts, chat, seq, from, device: from, id: `c${chat}-${seq}`, ts: 1_700_000_000_000 + seq, text });

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("AppState", () => {
  it("moves my message's tick sent -> delivered -> read with the other member's receipts", async () => {
    const { state, ws } = await setup([direct(4)]);
    ws.push(msg(4, 1, ME, 11));
    const chat = state.chats.get(4)!;
    expect(state.tick(chat, 1)).toBe("sent");
    ws.push({ type: "receipt", pts: 12, chat: 4, user: BOB, delivered: 1, read: 0 });
    expect(state.tick(chat, 1)).toBe("delivered");
    ws.push({ type: "receipt", pts: 13, chat: 4, user: BOB, delivered: 1, read: 1 });
    expect(state.tick(chat, 1)).toBe("read");
  });

  it("a group's ticks follow the everyone-has receipts", async () => {
    const { state, ws } = await setup([{ chat: 9, kind: "group", last_seq: 3, last_ts: 5, last_text: "", last_sender: ME, read: 3, name: "team", member_count: 3 }]);
    const chat = state.chats.get(9)!;
    expect(state.tick(chat, 3)).toBe("sent");
    ws.push({ type: "receipt", pts: 11, chat: 9, all: true, delivered: 3, read: 2 });
    expect(state.tick(chat, 3)).toBe("delivered");
    expect(state.tick(chat, 2)).toBe("read");
  });

  it("counts unread messages in chats that are not open, and reads them when the chat opens", async () => {
    const { state, ws } = await setup([direct(4, { last_seq: 2, read: 2, last_sender: BOB, last_ts: 5 }), direct(5, { peer: 3, peer_phone: "+14155550103", last_ts: 9 })]);
    expect(state.chatList().map((c) => c.chat)).toEqual([5, 4]);
    ws.push(msg(4, 3, BOB, 11));
    ws.push(msg(4, 4, BOB, 12));
    expect(state.chats.get(4)!.unread).toBe(2);
    expect(state.chatList()[0].chat).toBe(4);   // most recent activity first
    state.open({ chat: 4 });
    expect(state.chats.get(4)!.unread).toBe(0);
    expect(ws.sent).toContainEqual({ type: "read", chat: 4, seq: 4 });
    ws.push(msg(4, 5, BOB, 13));                  // arrives while open: read at once
    expect(state.chats.get(4)!.unread).toBe(0);
    expect(ws.sent).toContainEqual({ type: "read", chat: 4, seq: 5 });
  });

  it("shows typing until it ends, times out or the typist's message arrives", async () => {
    const { state, ws } = await setup([direct(4)]);
    ws.push({ type: "typing", chat: 4, user: BOB, typing: true });
    expect(state.typists(4)).toEqual([BOB]);
    ws.push(msg(4, 1, BOB, 11));
    expect(state.typists(4)).toEqual([]);
    ws.push({ type: "typing", chat: 4, user: BOB, typing: true });
    await vi.advanceTimersByTimeAsync(1000);       // typing_ms is 800 in the fake hello
    expect(state.typists(4)).toEqual([]);
  });

  it("sends typing at most every 3 s and ends it with the message", async () => {
    const { state, ws } = await setup([direct(4)]);
    state.open({ chat: 4 });
    state.typed(4);
    state.typed(4);
    expect(ws.sent.filter((f) => f.type === "typing")).toEqual([{ type: "typing", chat: 4, typing: true }]);
    state.send("hello\nthere  ");
    expect(ws.sent.filter((f) => f.type === "typing").at(-1)).toEqual({ type: "typing", chat: 4, typing: false });
    expect(ws.sent.find((f) => f.type === "send")).toMatchObject({ chat: 4, text: "hello\nthere" });
  });

  it("shows a queued message until its ack, then as a message with a tick", async () => {
    const { state, ws, sockets } = await setup([direct(4)], []);
    state.open({ chat: 4 });
    await vi.advanceTimersByTimeAsync(0);
    ws.drop();
    expect(state.connected).toBe(false);
    state.send("while offline");
    expect(state.outgoing({ chat: 4 }).map((o) => o.text)).toEqual(["while offline"]);
    await vi.advanceTimersByTimeAsync(200);         // reconnect after the backoff
    const again = sockets[1];
    again.open();
    again.hello(ME, 10);
    const resent = again.sent.find((f) => f.type === "send")!;
    expect(resent).toMatchObject({ chat: 4, text: "while offline", background: true });
    again.push({ type: "ack", id: resent.id, chat: 4, seq: 1, ts: 7 });
    expect(state.outgoing({ chat: 4 })).toEqual([]);
    expect(state.messages.get(4)!.map((m) => m.text)).toEqual(["while offline"]);
    expect(state.tick(state.chats.get(4)!, 1)).toBe("sent");
  });

  it("a first message to someone new turns the draft into the chat", async () => {
    const chats: ChatSummary[] = [];
    const { state, ws, api } = await setup(chats);
    await state.startChat("+14155550102");
    expect(state.view).toEqual({ draft: { peer: BOB, phone: "+14155550102" } });
    state.send("hi bob");
    const send = ws.sent.find((f) => f.type === "send")!;
    expect(send).toMatchObject({ to: BOB, text: "hi bob" });
    chats.push(direct(4, { last_seq: 1, last_sender: ME, last_ts: 7 }));
    ws.push({ type: "ack", id: send.id, chat: 4, seq: 1, ts: 7 });
    await vi.advanceTimersByTimeAsync(0);
    expect(state.view).toEqual({ chat: 4 });
    expect(api.chats).toHaveBeenCalled();
  });

  it("a refused send stays visible as failed with the reason", async () => {
    const { state, ws } = await setup([{ chat: 9, kind: "group", last_seq: 3, last_ts: 5, last_text: "", last_sender: BOB, read: 3, name: "team", member_count: 3 }]);
    state.open({ chat: 9 });
    state.send("am I still here?");
    const send = ws.sent.find((f) => f.type === "send")!;
    ws.push({ type: "error", code: "not_member", message: "not a member", id: send.id });
    expect(state.outgoing({ chat: 9 })).toEqual([{ id: send.id, chat: 9, to: undefined, text: "am I still here?", failed: "You are not a member of this chat." }]);
  });

  it("keeps a message that arrives while the chat's first page is loading", async () => {
    const { state, ws, api } = await setup([direct(4, { last_seq: 1, last_sender: BOB, last_ts: 3 })]);
    let answer: (m: MsgFrame[]) => void = () => {};
    (api.history as unknown as ReturnType<typeof vi.fn>).mockImplementationOnce(() => new Promise<MsgFrame[]>((r) => { answer = r; }));
    state.open({ chat: 4 });
    ws.push(msg(4, 2, ME, 11, "committed after the page was read"));
    answer([msg(4, 1, BOB, 0, "older") as MsgFrame]);
    await vi.advanceTimersByTimeAsync(0);
    expect(state.messages.get(4)!.map((m) => m.text)).toEqual(["older", "committed after the page was read"]);
  });
});
