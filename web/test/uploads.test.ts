// Media being sent: uploaded, then sent through the client's outbox; kept (bytes included)
// until the ack, so a failed or interrupted one is retried, also by a new page; and what the
// app state shows of media messages.
import { describe, expect, it, vi } from "vitest";

import type { Api, ChatSummary } from "../src/app/api";
import { AppState } from "../src/app/state";
import { MemoryUploadStore, UploadQueue } from "../src/app/uploads";
import { ParleyClient } from "../src/protocol/client";
import { preview } from "../src/ui/format";
import { FakeSocket } from "./fake_socket";
import { FakeMediaServer, file } from "./fake_media_server";

const ME = 1;

async function connected() {
  const sockets: FakeSocket[] = [];
  const client = new ParleyClient({ url: "ws://x/v1/ws", token: "t", socket: () => { const s = new FakeSocket(); sockets.push(s); return s; } });
  await client.start();
  sockets[0].open();
  sockets[0].hello(ME, 0);
  return { client, ws: sockets[0] };
}

function queue(server: FakeMediaServer, client: ParleyClient, store = new MemoryUploadStore()) {
  const q = new UploadQueue({ fetch: server.fetch, client, store, changed: () => {}, options: { chunkBytes: 1000, sleep: async () => {} } });
  return { q, store };
}

const sends = (ws: FakeSocket) => ws.sent.filter((f) => f.type === "send");

describe("UploadQueue", () => {
  it("uploads each file, then sends it with its media id; the caption goes with the first", async () => {
    const server = new FakeMediaServer();
    const { client, ws } = await connected();
    const { q, store } = queue(server, client);
    const [a, b] = q.add({ chat: 4 }, [file(1500, "cat.jpg", "image/jpeg"), file(10, "notes.txt", "text/plain")], "look");
    expect(q.outgoing({ chat: 4 }, () => undefined).map((m) => m.state)).toEqual(["uploading", "uploading"]);
    await vi.waitFor(() => expect(sends(ws)).toHaveLength(2));
    expect(sends(ws).find((f) => f.id === a)).toMatchObject({ chat: 4, text: "look", media: { id: "ab".repeat(32), name: "cat.jpg" } });
    expect(sends(ws).find((f) => f.id === b)).toMatchObject({ chat: 4, text: "", media: { name: "notes.txt" } });
    expect(server.finished.map((f) => f.upload.kind).sort()).toEqual(["file", "image"]);
    expect(store.items.get(a)?.state).toBe("sending");
    ws.push({ type: "ack", id: a, chat: 4, seq: 9, ts: 1 });
    expect(q.acked(a)?.kind).toBe("image");              // AppState's ack handler asks
    expect(store.items.has(a)).toBe(false);
    expect(client.unanswered.map((p) => p.id)).toEqual([b]);
  });

  it("keeps a failed upload with its bytes; a new page retries it, resuming where it stood", async () => {
    const server = new FakeMediaServer();
    let patches = 0;
    server.fault = (c) => (c.method === "PATCH" && ++patches >= 2 ? { drop: true } : undefined);
    const first = await connected();
    const { q, store } = queue(server, first.client);
    const [id] = q.add({ to: 2 }, [file(2500, "clip.mp4", "video/mp4")]);
    await vi.waitFor(() => expect(q.items.get(id)?.state).toBe("failed"));
    expect(q.items.get(id)).toMatchObject({ retryable: true, error: "Not sent: the server can't be reached. Retry when you are back online." });
    expect(store.items.get(id)).toMatchObject({ state: "failed", upload: "u1-1", name: "clip.mp4" });
    expect(store.items.get(id)?.blob.size).toBe(2500);

    // A reload: a new page and queue over the same store. The server is back.
    server.fault = () => undefined;
    const second = await connected();
    const again = queue(server, second.client, store).q;
    await again.load();
    expect(again.items.get(id)?.state).toBe("failed");
    server.calls.length = 0;
    again.retry(id);
    await vi.waitFor(() => expect(sends(second.ws)).toHaveLength(1));
    expect(server.calls.map((c) => [c.method, c.headers["upload-offset"]])).toEqual([["HEAD", undefined], ["PATCH", "1000"], ["PATCH", "2000"]]);
    expect(sends(second.ws)[0]).toMatchObject({ id, to: 2, text: "", media: { name: "clip.mp4" } });
  });

  it("after a reload, an interrupted upload waits for Retry and an uploaded one is sent again with its id", async () => {
    const store = new MemoryUploadStore();
    const base = { chat: 4, blob: file(10), name: "a.bin", type: "", kind: "file" as const, caption: "", order: 1 };
    await store.put({ ...base, id: "m-1", state: "uploading", upload: "u1-7" });
    await store.put({ ...base, id: "m-2", state: "sending", media: { id: "cd".repeat(32), kind: "file", mime: "x", size: 10 } });
    const { client, ws } = await connected();
    const { q } = queue(new FakeMediaServer(), client, store);
    await q.load();
    expect(q.items.get("m-1")).toMatchObject({ state: "failed", error: "The upload was interrupted.", retryable: true });
    expect(sends(ws)).toEqual([expect.objectContaining({ id: "m-2", chat: 4, media: { id: "cd".repeat(32), name: "a.bin" } })]);
  });

  it("cancel stops the upload, DELETEs it on the server and forgets it", async () => {
    const server = new FakeMediaServer();
    let release = () => {};
    server.hold = () => new Promise<void>((r) => { release = r; });
    const { client, ws } = await connected();
    const { q, store } = queue(server, client);
    const [id] = q.add({ chat: 4 }, [file(3000)]);
    await vi.waitFor(() => expect(server.calls.some((c) => c.method === "PATCH")).toBe(true));
    q.cancel(id);
    release();
    await vi.waitFor(() => expect(server.calls.at(-1)?.method).toBe("DELETE"));
    expect(q.items.size + store.items.size + sends(ws).length + server.uploads.size).toBe(0);
  });

  it("a send the server refuses stays, failed, with the reason and no retry", async () => {
    const server = new FakeMediaServer();
    const { client } = await connected();
    const { q } = queue(server, client);
    const [id] = q.add({ chat: 4 }, [file(10)]);
    await vi.waitFor(() => expect(q.items.get(id)?.state).toBe("sending"));
    q.refused(id, "You are not a member of this chat.");
    expect(q.items.get(id)).toMatchObject({ state: "failed", retryable: false, error: "You are not a member of this chat." });
  });
});

