// Downloaded media in memory, as `blob:` URLs (an <img> cannot send the token, so the bytes are
// fetched with it and shown from a blob). One download per object and variant however many
// bubbles show it; the least recently used are dropped past a byte budget, their URLs revoked,
// except those held by something on screen.

import type { HttpFetch } from "./upload";

export type Variant = "full" | "preview";

interface Entry {
  blob?: Blob;
  url?: string;
  loading?: Promise<Blob>;
  holds: number;
  used: number;
}

export interface UrlMaker {
  create(blob: Blob): string;
  revoke(url: string): void;
}

const BROWSER_URLS: UrlMaker = { create: (b) => URL.createObjectURL(b), revoke: (u) => URL.revokeObjectURL(u) };

export class MediaCache {
  private readonly entries = new Map<string, Entry>();
  private clock = 0;

  constructor(private readonly fetch: HttpFetch, private readonly maxBytes = 96 << 20, private readonly urls = BROWSER_URLS) {}

  /** The blob URL of an object already here, or undefined. */
  peek(id: string, variant: Variant): string | undefined {
    const e = this.entries.get(key(id, variant));
    if (!e?.blob) return undefined;
    e.used = ++this.clock;
    return (e.url ??= this.urls.create(e.blob));
  }

  /** The object's blob URL, downloaded once. Rejects on a failed download (nothing is kept). */
  async url(id: string, variant: Variant): Promise<string> {
    await this.blob(id, variant);
    return this.peek(id, variant)!;
  }

  /** The object's bytes (a file to save), downloaded once. */
  async blob(id: string, variant: Variant): Promise<Blob> {
    const k = key(id, variant);
    let e = this.entries.get(k);
    if (e?.blob) { e.used = ++this.clock; return e.blob; }
    if (!e) this.entries.set(k, e = { holds: 0, used: ++this.clock });
    const entry = e;
    entry.loading ??= this.download(id, variant).then((blob) => {
      entry.blob = blob;
      entry.loading = undefined;
      this.evict();
      return blob;
    }, (err) => {
      entry.loading = undefined;
      if (!entry.holds) this.entries.delete(k);
      throw err;
    });
    return entry.loading;
  }

  /** Media I sent: shown from its bytes without a download (a photo's preview is the original). */
  seedSent(m: { id: string; kind: string }, blob: Blob): void {
    if (m.kind !== "image") this.seed(m.id, "full", blob);
    else if (/^image\/(jpeg|png|webp|gif)$/.test(blob.type)) this.seed(m.id, "preview", blob);
  }

  /** Keeps bytes this client already has (what it just uploaded) as if downloaded. */
  seed(id: string, variant: Variant, blob: Blob): void {
    const k = key(id, variant);
    const e = this.entries.get(k) ?? { holds: 0, used: 0 };
    if (e.blob) return;
    e.blob = blob;
    e.used = ++this.clock;
    this.entries.set(k, e);
    this.evict();
  }

  /** Pins an object while it is shown (its URL stays valid); call the answer to let go. */
  hold(id: string, variant: Variant): () => void {
    const k = key(id, variant);
    const e = this.entries.get(k) ?? { holds: 0, used: ++this.clock };
    this.entries.set(k, e);
    e.holds++;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      e.holds--;
      if (!e.blob && !e.loading && !e.holds) this.entries.delete(k);
      this.evict();
    };
  }

  /** Bytes kept now. */
  get bytes(): number {
    let n = 0;
    for (const e of this.entries.values()) n += e.blob?.size ?? 0;
    return n;
  }

  /** Drops everything (sign-out). */
  clear(): void {
    for (const e of this.entries.values()) if (e.url) this.urls.revoke(e.url);
    this.entries.clear();
  }

  private async download(id: string, variant: Variant): Promise<Blob> {
    const res = await this.fetch(`/v1/media/${id}${variant === "preview" ? "/preview" : ""}`);
    if (!res.ok) throw new Error(res.status === 404 ? "This media is no longer available." : `Download failed (${res.status}).`);
    return res.blob();
  }

  private evict(): void {
    let total = this.bytes;
    if (total <= this.maxBytes) return;
    const idle = [...this.entries].filter(([, e]) => e.blob && !e.holds).sort((a, b) => a[1].used - b[1].used);
    for (const [k, e] of idle) {
      if (total <= this.maxBytes) break;
      total -= e.blob!.size;
      if (e.url) this.urls.revoke(e.url);
      this.entries.delete(k);
    }
  }
}

const key = (id: string, variant: Variant) => `${id}/${variant}`;
