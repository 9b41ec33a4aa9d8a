// Profiles, contacts, blocks and my settings of each chat in the app state (protocol.md §4.8):
// names by the display rule, profiles read in batches and again after a reconnect, live
// `profile`, `contact`, `blocks` and `chat_state` frames, and the HTTP calls of each change.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { ApiError, type Api, type ChatSettings, type ChatSummary, type MyProfile, type Profile } from "../src/app/api";
import { AppState } from "../src/app/state";
import { ParleyClient } from "../src/protocol/client";
import { FakeSocket } from "./fake_socket";

const ME = 1;
const BOB = 2;
const CAROL = 3;
const PIC = "cd".repeat(32);

const direct = (chat: number, over: Partial<ChatSummary> = {}): ChatSummary => ({
  chat, kind: "direct", last_seq: 1, last_ts: chat, last_text: "hi", last_sender: BOB, read: 1, peer: BOB, peer_phone: "+14155550102", ...over,
});
const group = (chat: number, over: Partial<ChatSummary> = {}): ChatSummary => ({
  chat, kind: "group", last_seq: 1, last_ts: chat, last_text: "", last_sender: BOB, read: 1, name: "Hikers", member_count: 3, ...over,
});

/** A fake of the account routes, with what the server would keep. */
function fakeApi(chats: ChatSummary[], profiles: Profile[]) {
  const blocked = new Set<number>();
  const contacts = new Map<number, Profile>();
  const me: MyProfile = { user: ME, phone: "+14155550101", name: "Ana", about: "", previews: true };
  const api = {
    chats: vi.fn(async () => chats),
    invites: vi.fn(async () => []),
    history: vi.fn(async () => []),
    myProfile: vi.fn(async () => ({ ...me })),
    setProfile: vi.fn(async (c: Partial<MyProfile>) => Object.assign(me, c) && { ...me }),
    users: vi.fn(async (ids: number[]) => profiles.filter((p) => ids.includes(p.user))),
    contacts: vi.fn(async () => [...contacts.values()]),
    saveContact: vi.fn(async (phone: string, name: string) => {
      const p = profiles.find((x) => x.phone === phone);
      if (!p) throw new ApiError(404, "no_such_user", "no such user");
      const saved = { ...p, contact_name: name };
      contacts.set(p.user, saved);
      return saved;
    }),
    removeContact: vi.fn(async (user: number) => { contacts.delete(user); return { removed: user }; }),
    blocks: vi.fn(async () => [...blocked]),
    block: vi.fn(async (user: number, on: boolean) => { if (on) blocked.add(user); else blocked.delete(user); return [...blocked]; }),
    chatSettings: vi.fn(async (chat: number, c: { mute?: string; archived?: boolean; pinned?: boolean }): Promise<ChatSettings> => {
      const s = chats.find((x) => x.chat === chat)!;
      if (c.pinned && chats.filter((x) => x.pinned).length >= 3) throw new ApiError(400, "invalid", "at most 3 chats can be pinned");
      if (c.mute) s.muted_until = c.mute === "off" ? 0 : c.mute === "always" ? -1 : Date.now() + 8 * 3600_000;
      if (c.archived !== undefined) s.archived = c.archived;
      if (c.pinned !== undefined) s.pinned = c.pinned;
      return { chat, muted_until: s.muted_until ?? 0, archived: !!s.archived, pinned: !!s.pinned };
    }),
    lookup: vi.fn(async (phones: string[]) => profiles.filter((p) => phones.includes(p.phone ?? "")).map((p) => ({ ...p, phone: p.phone! }))),
  };
  return api;
}

