// The app state between a scripted socket and a fake HTTP API: what the chat list, ticks,
// unread counts, typing and queued messages show, and what the app sends.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type { Api, ChatSummary, InviteSummary } from "../src/app/api";
import { AppState, joinError } from "../src/app/state";
import { ParleyClient } from "../src/protocol/client";
import type { MsgFrame } from "../src/protocol/frames";
import { FakeSocket } from "./fake_socket";

const ME = 1;
const BOB = 2;

function direct(chat: number, over: Partial<ChatSummary> = {}): ChatSummary {
  return { chat, kind: "direct", last_seq: 0, last_ts: 0, last_text: "", last_sender: 0, read: 0, peer: BOB,
    peer_phone: "+14155550102", peer_delivered: 0, peer_read: 0, ...over };
}

async function setup(chats: ChatSummary[], history: MsgFrame[] = [], invites: InviteSummary[] = []) {
  const sockets: FakeSocket[] = [];
  const api = {
    chats: vi.fn(async () => chats),
    invites: vi.fn(async () => invites),
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
  return { state, ws, api, chats, invites, sockets };
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

const DAY = 86_400_000;
const invite = (code: string, over: Partial<InviteSummary> = {}): InviteSummary =>
  ({ chat: 7, name: "Hikers", from: 3, code, expires_at: Date.now() + 3 * DAY, ...over });
const group = (chat: number, name: string): ChatSummary =>
  ({ chat, kind: "group", last_seq: 1, last_ts: 5, last_text: "", last_sender: 3, read: 0, name, member_count: 2 });

describe("AppState: privacy settings and group invites", () => {
  it("shows both privacy settings from the server and saves each on its own", async () => {
    const { state, ws } = await setup([]);
    expect(ws.sent).toContainEqual({ type: "privacy" });   // asked after hello
    ws.push({ type: "privacy", last_seen: "contacts", group_add: "everyone" });
    expect(state.account.privacy).toMatchObject({ last_seen: "contacts", group_add: "everyone" });
    state.account.setPrivacy("group_add", "nobody");
    expect(ws.sent.at(-1)).toEqual({ type: "privacy", group_add: "nobody" });
    state.account.setPrivacy("last_seen", "everyone");
    expect(ws.sent.at(-1)).toEqual({ type: "privacy", last_seen: "everyone" });
    ws.push({ type: "privacy", last_seen: "everyone", group_add: "nobody" });   // from this or another device
    expect(state.account.privacy).toMatchObject({ last_seen: "everyone", group_add: "nobody" });
  });

  it("reads pending invites after every hello and adds live ones once, by code", async () => {
    const { state, ws, api, invites, sockets } = await setup([], [], [invite("A")]);
    expect(state.inviteList().map((i) => i.code)).toEqual(["A"]);
    expect(state.inviteList()[0]).toMatchObject({ chat: 7, name: "Hikers", from: 3 });
    const live = { type: "invite", state: "pending", chat: 8, code: "B", name: "Climbers", from: 4, expires_at: Date.now() + 4 * DAY };
    ws.push(live);
    ws.push(live);                                          // the same invite twice: one row
    expect(state.inviteList().map((i) => i.code)).toEqual(["B", "A"]);
    ws.push({ type: "invite", state: "declined", chat: 7, code: "A" });   // answered on another device
    expect(state.inviteList().map((i) => i.code)).toEqual(["B"]);

    ws.drop();                                              // while away, a new invite came
    invites.splice(0, invites.length, invite("B", { chat: 8, name: "Climbers", from: 4 }), invite("C", { chat: 9, name: "Divers" }));
    await vi.advanceTimersByTimeAsync(200);
    sockets[1].open();
    sockets[1].hello(ME, 10);
    await vi.advanceTimersByTimeAsync(0);
    expect(api.invites).toHaveBeenCalledTimes(2);
    expect(state.inviteList().map((i) => i.code).sort()).toEqual(["B", "C"]);
  });

  it("a list read before a live frame does not undo it", async () => {
    const { state, ws, api } = await setup([], [], [invite("A")]);
    let answer: (l: InviteSummary[]) => void = () => {};
    (api.invites as unknown as ReturnType<typeof vi.fn>).mockImplementationOnce(() => new Promise<InviteSummary[]>((r) => { answer = r; }));
    const reading = state.loadInvites();
    ws.push({ type: "invite", state: "accepted", chat: 7, code: "A" });
    ws.push({ type: "invite", state: "pending", chat: 9, code: "C", name: "Divers", from: 3, expires_at: Date.now() + DAY });
    answer([invite("A")]);                                  // read before either frame
    await reading;
    expect(state.inviteList().map((i) => i.code)).toEqual(["C"]);
  });

  it("drops an invite when it expires", async () => {
    const { state } = await setup([], [], [invite("A", { expires_at: Date.now() + 1500 }), invite("B")]);
    expect(state.inviteList().length).toBe(2);
    let changes = 0;
    state.subscribe(() => changes++);
    await vi.advanceTimersByTimeAsync(2000);
    expect(state.inviteList().map((i) => i.code)).toEqual(["B"]);
    expect(changes).toBeGreaterThan(0);
  });

  it("accepting joins by the code, then opens the group; declining sends decline", async () => {
    const chats: ChatSummary[] = [];
    const { state, ws } = await setup(chats, [], [invite("A"), invite("B", { chat: 8, name: "Climbers" })]);
    state.acceptInvite("A");
    const join = ws.sent.find((f) => f.type === "join")!;
    expect(join).toMatchObject({ invite: "A" });
    expect(state.answering("A")).toBe(true);
    chats.push(group(7, "Hikers"));
    ws.push({ type: "done", id: join.id, chat: 7, seq: 2, changed: true });
    await vi.advanceTimersByTimeAsync(0);
    expect(state.view).toEqual({ chat: 7 });
    expect(state.chats.get(7)?.name).toBe("Hikers");
    expect(state.inviteList().map((i) => i.code)).toEqual(["B"]);
    expect(state.answering("A")).toBe(false);

    state.declineInvite("B");
    const decline = ws.sent.find((f) => f.type === "decline")!;
    expect(decline).toMatchObject({ invite: "B" });
    ws.push({ type: "done", id: decline.id, chat: 8, changed: true });
    expect(state.inviteList()).toEqual([]);
    expect(state.view).toEqual({ chat: 7 });
    expect(state.notice).toBe("");
  });

  it("an invite the server no longer honours leaves the list with a notice; a decline of a gone one says nothing", async () => {
    const { state, ws } = await setup([], [], [invite("A"), invite("B")]);
    state.acceptInvite("A");
    const join = ws.sent.find((f) => f.type === "join")!;
    ws.push({ type: "error", code: "not_found", message: "no such invite", id: join.id });
    expect(state.inviteList().map((i) => i.code)).toEqual(["B"]);
    expect(state.notice).toBe("This invitation is no longer valid.");
    state.dismissNotice();
    state.declineInvite("B");
    const decline = ws.sent.find((f) => f.type === "decline")!;
    ws.push({ type: "error", code: "not_found", message: "no such invite", id: decline.id });
    expect(state.inviteList()).toEqual([]);
    expect(state.notice).toBe("");
  });

  it("tells whom a new group or an add invited instead of adding, without an error", async () => {
    const chats: ChatSummary[] = [];
    const { state, ws } = await setup(chats);
    await state.createGroup("Hikers", ["+14155550102"]);
    const create = ws.sent.find((f) => f.type === "create")!;
    expect(create).toMatchObject({ members: [BOB] });
    chats.push(group(7, "Hikers"));
    ws.push({ type: "done", id: create.id, chat: 7, seq: 1, changed: true, invited: [BOB] });
    await vi.advanceTimersByTimeAsync(0);
    expect(state.view).toEqual({ chat: 7 });
    expect(state.invited).toEqual({ chat: 7, users: [BOB] });
    expect(state.notice).toBe("");
    expect(state.name(BOB)).toBe("+14155550102");

    state.open(null);                                       // another view: the note goes
    expect(state.invited).toBeNull();
    await state.addMembers(7, ["+14155550102"]);
    const add = ws.sent.find((f) => f.type === "change")!;
    expect(add).toMatchObject({ chat: 7, op: "add", users: [BOB] });
    ws.push({ type: "done", id: add.id, chat: 7, changed: true, invited: [BOB] });
    expect(state.invited).toEqual({ chat: 7, users: [BOB] });
    state.dismissInvited();
    expect(state.invited).toBeNull();
  });

  it("names people whose number it may not see as User N", async () => {
    const { state, ws } = await setup([direct(4, { peer: 5, peer_phone: undefined }), group(7, "Hikers")]);
    expect(state.chats.get(4)!.name).toBe("User 5");
    expect(state.name(5)).toBe("User 5");
    state.open({ chat: 7 });
    ws.push({ type: "chat_info", chat: 7, kind: "group", name: "Hikers", members_can_add: false, everyone_posts: true,
      created_by: 3, created_at: 1, last_seq: 1, member_count: 2, role: "member",
      members: [{ user: 3, role: "admin", joined: 1, delivered: 1, read: 1 }, { user: ME, role: "member", joined: 1, delivered: 1, read: 1 }] });
    expect(state.name(3)).toBe("User 3");
    expect(state.chats.get(7)!.info?.members.length).toBe(2);
  });
});

const room = (chat: number, name: string): ChatSummary =>
  ({ chat, kind: "room", last_seq: 1, last_ts: 5, last_text: "", last_sender: 3, read: 1, name, member_count: 2 });

describe("AppState: private and public rooms", () => {
  it("creates a private room unless asked for a public one", async () => {
    const chats: ChatSummary[] = [];
    const { state, ws } = await setup(chats);
    await state.createRoom("news", false);
    expect(ws.sent.filter((f) => f.type === "create").at(-1)).toMatchObject({ kind: "room", name: "news", everyone_posts: false, public: false });
    await state.createRoom("town square", true, "public");
    const create = ws.sent.filter((f) => f.type === "create").at(-1)!;
    expect(create).toMatchObject({ kind: "room", name: "town square", everyone_posts: true, public: true });
    chats.push(room(12, "town square"));
    ws.push({ type: "done", id: create.id, chat: 12, seq: 1, changed: true });
    await vi.advanceTimersByTimeAsync(0);
    expect(state.view).toEqual({ chat: 12 });
  });

  it("a private room's id is refused to the caller, not as a notice; its invite code joins and opens it", async () => {
    const chats: ChatSummary[] = [];
    const { state, ws } = await setup(chats);
    const byId = state.joinRoom(" #12 ");
    const join = ws.sent.filter((f) => f.type === "join").at(-1)!;
    expect(join).toMatchObject({ chat: 12 });
    expect(join.invite).toBeUndefined();
    ws.push({ type: "error", code: "no_such_chat", message: "no such chat", id: join.id });
    await expect(byId).rejects.toThrow("No such room, or it is private: ask for an invite code.");
    expect(state.notice).toBe("");

    const bad = state.joinRoom("NotAValidCode123");
    const badJoin = ws.sent.filter((f) => f.type === "join").at(-1)!;
    expect(badJoin).toMatchObject({ invite: "NotAValidCode123" });
    ws.push({ type: "error", code: "not_found", message: "no such invite", id: badJoin.id });
    await expect(bad).rejects.toThrow("This invite code does not work: check it, or ask for a new one.");
    expect(state.notice).toBe("");

    const sent = ws.sent.length;                            // not a code at all: refused here, nothing sent
    await expect(state.joinRoom("two words")).rejects.toThrow(/^This invite code does not work/);
    await expect(state.joinRoom("x".repeat(65))).rejects.toThrow(/^This invite code does not work/);
    expect(ws.sent.length).toBe(sent);

    const good = state.joinRoom("q1Vd0fXo3bB6Jk2Z");
    const goodJoin = ws.sent.filter((f) => f.type === "join").at(-1)!;
    chats.push(room(12, "news"));
    ws.push({ type: "done", id: goodJoin.id, chat: 12, changed: true });
    await expect(good).resolves.toBe(12);
    expect(state.view).toEqual({ chat: 12 });
    expect(state.chats.get(12)?.name).toBe("news");
  });

  it("a public room joins by its id", async () => {
    const chats: ChatSummary[] = [];
    const { state, ws } = await setup(chats);
    const joined = state.joinRoom("15");
    const join = ws.sent.filter((f) => f.type === "join").at(-1)!;
    expect(join).toMatchObject({ chat: 15 });
    chats.push(room(15, "town square"));
    ws.push({ type: "done", id: join.id, chat: 15, changed: true });
    await expect(joined).resolves.toBe(15);
    expect(state.view).toEqual({ chat: 15 });
  });

  it("a join refused with no one waiting (sent before a reload) says why in the notice", async () => {
    const { state, ws } = await setup([]);
    const id = state.client.joinRoom({ chat: 12 });
    ws.push({ type: "error", code: "no_such_chat", message: "no such chat", id });
    expect(state.notice).toBe("No such room, or it is private: ask for an invite code.");
    state.notify("The dialog went");
    expect(state.notice).toBe("The dialog went");
  });

  it("keeps a room's access from chat_info", async () => {
    const { state, ws } = await setup([room(12, "news")]);
    state.open({ chat: 12 });
    expect(ws.sent).toContainEqual({ type: "chat_info", chat: 12 });
    ws.push({ type: "chat_info", chat: 12, kind: "room", name: "news", members_can_add: false, everyone_posts: false, public: false,
      created_by: ME, created_at: 1, last_seq: 1, member_count: 2, role: "admin", invite: "q1Vd0fXo3bB6Jk2Z",
      members: [{ user: ME, role: "admin", joined: 0, delivered: 1, read: 1 }] });
    expect(state.chats.get(12)!.info).toMatchObject({ public: false, invite: "q1Vd0fXo3bB6Jk2Z" });
  });

  it("words each refused join", () => {
    expect(joinError({ code: "invalid" }, { chat: 4 })).toBe("That is not a room: groups are joined when a member adds you.");
    expect(joinError({ code: "chat_full" }, { invite: "x" })).toBe("The room is full.");
    expect(joinError({ code: "not_found" }, { invite: "x" })).toMatch(/^This invite code does not work/);
    expect(joinError({ code: "no_such_chat" }, { chat: 4 })).toBe("No such room, or it is private: ask for an invite code.");
  });
});
