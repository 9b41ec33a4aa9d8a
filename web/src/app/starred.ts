// The messages I starred (GET /v1/starred), newest star first: read when the list is shown,
// and kept up to date by my `marked` updates (a star from any of my devices) and `changed` ones.

import type { Api } from "./api";
import type { ChangedFrame, MarkedFrame } from "../protocol/frames";
import { messageOf, type Message } from "./model";

export class StarredList {
  messages: Message[] = [];
  loaded = false;
  loading = false;
  error = "";
  private next: number | undefined;
  private generation = 0;

  constructor(private readonly api: Pick<Api, "starred">, private readonly changed: () => void) {}

  get hasMore(): boolean { return this.next !== undefined; }

  /** Reads the list from the start. */
  async load(): Promise<void> { await this.read(0); }

  async more(): Promise<void> { if (this.next !== undefined && !this.loading) await this.read(this.next); }

  onMarked(f: MarkedFrame): void {
    if (!f.starred || f.hidden) this.remove(f.chat, f.seq);
    else if (this.loaded) void this.load();   // the new star goes first: read the list again
  }

  onChanged(f: ChangedFrame): void {
    const i = this.messages.findIndex((m) => m.chat === f.chat && m.seq === f.seq);
    if (i < 0) return;
    if (f.expired || f.deleted) return this.remove(f.chat, f.seq);
    this.messages[i] = { ...messageOf(f), starred: true };
    this.changed();
  }

  private remove(chat: number, seq: number): void {
    const before = this.messages.length;
    this.messages = this.messages.filter((m) => m.chat !== chat || m.seq !== seq);
    if (this.messages.length !== before) this.changed();
  }

  private async read(offset: number): Promise<void> {
    const gen = ++this.generation;
    this.loading = true;
    this.error = "";
    this.changed();
    try {
      const page = await this.api.starred(offset);
      if (gen !== this.generation) return;
      const got = page.messages.map((m) => messageOf(m));
      this.messages = offset ? [...this.messages, ...got] : got;
      this.next = page.next_offset;
      this.loaded = true;
    } catch (e) {
      if (gen !== this.generation) return;
      this.error = e instanceof Error && e.message ? `Could not read the starred messages: ${e.message}` : "Could not read the starred messages.";
    }
    this.loading = false;
    this.changed();
  }
}