async function setup(chats: ChatSummary[], profiles: Profile[] = []) {
  const sockets: FakeSocket[] = [];
  const api = fakeApi(chats, profiles);
  const client = new ParleyClient({ url: "ws://x/v1/ws", token: "t", socket: () => { const s = new FakeSocket(); sockets.push(s); return s; } });
  const state = new AppState(ME, "+14155550101", api as unknown as Api, client);
  await state.start();
  sockets[0].open();
  sockets[0].hello(ME, 10);
  await vi.advanceTimersByTimeAsync(0);
  return { state, api, ws: sockets[0], sockets };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("names and photos", () => {
  it("names by the rule: the contact name I saved, else their name, else the number, else User N", async () => {
    const { state } = await setup([
      direct(4, { peer_name: "Bo", peer_contact_name: "Bob (work)" }),
      direct(5, { peer: CAROL, peer_phone: "+14155550103", peer_name: "Carol" }),
      direct(6, { peer: 7, peer_phone: "+14155550107" }),
      direct(8, { peer: 9, peer_phone: undefined }),
    ]);
    expect(state.name(BOB)).toBe("Bob (work)");
    expect(state.name(CAROL)).toBe("Carol");
    expect(state.name(7)).toBe("+14155550107");
    expect(state.name(9)).toBe("User 9");
    expect(state.name(ME)).toBe("You");
    state.dispose();
  });

  it("reads the profiles a view asks about in one POST /v1/users, each once; an unknown user stays User N", async () => {
    const { state, api } = await setup([group(7)], [{ user: CAROL, name: "Carol", about: "hiking", avatar: PIC }, { user: 4, name: "Dan" }]);
    api.users.mockClear();
    expect([state.name(CAROL), state.name(4), state.name(5)]).toEqual(["User 3", "User 4", "User 5"]);
    expect(state.name(CAROL)).toBe("User 3");                // asked once, not per render
    await vi.advanceTimersByTimeAsync(0);
    expect(api.users).toHaveBeenCalledTimes(1);
    expect(api.users).toHaveBeenCalledWith([CAROL, 4, 5]);
    expect([state.name(CAROL), state.name(4), state.name(5)]).toEqual(["Carol", "Dan", "User 5"]);
    expect(state.people.get(CAROL)).toMatchObject({ about: "hiking", avatar: PIC });
    await vi.advanceTimersByTimeAsync(10);
    expect(api.users).toHaveBeenCalledTimes(1);              // user 5 is not asked for again
    state.dispose();
  });

  it("a profile frame renames live and changes a one-to-one chat's photo; mine changes my profile", async () => {
    const { state, ws } = await setup([direct(4)]);
    let changes = 0;
    state.subscribe(() => changes++);
    ws.push({ type: "profile", user: BOB, name: "Bo", avatar: PIC });
    expect(state.name(BOB)).toBe("Bo");
    expect(state.chats.get(4)!.avatar).toBe(PIC);
    ws.push({ type: "profile", user: BOB, name: "Bo" });       // the photo removed (or hidden from me now)
    expect(state.chats.get(4)!.avatar).toBeUndefined();
    expect(changes).toBe(2);
    expect(state.account.name).toBe("Ana");
    ws.push({ type: "profile", user: ME, name: "Ana Lima", about: "at work", avatar: PIC });
    expect(state.account.profile).toMatchObject({ name: "Ana Lima", about: "at work", avatar: PIC });
    expect(state.account.myAvatar.id).toBe(PIC);
    state.dispose();
  });

  it("reads every profile it showed again after a reconnect, with contacts and blocks", async () => {
    const profiles: Profile[] = [{ user: CAROL, name: "Carol" }];
    const { state, api, ws, sockets } = await setup([group(7)], profiles);
    state.name(CAROL);
    await vi.advanceTimersByTimeAsync(0);
    profiles[0] = { user: CAROL, name: "Caroline" };        // changed while this page was away
    ws.drop();
    await vi.advanceTimersByTimeAsync(200);
    api.users.mockClear();
    sockets[1].open();
    sockets[1].hello(ME, 10);
    await vi.advanceTimersByTimeAsync(0);
    expect(api.users).toHaveBeenCalledWith([CAROL]);
    expect(state.name(CAROL)).toBe("Caroline");
    expect(api.contacts).toHaveBeenCalledTimes(2);
    expect(api.blocks).toHaveBeenCalledTimes(2);
    expect(api.myProfile).toHaveBeenCalledTimes(2);
    state.dispose();
  });

  it("a number found by lookup names its user with the profile that came with it", async () => {
    const { state } = await setup([], [{ user: BOB, phone: "+14155550102", name: "Bo" }]);
    await state.startChat("+14155550102");
    expect(state.view).toEqual({ draft: { peer: BOB, phone: "+14155550102" } });
    expect(state.name(BOB)).toBe("Bo");
    state.dispose();
  });
});

describe("contacts", () => {
  it("adds and removes a contact; the contact name wins; a number not on parley is refused in words", async () => {
    const { state, api } = await setup([direct(4, { peer_name: "Bo" })], [{ user: BOB, phone: "+14155550102", name: "Bo" }]);
    await state.people.addContact(" +14155550102 ", "Bob (work)");
    expect(api.saveContact).toHaveBeenCalledWith("+14155550102", "Bob (work)");
    expect(state.people.contacts()).toEqual([{ user: BOB, contactName: "Bob (work)", phone: "+14155550102" }]);
    expect(state.name(BOB)).toBe("Bob (work)");
    await expect(state.people.addContact("+14155550199", "Nobody")).rejects.toThrow("+14155550199 is not on parley yet.");
    await state.people.removeContact(BOB);
    expect(state.people.contacts()).toEqual([]);
    expect(state.name(BOB)).toBe("Bo");
    state.dispose();
  });

  it("follows contact frames from my other devices, also while the list is being read", async () => {
    const { state, api, ws } = await setup([], [{ user: BOB, phone: "+14155550102", name: "Bo" }, { user: CAROL, name: "Carol" }]);
    ws.push({ type: "contact", user: CAROL, contact_name: "Aunt Carol" });
    expect(state.people.contacts().map((c) => c.contactName)).toEqual(["Aunt Carol"]);
    expect(state.name(CAROL)).toBe("Aunt Carol");
    ws.push({ type: "contact", user: CAROL, removed: true });
    await vi.advanceTimersByTimeAsync(0);
    expect(state.people.contacts()).toEqual([]);
    expect(state.name(CAROL)).toBe("Carol");

    let answer: (l: Profile[]) => void = () => {};
    api.contacts.mockImplementationOnce(() => new Promise<Profile[]>((r) => { answer = r; }));
    const reading = state.people.refresh();
    ws.push({ type: "contact", user: BOB, contact_name: "Bob" });   // saved after the server read the list
    answer([]);
    await reading;
    expect(state.people.contacts().map((c) => c.contactName)).toEqual(["Bob"]);
    state.dispose();
  });

  it("opens my chat with a contact, or a draft when there is none yet", async () => {
    const { state } = await setup([direct(4)], [{ user: CAROL, phone: "+14155550103", name: "Carol" }]);
    state.openChatWith(BOB);
    expect(state.view).toEqual({ chat: 4 });
    await state.people.addContact("+14155550103", "Carol");
    state.openChatWith(CAROL);
    expect(state.view).toEqual({ draft: { peer: CAROL, phone: "+14155550103" } });
    state.dispose();
  });
});

describe("blocks", () => {
  it("blocks and unblocks over HTTP; a blocks frame from another device replaces the list", async () => {
    const { state, api, ws } = await setup([direct(4)]);
    await state.people.block(BOB, true);
    expect(api.block).toHaveBeenCalledWith(BOB, true);
    expect(state.people.blocked(BOB)).toBe(true);
    await state.people.block(BOB, false);
    expect(state.people.blocked(BOB)).toBe(false);
    ws.push({ type: "blocks", blocked: [BOB, 9] });
    expect(state.people.blockedUsers).toEqual([BOB, 9]);
    ws.push({ type: "blocks", blocked: [] });
    expect(state.people.blocked(BOB)).toBe(false);
    state.dispose();
  });

  it("a send refused because I block the user says so", async () => {
    const { state, ws } = await setup([direct(4)]);
    state.open({ chat: 4 });
    state.send("hello?");
    const send = ws.sent.find((f) => f.type === "send")!;
    ws.push({ type: "error", id: send.id, code: "forbidden", message: "you blocked this user; unblock them to write" });
    // Said on the refused message itself, once (not in the notice too).
    expect(state.outgoing({ chat: 4 })[0].failed).toBe("You blocked this person. Unblock them to write.");
    expect(state.notice).toBe("");
    state.dispose();
  });
});

describe("my settings of each chat", () => {
  it("reads mute, archive and pin from the list; pinned chats come first", async () => {
    const { state } = await setup([direct(4, { last_ts: 40 }), group(5, { last_ts: 10, pinned: true }), group(6, { last_ts: 30, archived: true, muted_until: -1 })]);
    expect(state.chatList().map((c) => c.chat)).toEqual([5, 4, 6]);
    const archived = state.chats.get(6)!;
    expect([archived.archived, state.prefs.muted(archived), state.prefs.muted(state.chats.get(4)!)]).toEqual([true, true, false]);
    state.dispose();
  });

  it("mutes, pins and archives over HTTP; a mute ends by the clock; a fourth pin is refused in words", async () => {
    const chats = [direct(4), group(5, { pinned: true }), group(6, { pinned: true }), group(7, { pinned: true }), group(8)];
    const { state, api } = await setup(chats);
    await state.prefs.mute(4, "8h");
    expect(api.chatSettings).toHaveBeenCalledWith(4, { mute: "8h" });
    expect(state.prefs.muted(state.chats.get(4)!)).toBe(true);
    vi.setSystemTime(Date.now() + 8 * 3600_000 + 1);
    expect(state.prefs.muted(state.chats.get(4)!)).toBe(false);
    await state.prefs.archive(4, true);
    expect(state.chats.get(4)!.archived).toBe(true);
    await state.prefs.pin(8, true);
    expect(state.notice).toBe("You can pin up to 3 chats. Unpin one first.");
    expect(state.chats.get(8)!.pinned).toBe(false);
    state.dispose();
  });

  it("applies chat_state frames from my other devices", async () => {
    const { state, ws } = await setup([direct(4), group(5)]);
    let changes = 0;
    state.subscribe(() => changes++);
    ws.push({ type: "chat_state", chat: 4, muted_until: -1, archived: true, pinned: false });
    ws.push({ type: "chat_state", chat: 5, muted_until: 0, archived: false, pinned: true });
    expect(state.prefs.muted(state.chats.get(4)!)).toBe(true);
    expect(state.chats.get(4)!.archived).toBe(true);
    expect(state.chatList()[0].chat).toBe(5);
    expect(changes).toBe(2);
    ws.push({ type: "chat_state", chat: 99, muted_until: 0, archived: false, pinned: false });   // not listed: nothing
    state.dispose();
  });
});

describe("my profile and privacy", () => {
  it("reads my profile after hello and saves a change; previews too", async () => {
    const { state, api } = await setup([]);
    expect(state.account.profile).toMatchObject({ name: "Ana", previews: true });
    await state.account.save({ name: "Ana Lima", about: "here" });
    expect(api.setProfile).toHaveBeenCalledWith({ name: "Ana Lima", about: "here" });
    expect(state.account.name).toBe("Ana Lima");
    await state.account.save({ previews: false });
    expect(state.account.profile?.previews).toBe(false);
    api.setProfile.mockRejectedValueOnce(new ApiError(400, "bad_frame", "name too long"));
    await expect(state.account.save({ name: "x".repeat(65) })).rejects.toThrow("A name can be at most 64 characters");
    state.dispose();
  });

  it("sets who sees my name, about and photo, one at a time", async () => {
    const { state, ws } = await setup([]);
    ws.push({ type: "privacy", last_seen: "everyone", group_add: "everyone", name: "everyone", about: "contacts", photo: "nobody" });
    expect(state.account.privacy).toEqual({ last_seen: "everyone", group_add: "everyone", name: "everyone", about: "contacts", photo: "nobody" });
    state.account.setPrivacy("photo", "contacts");
    expect(ws.sent.at(-1)).toEqual({ type: "privacy", photo: "contacts" });
    state.dispose();
  });
});
