// The media routes of docs/protocol.md §7, played in memory for the upload tests: POST opens an
// upload, PATCH appends at Upload-Offset, HEAD tells the offset, DELETE cancels. `fault` can
// break the next request: drop the connection (after keeping part of a PATCH) or answer a status.
import type { MediaObject } from "../src/protocol/frames";

interface Upload { length: number; bytes: number[]; type: string; kind: string; name: string }
export interface Call { method: string; path: string; headers: Record<string, string>; bytes: number }
export type Fault = { drop: true; keep?: number } | { status: number; body?: Record<string, unknown> };

export class FakeMediaServer {
  readonly uploads = new Map<string, Upload>();
  readonly calls: Call[] = [];
  readonly finished: { bytes: number[]; upload: Upload }[] = [];
  /** Consulted before each request; a fault breaks that request. */
  fault: (call: Call) => Fault | undefined = () => undefined;
  /** Holds a PATCH until resolved (to cancel mid-way). */
  hold: ((call: Call) => Promise<void>) | undefined;
  private next = 0;

  media(upload: Upload): MediaObject {
    return { id: "ab".repeat(32), kind: upload.kind as MediaObject["kind"], mime: upload.type, size: upload.length, name: upload.name };
  }

  fetch = async (path: string, init: RequestInit = {}): Promise<Response> => {
    const method = init.method ?? "GET";
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    const body = init.body instanceof Blob ? [...new Uint8Array(await init.body.arrayBuffer())] : [];
    const call: Call = { method, path, headers, bytes: body.length };
    this.calls.push(call);
    if (init.signal?.aborted) throw new DOMException("aborted", "AbortError");
    if (this.hold && method === "PATCH") {
      const signal = init.signal;
      const aborted = new Promise((_, reject) => signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError"))));
      await Promise.race([aborted, this.hold(call)]);
      if (signal?.aborted) throw new DOMException("aborted", "AbortError");
    }
    const fault = this.fault(call);
    const json = (status: number, v: unknown) => new Response(JSON.stringify(v), { status, headers: { "Content-Type": "application/json" } });
    if (fault && "status" in fault) return json(fault.status, fault.body ?? { error: "x", message: "raw server text" });
    const id = path.match(/^\/v1\/media\/uploads\/(.+)$/)?.[1];
    const up = id ? this.uploads.get(id) : undefined;
    if (method === "POST" && path === "/v1/media") {
      if (fault?.drop) throw new TypeError("Failed to fetch");
      const u: Upload = { length: Number(headers["upload-length"]), bytes: [], type: headers["content-type"], kind: headers["x-parley-kind"], name: decodeURIComponent(headers["x-parley-name"] ?? "") };
      const uid = `u1-${++this.next}`;
      this.uploads.set(uid, u);
      return json(201, { upload: uid, offset: 0, length: u.length, expires_at: 0 });
    }
    if (!up) {
      if (fault?.drop) throw new TypeError("Failed to fetch");
      return json(404, { error: "not_found", message: "no such upload" });
    }
    if (method === "HEAD") {
      if (fault?.drop) throw new TypeError("Failed to fetch");
      return new Response(null, { status: 204, headers: { "Upload-Offset": String(up.bytes.length), "Upload-Length": String(up.length) } });
    }
    if (method === "DELETE") {
      this.uploads.delete(id!);
      return new Response(null, { status: 204 });
    }
    if (method === "PATCH") {
      const offset = Number(headers["upload-offset"]);
      if (offset !== up.bytes.length) return json(409, { error: "offset_mismatch", message: "offset", offset: up.bytes.length });
      if (fault?.drop) {
        up.bytes.push(...body.slice(0, fault.keep ?? 0));   // what arrived before the connection broke
        throw new TypeError("Failed to fetch");
      }
      if (up.bytes.length + body.length > up.length) return json(413, { error: "too_large", message: "past Upload-Length" });
      up.bytes.push(...body);
      if (up.bytes.length < up.length) return json(200, { upload: id, offset: up.bytes.length, length: up.length });
      this.uploads.delete(id!);
      this.finished.push({ bytes: up.bytes, upload: up });
      return json(200, { media: this.media(up) });
    }
    return json(404, { error: "not_found", message: "no such route" });
  };
}

/** `n` bytes 0, 1, 2, ... 255, 0, ... as a file. */
export function file(n: number, name = "data.bin", type = "application/octet-stream"): File {
  return new File([Uint8Array.from({ length: n }, (_, i) => i % 256)], name, { type });
}

export const sequence = (n: number) => Array.from({ length: n }, (_, i) => i % 256);