describe("AppState with media", () => {
  it("shows my photo from its ack with the uploaded media, and the chat list says what it is", async () => {
    const server = new FakeMediaServer();
    const chats: ChatSummary[] = [{ chat: 4, kind: "direct", last_seq: 0, last_ts: 0, last_text: "", last_sender: 0, read: 0, peer: 2, peer_phone: "+14155550102" }];
    const sockets: FakeSocket[] = [];
    const api = {
      chats: vi.fn(async () => chats), invites: vi.fn(async () => []), history: vi.fn(async () => []),
      authorized: (path: string, init?: RequestInit) => server.fetch(path, init),
    } as unknown as Api;
    const client = new ParleyClient({ url: "ws://x/v1/ws", token: "t", socket: () => { const s = new FakeSocket(); sockets.push(s); return s; } });
    const state = new AppState(ME, "+14155550101", api, client);
    await state.start();
    sockets[0].open();
    sockets[0].hello(ME, 0);
    state.open({ chat: 4 });
    state.sendFiles([file(20, "IMG_1.jpg", "image/jpeg")], "the view  ");
    await vi.waitFor(() => expect(sends(sockets[0])).toHaveLength(1));
    const sent = sends(sockets[0])[0];
    expect(sent).toMatchObject({ text: "the view", media: { name: "IMG_1.jpg" } });
    sockets[0].push({ type: "ack", id: sent.id, chat: 4, seq: 1, ts: 5 });
    expect(state.messages.get(4)?.[0]).toMatchObject({ text: "the view", media: { kind: "image", name: "IMG_1.jpg" } });
    expect(state.outgoingMedia({ chat: 4 })).toEqual([]);
    expect(preview(state, state.chats.get(4)!)).toBe("You: 📷 the view");
    sockets[0].push({ type: "msg", pts: 1, chat: 4, seq: 2, from: 2, device: 5, id: "x", ts: 6, text: "",
      media: { id: "ef".repeat(32), kind: "voice", mime: "audio/ogg", size: 100, duration_ms: 4200, waveform: "AAQI" } });
    expect(preview(state, state.chats.get(4)!)).toBe("🎤 Voice message");
    sockets[0].push({ type: "msg", pts: 2, chat: 4, seq: 3, from: 2, device: 5, id: "y", ts: 7, text: "",
      media: { id: "ef".repeat(32), kind: "file", mime: "application/pdf", size: 100, name: "report.pdf" } });
    expect(preview(state, state.chats.get(4)!)).toBe("📄 report.pdf");
    state.dispose();
  });
});
