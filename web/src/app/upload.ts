// One resumable upload (docs/protocol.md §7, Media): `POST /v1/media` with an empty body opens
// it, `PATCH`es send the bytes in chunks at `Upload-Offset`, and a lost or failed PATCH resumes
// from the offset `HEAD` reports. Pure logic over an injected fetch: the tests play the server.

import type { MediaKind, MediaObject } from "../protocol/frames";
import { retryAfterMs, waitInWords } from "./error_text";

/** An HTTP request with the device's token (`Api.authorized`), or a fake. */
export type HttpFetch = (path: string, init?: RequestInit) => Promise<Response>;

export interface UploadSpec { blob: Blob; name: string; type: string; kind: MediaKind }

export interface UploadOptions {
  fetch: HttpFetch;
  chunkBytes?: number;                          // bytes per PATCH (1 MiB)
  signal?: AbortSignal;                         // aborts, and the upload is DELETEd
  upload?: string;                              // resume this upload (its id from an earlier try)
  onOpened?: (upload: string) => void;          // the upload's id, kept for a resume after a reload
  onProgress?: (sent: number, total: number) => void;
  retries?: number;                             // tries after a lost or 5xx PATCH before giving up (3)
  sleep?: (ms: number) => Promise<void>;        // the wait between those tries (500 ms, doubling)
}

/** Why an upload did not finish: a sentence for the user, and whether trying again may help. */
export class UploadError extends Error {
  constructor(readonly code: string, message: string, readonly retryable: boolean) { super(message); }
}

export const CHUNK_BYTES = 1 << 20;

const IMAGE = /^image\/(jpeg|png|webp|gif|heic|heif)$/;
const VIDEO = /^video\/(mp4|quicktime|webm|3gpp|x-matroska)$/;
const VOICE = /^audio\/(ogg|opus|webm|aac|mp4|mpeg|x-m4a)$/;

/** The kind a file is sent as: the types the server processes, anything else as a file. */
export function kindOf(type: string): MediaKind {
  const t = type.toLowerCase().split(";")[0].trim();
  if (IMAGE.test(t)) return "image";
  if (VIDEO.test(t)) return "video";
  if (VOICE.test(t)) return "voice";
  return "file";
}

/** A name the server takes: no `/`, `\` or control characters, at most 255 bytes of UTF-8. */
export function safeName(name: string): string {
  // eslint-disable-next-line no-control-regex
  let n = name.replace(/[/\\\u0000-\u001f\u007f]/g, "_").trim() || "file";
  while (new TextEncoder().encode(n).length > 255) n = [...n].slice(0, -1).join("");
  return n;
}

const LIMIT: Record<MediaKind, string> = {
  image: "Photos can be at most 16 MB.",
  video: "Videos can be at most 100 MB.",
  voice: "Voice messages can be at most 100 MB.",
  file: "Files can be at most 100 MB.",
};

/** The error for an HTTP answer that is not a success, in words for the user (the server's message only for its wait). */
export function refusal(status: number, code: string | undefined, kind: MediaKind, serverMessage?: string): UploadError {
  if (status === 413 || code === "too_large") return new UploadError("too_large", LIMIT[kind], false);
  if (status === 415 || code === "unsupported_media")
    return new UploadError("unsupported_media", kind === "image" ? "This photo can't be sent: its format isn't supported." : "This file type can't be sent.", false);
  if (status === 429) {
    const wait = retryAfterMs({ code: "rate_limited", message: serverMessage });
    return new UploadError("rate_limited", wait ? `Too many uploads. Try again in ${waitInWords(wait)}.` : "Too many uploads right now. Try again in a moment.", true);
  }
  if (status === 401) return new UploadError("unauthorized", "You are signed out. Sign in again to send files.", false);
  if (status >= 500) return new UploadError("server", "The server could not take the file. Try again.", true);
  return new UploadError("refused", "This file can't be sent.", false);
}

const OFFLINE = () => new UploadError("network", "Not sent: the server can't be reached. Retry when you are back online.", true);
const CANCELLED = () => new UploadError("cancelled", "Cancelled.", false);

async function body(res: Response): Promise<Record<string, unknown>> {
  try {
    const v = await res.json();
    return typeof v === "object" && v ? v as Record<string, unknown> : {};
  } catch {
    return {};
  }
}

