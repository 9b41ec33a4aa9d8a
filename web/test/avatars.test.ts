// What GET /v1/chats brings besides text: the last message's media (so the list names it after a
// reload) and avatars; and setting my profile photo and a group's photo.
import { describe, expect, it, vi } from "vitest";

import type { Api, ChatSummary } from "../src/app/api";
import { MyAvatar } from "../src/app/avatars";
import { AppState } from "../src/app/state";
import { ParleyClient } from "../src/protocol/client";
import { preview } from "../src/ui/format";
import { FakeSocket } from "./fake_socket";
import { FakeMediaServer, file } from "./fake_media_server";

const ME = 1;
const BOB = 2;
const PIC = "ab".repeat(32);

const direct = (chat: number, over: Partial<ChatSummary> = {}): ChatSummary => ({
  chat, kind: "direct", last_seq: 0, last_ts: chat, last_text: "", last_sender: BOB, read: 0, peer: BOB, peer_phone: "+14155550102", ...over,
});
const group = (chat: number, over: Partial<ChatSummary> = {}): ChatSummary => ({
  chat, kind: "group", last_seq: 0, last_ts: chat, last_text: "", last_sender: BOB, read: 0, name: "Hikers", member_count: 3, ...over,
});

async function setup(chats: ChatSummary[]) {
  const server = new FakeMediaServer();
  const sockets: FakeSocket[] = [];
  const api = {
    chats: vi.fn(async () => chats), invites: vi.fn(async () => []), history: vi.fn(async () => []),
    setAvatar: vi.fn(async (avatar: string) => ({ avatar })),
    authorized: (path: string, init?: RequestInit) => server.fetch(path, init),
  } as unknown as Api & { setAvatar: ReturnType<typeof vi.fn>; chats: ReturnType<typeof vi.fn> };
  const client = new ParleyClient({ url: "ws://x/v1/ws", token: "t", socket: () => { const s = new FakeSocket(); sockets.push(s); return s; } });
  const state = new AppState(ME, "+14155550101", api, client);
  await state.start();
  sockets[0].open();
  sockets[0].hello(ME, 0);
  return { state, api, ws: sockets[0], server };
}

describe("the chat list after a reload", () => {
  it("names the last media from GET /v1/chats: the kind, a file's name, the caption when there is one", async () => {
    const { state } = await setup([
      direct(4, { last_seq: 3, last_media: { id: PIC, kind: "image" } }),
      group(5, { last_seq: 7, last_media: { id: PIC, kind: "file", name: "report.pdf" } }),
      direct(6, { last_seq: 2, last_sender: ME, last_text: "at the top", last_media: { id: PIC, kind: "video", duration_ms: 4000 } }),
      group(7, { last_seq: 9, last_media: { id: PIC, kind: "voice", duration_ms: 1200 } }),
    ]);
    const shown = (chat: number) => preview(state, state.chats.get(chat)!);
    expect(shown(4)).toBe("📷 Photo");
    expect(shown(5)).toBe("+1 415 555 0102: 📄 report.pdf");
    expect(shown(6)).toBe("You: 🎥 at the top");
    expect(shown(7)).toBe("+1 415 555 0102: 🎤 Voice message");
    expect(state.chats.get(4)!.lastSystem).toBe(false);
    state.dispose();
  });

  it("still reads an empty text without media as a system message", async () => {
    const { state } = await setup([group(5, { last_seq: 2 })]);
    expect(preview(state, state.chats.get(5)!)).toBe("Chat updated");
    state.dispose();
  });

  it("a list without last_media (an older server) keeps what the message itself showed", async () => {
    const chats = [direct(4)];
    const { state, ws } = await setup(chats);
    ws.push({ type: "msg", pts: 1, chat: 4, seq: 1, from: BOB, device: 5, id: "x", ts: 6, text: "",
      media: { id: PIC, kind: "image", mime: "image/jpeg", size: 100 } });
    chats[0] = direct(4, { last_seq: 1, last_ts: 6 });
    await state.refreshChats();
    expect(preview(state, state.chats.get(4)!)).toBe("📷 Photo");
    chats[0] = direct(4, { last_seq: 2, last_ts: 7, last_text: "words" });
    await state.refreshChats();
    expect(preview(state, state.chats.get(4)!)).toBe("words");
    state.dispose();
  });
});

