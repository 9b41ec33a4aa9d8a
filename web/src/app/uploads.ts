// The photos, videos, voice notes and files being sent: each is uploaded (upload.ts, two at a
// time), then its `send` goes through the client's outbox like a text. Each is kept with its
// bytes (an `UploadStore`, IndexedDB in the app) until the send is acknowledged, so one that
// failed, or was cut by a reload, can be retried. Data and requests only: `changed` tells.

import type { ParleyClient } from "../protocol/client";
import type { MediaObject } from "../protocol/frames";
import type { OutgoingMedia } from "./model";
import { kindOf, upload, UploadError, type HttpFetch, type UploadOptions } from "./upload";

/** Where outgoing media live between page loads. */
export interface UploadStore {
  load(): Promise<OutgoingMedia[]>;
  put(item: OutgoingMedia): Promise<void>;
  remove(id: string): Promise<void>;
}

export class MemoryUploadStore implements UploadStore {
  readonly items = new Map<string, OutgoingMedia>();
  async load() { return [...this.items.values()]; }
  async put(item: OutgoingMedia) { this.items.set(item.id, { ...item }); }
  async remove(id: string) { this.items.delete(id); }
}

export type Target = { chat: number } | { to: number };

export interface UploadQueueParts {
  fetch: HttpFetch;
  client: ParleyClient;
  store: UploadStore;
  changed: () => void;
  /** The bytes of what was just uploaded, for the media cache (the sender need not download them). */
  uploaded?: (media: MediaObject, blob: Blob) => void;
  concurrency?: number;                                   // uploads at once (2)
  options?: Partial<UploadOptions>;                       // chunk size, retries (tests)
}

export class UploadQueue {
  readonly items = new Map<string, OutgoingMedia>();
  private readonly running = new Map<string, AbortController>();
  private waiting: string[] = [];
  private order = 0;

  constructor(private readonly parts: UploadQueueParts) {}

  /**
   * Takes what an earlier page left (call after the client loaded its outbox): an upload a
   * reload cut short waits for Retry; an uploaded one whose send is not pending is sent again
   * with its id (a send the server has already committed is answered as a duplicate).
   */
  async load(): Promise<void> {
    const pending = new Set(this.parts.client.unanswered.map((p) => p.id));
    for (const item of await this.parts.store.load()) {
      this.order = Math.max(this.order, item.order + 1);
      if (item.state === "uploading") Object.assign(item, { state: "failed", error: "The upload was interrupted.", retryable: true });
      this.items.set(item.id, item);
      if (item.state === "sending" && !pending.has(item.id)) this.send(item);
    }
    this.parts.changed();
  }

  /** Queues files for `target`; the caption goes with the first. Returns their message ids. */
  add(target: Target, files: File[], caption = ""): string[] {
    const ids: string[] = [];
    files.forEach((file, i) => {
      const order = Math.max(this.order, Date.now());
      this.order = order + 1;
      const item: OutgoingMedia = {
        id: this.parts.client.newId(), ...target, blob: file, name: file.name || "file", type: file.type,
        kind: kindOf(file.type), caption: i === 0 ? caption : "", order, state: "uploading",
      };
      this.items.set(item.id, item);
      void this.parts.store.put(item);
      this.waiting.push(item.id);
      ids.push(item.id);
    });
    this.pump();
    this.parts.changed();
    return ids;
  }

  /** Outgoing media of one chat (`directChat`: the chat a `to` item went to, once known), oldest first. */
  outgoing(target: { chat?: number; to?: number }, directChat: (to: number) => number | undefined): OutgoingMedia[] {
    return [...this.items.values()].filter((m) => target.chat !== undefined
      ? m.chat === target.chat || (m.to !== undefined && directChat(m.to) === target.chat)
      : m.to === target.to).sort((a, b) => a.order - b.order);
  }

  /** Stops an upload (the server drops its bytes) or forgets a failed one. */
  cancel(id: string): void {
    const item = this.items.get(id);
    if (!item || item.state === "sending") return;
    this.running.get(id)?.abort();
    this.waiting = this.waiting.filter((w) => w !== id);
    if (!this.running.has(id) && item.upload)
      void this.parts.fetch(`/v1/media/uploads/${item.upload}`, { method: "DELETE" }).catch(() => undefined);
    this.forget(id);
  }

  /** Tries a failed one again: the upload from where it stands, or its send. */
  retry(id: string): void {
    const item = this.items.get(id);
    if (!item || item.state !== "failed") return;
    item.error = undefined;
    if (item.media) {
      // The server refused the send itself: a new message id, since that one is spent.
      this.forget(id);
      const again = { ...item, id: this.parts.client.newId() };
      this.items.set(again.id, again);
      this.send(again);
    } else {
      item.state = "uploading";
      void this.parts.store.put(item);
      this.waiting.push(id);
      this.pump();
    }
    this.parts.changed();
  }

  /** The send `id` was acknowledged: returns its media and forgets it. */
  acked(id: string): MediaObject | undefined {
    const item = this.items.get(id);
    if (!item) return undefined;
    this.forget(id);
    return item.media;
  }

  /** The server refused the send `id` (not a member any more, say): it stays, failed. */
  refused(id: string, why: string): boolean {
    const item = this.items.get(id);
    if (!item) return false;
    Object.assign(item, { state: "failed", error: why, retryable: false });
    void this.parts.store.put(item);
    this.parts.changed();
    return true;
  }

  private forget(id: string): void {
    this.items.delete(id);
    void this.parts.store.remove(id);
    this.parts.changed();
  }

  private pump(): void {
    while (this.running.size < (this.parts.concurrency ?? 2) && this.waiting.length) {
      const id = this.waiting.shift()!;
      const item = this.items.get(id);
      if (item) void this.run(item);
    }
  }

  private async run(item: OutgoingMedia): Promise<void> {
    const controller = new AbortController();
    this.running.set(item.id, controller);
    item.sent = 0;
    try {
      const media = await upload({ blob: item.blob, name: item.name, type: item.type, kind: item.kind }, {
        ...this.parts.options,
        fetch: this.parts.fetch, signal: controller.signal, upload: item.upload,
        onOpened: (u) => { item.upload = u; void this.parts.store.put(item); },
        onProgress: (sent) => { item.sent = sent; this.parts.changed(); },
      });
      if (!this.items.has(item.id)) return;
      item.media = media;
      item.upload = undefined;
      this.parts.uploaded?.(media, item.blob);
      this.send(item);
    } catch (e) {
      if (!this.items.has(item.id) || (e instanceof UploadError && e.code === "cancelled")) return;
      const err = e instanceof UploadError ? e : new UploadError("internal", "This file can't be sent.", true);
      Object.assign(item, { state: "failed", error: err.message, retryable: err.retryable });
      void this.parts.store.put(item);
      this.parts.changed();
    } finally {
      this.running.delete(item.id);
      this.pump();
    }
  }

  private send(item: OutgoingMedia): void {
    const media = item.media!;
    item.state = "sending";
    void this.parts.store.put(item);
    const target = item.chat !== undefined ? { chat: item.chat } : { to: item.to! };
    this.parts.client.sendMedia(target, { id: media.id, name: item.name }, item.caption, item.id);
    this.parts.changed();
  }
}