const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Uploads `spec`; resolves with the media object, or rejects with an `UploadError`. */
export async function upload(spec: UploadSpec, opt: UploadOptions): Promise<MediaObject> {
  const f = opt.fetch;
  const total = spec.blob.size;
  const chunk = opt.chunkBytes ?? CHUNK_BYTES;
  const retries = opt.retries ?? 3;
  const sleep = opt.sleep ?? pause;
  const signal = opt.signal;
  if (total === 0) throw new UploadError("empty", "Empty files can't be sent.", false);
  let id = opt.upload;
  let offset = 0;
  let failures = 0;
  let restarted = false;

  const aborted = () => signal?.aborted === true;
  const cancel = () => {
    if (id) void f(`/v1/media/uploads/${id}`, { method: "DELETE" }).catch(() => undefined);
    return CANCELLED();
  };
  /** Sends a request; a network failure is counted and answers undefined (after the wait). */
  const attempt = async (path: string, init: RequestInit): Promise<Response | undefined> => {
    try {
      return await f(path, { ...init, signal });
    } catch {
      if (aborted()) throw cancel();
      if (++failures > retries) throw OFFLINE();
      await sleep(500 * 2 ** (failures - 1));
      if (aborted()) throw cancel();
      return undefined;
    }
  };
  /** Where the upload stands (HEAD), or null when it is gone (expired, node restarted). */
  const where = async (): Promise<number | null> => {
    for (;;) {
      const res = await attempt(`/v1/media/uploads/${id}`, { method: "HEAD" });
      if (!res) continue;
      if (res.status === 404) return null;
      if (!res.ok) throw refusal(res.status, undefined, spec.kind);
      return Number(res.headers.get("Upload-Offset") ?? 0);
    }
  };
  /** Opens a new upload: its id, or the media when the server finished it at once. */
  const open = async (): Promise<MediaObject | undefined> => {
    for (;;) {
      const res = await attempt("/v1/media", {
        method: "POST",
        headers: {
          "Upload-Length": String(total), "Content-Type": spec.type || "application/octet-stream",
          "X-Parley-Kind": spec.kind, "X-Parley-Name": encodeURIComponent(safeName(spec.name)),
        },
      });
      if (!res) continue;
      const b = await body(res);
      if (!res.ok) throw refusal(res.status, b.error as string | undefined, spec.kind, b.message as string | undefined);
      if (b.media) return b.media as MediaObject;
      id = String(b.upload);
      offset = Number(b.offset ?? 0);
      opt.onOpened?.(id);
      return undefined;
    }
  };

  /** The upload is gone (expired, its node restarted): opens a new one, once. */
  const restart = async (): Promise<MediaObject | undefined> => {
    if (restarted) throw refusal(500, undefined, spec.kind);
    restarted = true;
    id = undefined;
    return open();
  };

  if (aborted()) throw cancel();
  if (id) {
    const at = await where();
    if (at === null) id = undefined;
    else offset = at;
  }
  if (!id) {
    const done = await open();
    if (done) return done;
  }
  opt.onProgress?.(offset, total);
  for (;;) {
    if (aborted()) throw cancel();
    const end = Math.min(total, offset + chunk);
    const res = await attempt(`/v1/media/uploads/${id}`, {
      method: "PATCH", headers: { "Upload-Offset": String(offset) }, body: spec.blob.slice(offset, end),
    });
    if (!res) {                                          // lost on the way: how much arrived?
      const at = await where();
      const done = at === null ? await restart() : undefined;
      if (done) return done;
      if (at !== null) offset = at;
      continue;
    }
    const b = await body(res);
    if (res.ok) {
      if (b.media) {
        opt.onProgress?.(total, total);
        return b.media as MediaObject;
      }
      offset = Number(b.offset ?? end);
      failures = 0;
      opt.onProgress?.(offset, total);
    } else if (res.status === 409 && typeof b.offset === "number") {
      offset = b.offset;                                 // resend from where the server stands
      if (++failures > retries) throw refusal(500, undefined, spec.kind);
    } else if (res.status === 404) {
      const done = await restart();
      if (done) return done;
    } else if (res.status >= 500) {
      if (++failures > retries) throw refusal(res.status, undefined, spec.kind);
      await sleep(500 * 2 ** (failures - 1));
      const at = await where();
      const done = at === null ? await restart() : undefined;
      if (done) return done;
      if (at !== null) offset = at;
    } else {
      throw refusal(res.status, b.error as string | undefined, spec.kind, b.message as string | undefined);
    }
  }
}
