// The upload state machine against an in-memory media server: chunks at Upload-Offset, resume
// from HEAD after a lost PATCH, cancel (abort and DELETE), and the words for each refusal.
import { describe, expect, it } from "vitest";

import { kindOf, safeName, upload, UploadError, type UploadOptions } from "../src/app/upload";
import { FakeMediaServer, file, sequence } from "./fake_media_server";

const spec = (f: File, kind = kindOf(f.type)) => ({ blob: f, name: f.name, type: f.type, kind });
const now = async () => undefined;

function opts(server: FakeMediaServer, over: Partial<UploadOptions> = {}): UploadOptions {
  return { fetch: server.fetch, chunkBytes: 1000, sleep: now, ...over };
}

async function failure(p: Promise<unknown>): Promise<UploadError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(UploadError);
    return e as UploadError;
  }
  throw new Error("the upload did not fail");
}

describe("upload", () => {
  it("opens with an empty POST, then sends the file in chunks at their offsets", async () => {
    const server = new FakeMediaServer();
    const progress: number[] = [];
    const f = file(2500, "report final.pdf", "application/pdf");
    const media = await upload(spec(f), opts(server, { onProgress: (sent) => progress.push(sent) }));
    expect(media.kind).toBe("file");
    const [post, ...patches] = server.calls;
    expect(post).toMatchObject({ method: "POST", path: "/v1/media", bytes: 0 });
    expect(post.headers).toMatchObject({ "upload-length": "2500", "content-type": "application/pdf", "x-parley-kind": "file", "x-parley-name": "report%20final.pdf" });
    expect(patches.map((c) => [c.method, c.headers["upload-offset"], c.bytes])).toEqual([["PATCH", "0", 1000], ["PATCH", "1000", 1000], ["PATCH", "2000", 500]]);
    expect(progress).toEqual([0, 1000, 2000, 2500]);
    expect(server.finished[0].bytes).toEqual(sequence(2500));
    expect(server.finished[0].upload.name).toBe("report final.pdf");
  });

  it("resumes from HEAD's offset after a PATCH lost half way, sending each byte once", async () => {
    const server = new FakeMediaServer();
    let patches = 0;
    server.fault = (c) => (c.method === "PATCH" && ++patches === 2 ? { drop: true, keep: 400 } : undefined);
    await upload(spec(file(2500)), opts(server));
    const after = server.calls.slice(server.calls.findIndex((c) => c.method === "HEAD"));
    expect(after.map((c) => [c.method, c.headers["upload-offset"]])).toEqual([["HEAD", undefined], ["PATCH", "1400"], ["PATCH", "2400"]]);
    expect(server.finished[0].bytes).toEqual(sequence(2500));
  });

  it("resumes after a server error, and from where the server stands after an offset mismatch", async () => {
    const server = new FakeMediaServer();
    let n = 0;
    server.fault = (c) => (c.method === "PATCH" && ++n === 1 ? { status: 503, body: { error: "unavailable" } } : undefined);
    await upload(spec(file(1500)), opts(server));
    expect(server.finished[0].bytes).toEqual(sequence(1500));

    const again = new FakeMediaServer();
    const f = file(1500);
    const p = upload(spec(f), opts(again, {
      onOpened: (id) => { again.uploads.get(id)!.bytes.push(...sequence(300)); },   // another try of ours got there first
    }));
    await p;
    expect(again.calls.filter((c) => c.method === "PATCH").map((c) => c.headers["upload-offset"])).toEqual(["0", "300", "1300"]);
    expect(again.finished[0].bytes).toEqual(sequence(1500));
  });

  it("continues an upload opened before a reload, or starts again when the server lost it", async () => {
    const server = new FakeMediaServer();
    const f = file(2000);
    let id = "";
    const first = new AbortController();
    server.hold = async (c) => { if (c.headers["upload-offset"] === "1000") first.abort(); };
    await failure(upload(spec(f), opts(server, { signal: first.signal, onOpened: (u) => { id = u; } })));
    // The abort DELETEd it; pretend it survived with its first 1000 bytes.
    server.uploads.set(id, { length: 2000, bytes: sequence(1000), type: "", kind: "file", name: "data.bin" });
    server.hold = undefined;
    server.calls.length = 0;
    await upload(spec(f), opts(server, { upload: id }));
    expect(server.calls.map((c) => [c.method, c.headers["upload-offset"]])).toEqual([["HEAD", undefined], ["PATCH", "1000"]]);

    server.calls.length = 0;
    await upload(spec(f), opts(server, { upload: "u1-gone" }));
    expect(server.calls.map((c) => c.method)).toEqual(["HEAD", "POST", "PATCH", "PATCH"]);
  });

  it("cancel aborts the PATCH in flight and DELETEs the upload", async () => {
    const server = new FakeMediaServer();
    const controller = new AbortController();
    let opened = "";
    server.hold = (c) => new Promise((resolve) => { if (c.headers["upload-offset"] === "0") resolve(); else controller.abort(); });
    const e = await failure(upload(spec(file(3000)), opts(server, { signal: controller.signal, onOpened: (id) => { opened = id; } })));
    expect(e.code).toBe("cancelled");
    expect(server.calls.at(-1)).toMatchObject({ method: "DELETE", path: `/v1/media/uploads/${opened}` });
    expect(server.uploads.size).toBe(0);
  });

  it("gives up after the retries when the server stays unreachable, as a retryable failure", async () => {
    const server = new FakeMediaServer();
    server.fault = () => ({ drop: true });
    const waits: number[] = [];
    const e = await failure(upload(spec(file(10)), opts(server, { sleep: async (ms) => { waits.push(ms); } })));
    expect(e.code).toBe("network");
    expect(e.retryable).toBe(true);
    expect(waits).toEqual([500, 1000, 2000]);
  });

  it("turns refusals into sentences, never the server's text", async () => {
    const cases: [number, string, File, string, boolean][] = [
      [415, "unsupported_media", file(10, "x.pdf", "application/pdf"), "This file type can't be sent.", false],
      [415, "unsupported_media", file(10, "x.png", "image/png"), "This photo can't be sent: its format isn't supported.", false],
      [413, "too_large", file(10, "big.jpg", "image/jpeg"), "Photos can be at most 16 MB.", false],
      [413, "too_large", file(10, "big.mp4", "video/mp4"), "Videos can be at most 100 MB.", false],
      [429, "rate_limited", file(10), "Too many uploads right now. Try again in a moment.", true],
      [400, "invalid", file(10), "This file can't be sent.", false],
    ];
    for (const [status, code, f, words, retryable] of cases) {
      const server = new FakeMediaServer();
      server.fault = (c) => (c.method === "POST" ? { status, body: { error: code, message: "raw server text" } } : undefined);
      const e = await failure(upload(spec(f), opts(server)));
      expect([e.message, e.retryable]).toEqual([words, retryable]);
    }
    const server = new FakeMediaServer();
    server.fault = (c) => (c.method === "PATCH" ? { status: 415, body: { error: "unsupported_media", message: "bytes are a PDF" } } : undefined);
    expect((await failure(upload(spec(file(10, "a.jpg", "image/jpeg")), opts(server)))).message).toBe("This photo can't be sent: its format isn't supported.");
    expect((await failure(upload(spec(file(0)), opts(server)))).message).toBe("Empty files can't be sent.");
  });

  it("sends what the server processes as its kind, and anything else as a file", () => {
    expect(["image/jpeg", "image/png", "image/svg+xml", "video/mp4", "video/x-msvideo", "audio/ogg; codecs=opus", "audio/wav", ""].map(kindOf))
      .toEqual(["image", "image", "file", "video", "file", "voice", "file", "file"]);
    expect(safeName("a/b\\c\u0001.txt")).toBe("a_b_c_.txt");
    expect(new TextEncoder().encode(safeName("é".repeat(200))).length).toBeLessThanOrEqual(255);
  });
});