describe("avatars", () => {
  it("come from the list (a peer's for a one-to-one chat, a group's own), chat_info and the avatar system message", async () => {
    const { state, ws } = await setup([direct(4, { peer_avatar: PIC }), group(5, { avatar: "cd".repeat(32) }), group(6)]);
    expect(state.chats.get(4)!.avatar).toBe(PIC);
    expect(state.chats.get(5)!.avatar).toBe("cd".repeat(32));
    expect(state.chats.get(6)!.avatar).toBeUndefined();
    ws.push({ type: "msg", pts: 1, chat: 5, seq: 1, from: BOB, device: 5, id: "s", ts: 9, text: "", system: { event: "avatar", avatar: "" } });
    expect(state.chats.get(5)!.avatar).toBeUndefined();
    ws.push({ type: "msg", pts: 2, chat: 6, seq: 1, from: BOB, device: 5, id: "t", ts: 9, text: "", system: { event: "avatar", avatar: PIC } });
    expect(state.chats.get(6)!.avatar).toBe(PIC);
    ws.push({ type: "chat_info", chat: 6, kind: "group", name: "Hikers", members_can_add: false, everyone_posts: true, created_by: BOB,
      created_at: 0, last_seq: 1, member_count: 3, role: "member", members: [] });
    expect(state.chats.get(6)!.avatar).toBeUndefined();
    state.dispose();
  });

  it("my profile photo is uploaded as an image, set with PUT /v1/me/avatar, remembered, and the list read again", async () => {
    const { state, api, server } = await setup([direct(4)]);
    const reads = api.chats.mock.calls.length;
    await state.account.setPhoto(file(1500, "me.png", "image/png"));
    expect(server.finished[0].upload).toMatchObject({ kind: "image", name: "me.png" });
    expect(api.setAvatar).toHaveBeenCalledWith(PIC);
    expect(state.account.myAvatar.id).toBe(PIC);
    expect(api.chats.mock.calls.length).toBe(reads + 1);
    await state.account.setPhoto(null);
    expect(api.setAvatar).toHaveBeenLastCalledWith("");
    expect(state.account.myAvatar.id).toBeUndefined();
    await expect(state.account.setPhoto(file(10, "notes.pdf", "application/pdf"))).rejects.toThrow("Pick a photo");
    expect(server.finished).toHaveLength(1);
    state.dispose();
  });

  it("a group's photo is a change with op avatar; a refusal rejects with the reason", async () => {
    const { state, ws } = await setup([group(5)]);
    const set = state.setChatPhoto(5, file(1500, "hike.jpg", "image/jpeg"));
    await vi.waitFor(() => expect(ws.sent.some((f) => f.type === "change")).toBe(true));
    const change = ws.sent.find((f) => f.type === "change")!;
    expect(change).toMatchObject({ chat: 5, op: "avatar", avatar: PIC });
    ws.push({ type: "done", id: change.id as string, chat: 5, seq: 2, changed: true });
    await set;
    const removal = state.setChatPhoto(5, null);
    const second = ws.sent.filter((f) => f.type === "change")[1];
    expect(second).toMatchObject({ op: "avatar", avatar: "" });
    ws.push({ type: "error", id: second.id as string, code: "forbidden", message: "admins only" });
    await expect(removal).rejects.toThrow("Only admins can do that here.");
    state.dispose();
  });
});

describe("MyAvatar", () => {
  it("keeps my avatar's id in storage, and forgets it when removed", () => {
    const kept = new Map<string, string>();
    const storage = { getItem: (k: string) => kept.get(k) ?? null, setItem: (k: string, v: string) => void kept.set(k, v), removeItem: (k: string) => void kept.delete(k) };
    new MyAvatar(storage, "k").set(PIC);
    expect(new MyAvatar(storage, "k").id).toBe(PIC);
    new MyAvatar(storage, "k").set("");
    expect(kept.has("k")).toBe(false);
  });
});
