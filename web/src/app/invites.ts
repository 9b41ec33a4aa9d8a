// The group invites waiting for my answer, by code. They come from GET /v1/invites (read after
// each `hello`, since invite frames are live only) and from live `invite` frames; a list read
// before a live frame arrived does not undo that frame.

import type { InviteSummary } from "./api";
import type { InviteFrame } from "../protocol/frames";

export interface Invite { chat: number; name: string; from: number; code: string; expiresAt: number }

export class Invites {
  private readonly byCode = new Map<string, Invite>();
  private readonly arrived = new Map<string, number>();   // code -> the read in progress when its frame came
  private readonly answered = new Set<string>();          // accepted or declined while this page was open
  private reads = 0;
  private newestRead = 0;

  /** The pending, unexpired invites, newest first. */
  list(now = Date.now()): Invite[] {
    return [...this.byCode.values()].filter((i) => i.expiresAt > now).sort((a, b) => b.expiresAt - a.expiresAt);
  }

  has(code: string): boolean { return this.byCode.has(code); }

  /** A read of the list starts: pass the returned number to `loaded` with its answer. */
  beginRead(): number { return ++this.reads; }

  /** The list as read replaces ours, except for what live frames said since the read began. */
  loaded(read: number, list: InviteSummary[]): void {
    if (read < this.newestRead) return;   // an older read answered late
    this.newestRead = read;
    for (const [code, at] of this.arrived) if (at < read) this.arrived.delete(code);
    for (const code of [...this.byCode.keys()]) if (!this.arrived.has(code)) this.byCode.delete(code);
    for (const i of list) {
      if (this.answered.has(i.code) || this.arrived.has(i.code)) continue;
      this.byCode.set(i.code, { chat: i.chat, name: i.name, from: i.from, code: i.code, expiresAt: i.expires_at });
    }
  }

  /** Reads the list with `read` (GET /v1/invites); false if it could not be read. */
  async load(read: () => Promise<InviteSummary[]>): Promise<boolean> {
    const n = this.beginRead();
    try {
      this.loaded(n, await read());
      return true;
    } catch {
      return false;   // offline or signed out: the next hello reads again
    }
  }

  /** A live `invite` frame; true if the list changed. */
  onFrame(f: InviteFrame): boolean {
    this.arrived.set(f.code, this.reads);
    if (f.state !== "pending") return this.remove(f.code);
    if (this.answered.has(f.code)) return false;
    this.byCode.set(f.code, { chat: f.chat, name: f.name ?? "", from: f.from ?? 0, code: f.code, expiresAt: f.expires_at ?? 0 });
    return true;
  }

  /** The invite was answered (here or on another device); true if it was listed. */
  remove(code: string): boolean {
    this.answered.add(code);
    return this.byCode.delete(code);
  }

  /** Forgets expired invites; true if there were any. */
  expire(now = Date.now()): boolean {
    let any = false;
    for (const [code, i] of this.byCode) if (i.expiresAt <= now) { this.byCode.delete(code); any = true; }
    return any;
  }
}
