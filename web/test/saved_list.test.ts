// The chat list this browser saved, as a page opens: shown at once when it is read before the
// server's answers (a slow network, no offline banner), shown as offline when the server cannot
// be reached, and left alone when the server's comes first. The server's list then recounts the
// unread, and a chat opened from the saved list reads what came since and is marked read.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type { Api, ChatSummary } from "../src/app/api";
import { SAVED_LIST_GRACE_MS } from "../src/app/chat_list";
import { HistoryCache, MemoryKeyValue } from "../src/app/history_cache";
import { messageOf } from "../src/app/model";
import { AppState } from "../src/app/state";
import { ParleyClient } from "../src/protocol/client";
import type { MsgFrame } from "../src/protocol/frames";
import { FakeSocket } from "./fake_socket";

const ME = 1;
const BOB = 2;

const direct = (chat: number, over: Partial<ChatSummary> = {}): ChatSummary => ({
  chat, kind: "direct", last_seq: 0, last_ts: 0, last_text: "", last_sender: 0, read: 0, peer: BOB,
  peer_phone: "+14155550102", peer_delivered: 0, peer_read: 0, ...over });

const msg = (chat: number, seq: number): MsgFrame =>
  ({ type: "msg", pts: seq, chat, seq, from: BOB, device: BOB, id: `c${chat}-${seq}`, ts: 1_700_000_000_000 + seq, text: `m${seq}` });

/** A page whose browser saved chat 4 (one message, unread) and whose server list waits for `answer`. */
async function page(chats: () => Promise<ChatSummary[]>, history: MsgFrame[] = []) {
  const kv = new MemoryKeyValue();
  const before = new HistoryCache(kv);
  await before.putSpan(4, [messageOf(msg(4, 1))], { low: 1, top: 1, whole: true });
  await before.saveChats([direct(4, { last_seq: 1, last_text: "m1", last_sender: BOB })]);
  await vi.advanceTimersByTimeAsync(1500);
  const sockets: FakeSocket[] = [];
  const api = { chats: vi.fn(chats), history: vi.fn(async () => history), invites: vi.fn(async () => []) } as unknown as Api;
  const client = new ParleyClient({
    url: "ws://127.0.0.1/v1/ws", token: "t", foreground: true,
    socket: () => { const s = new FakeSocket(); sockets.push(s); return s; },
  });
  const state = new AppState(ME, "+14155550101", api, client, undefined, undefined, new HistoryCache(kv));
  const started = state.start();
  return { state, api, started, sockets };
}

function later<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void, reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

const seqs = (state: AppState) => (state.messages.get(4) ?? []).map((m) => m.seq);

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("the saved chat list as a page opens", () => {
  it("shows while the server's is on its way, then the server's recounts, catches up and marks the open chat read", async () => {
    const server = later<ChatSummary[]>();
    const { state, api, started, sockets } = await page(() => server.promise, [msg(4, 1), msg(4, 2), msg(4, 3)]);
    await vi.advanceTimersByTimeAsync(SAVED_LIST_GRACE_MS);
    await state.listed;
    expect(state.chats.get(4)?.unread).toBe(1);
    expect(state.earlyList).toBe(true);
    expect(state.savedList).toBe(false);          // not offline: no "Offline" banner
    state.open({ chat: 4 });
    await vi.advanceTimersByTimeAsync(0);
    expect(seqs(state)).toEqual([1]);
    expect(api.history).not.toHaveBeenCalled();   // the saved list says nothing is new

    server.resolve([direct(4, { last_seq: 3, last_text: "m3", last_sender: BOB })]);
    await started;
    await vi.advanceTimersByTimeAsync(0);
    expect(state.earlyList).toBe(false);
    expect(api.history).toHaveBeenCalledWith(4, 0, 3);   // the two new ones and one to join them
    expect(seqs(state)).toEqual([1, 2, 3]);
    expect(state.chats.get(4)?.unread).toBe(0);
    sockets[0].open();
    sockets[0].hello(ME, 10);
    expect(sockets[0].sent.filter((f) => f.type === "read")).toEqual([{ type: "read", chat: 4, seq: 3 }]);
  });

  it("turns into the offline list when the server cannot be reached", async () => {
    const server = later<ChatSummary[]>();
    const { state, started } = await page(() => server.promise);
    await vi.advanceTimersByTimeAsync(SAVED_LIST_GRACE_MS);
    await state.listed;
    expect(state.earlyList).toBe(true);
    server.reject(new TypeError("Failed to fetch"));
    await started;
    expect(state.savedList).toBe(true);
    expect(state.earlyList).toBe(false);
    expect([...state.chats.keys()]).toEqual([4]);
  });

  it("waits a moment for a server that answers just after it, and then is not shown", async () => {
    const { state, started } = await page(() => new Promise((r) => setTimeout(() => r([direct(7, { last_seq: 2, last_sender: BOB })]), SAVED_LIST_GRACE_MS / 2)));
    let early = false;
    state.subscribe(() => { early ||= state.earlyList || state.chats.has(4); });
    await vi.advanceTimersByTimeAsync(SAVED_LIST_GRACE_MS * 2);
    await started;
    expect(early).toBe(false);
    expect([...state.chats.keys()]).toEqual([7]);
  });

  it("is not shown when the server's list is in first", async () => {
    const { state, started } = await page(async () => [direct(7, { last_seq: 2, last_sender: BOB })]);
    await started;
    await vi.advanceTimersByTimeAsync(0);
    expect([...state.chats.keys()]).toEqual([7]);
    expect(state.earlyList || state.savedList).toBe(false);
  });
});
