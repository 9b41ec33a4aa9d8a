// "Message info": who got and who read one of my messages, and when. Asks the server
// (`receipts`, answered on the query thread) when opened and every 5 s while open, since a
// group's per-member receipts are not pushed. Data only: the dialog is ui/MessageInfo.tsx.

import type { ParleyClient } from "../protocol/client";
import type { ReceiptsFrame } from "../protocol/frames";

/** One member the message reached: when it was delivered to them and when they read it (ms), where known. */
export interface Reached { user: number; delivered?: number; read?: number }

/** The answer for the message shown: read (newest first), delivered only, and those still waiting. */
export interface Info { chat: number; seq: number; read: Reached[]; delivered: Reached[]; pending: number[] }

const REFRESH_MS = 5000;

/** The lists of a `receipts` answer with their times, the most recent first (unknown times last). */
export function infoOf(f: ReceiptsFrame): Info {
  const times = new Map((f.times ?? []).map((t) => [t.user, t]));
  const reached = (user: number): Reached => ({ user, delivered: times.get(user)?.delivered, read: times.get(user)?.read });
  const newest = (key: "delivered" | "read") => (a: Reached, b: Reached) => (b[key] ?? 0) - (a[key] ?? 0) || a.user - b.user;
  return {
    chat: f.chat, seq: f.seq,
    read: f.read.map(reached).sort(newest("read")),
    delivered: f.delivered.map(reached).sort(newest("delivered")),
    pending: [...f.pending],
  };
}

export class MessageInfo {
  info: Info | null = null;              // the last answer for the message shown
  private shown: { chat: number; seq: number } | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly client: ParleyClient, private readonly changed: () => void) {}

  /** Shows message `seq` of `chat`: asks now and every few seconds until `close`. */
  open(chat: number, seq: number): void {
    this.close();
    this.shown = { chat, seq };
    this.client.receipts(chat, seq);
    this.timer = setInterval(() => { if (this.shown) this.client.receipts(this.shown.chat, this.shown.seq); }, REFRESH_MS);
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.shown = null;
    this.info = null;
  }

  /** A `receipts` answer: kept if it is about the message shown. */
  onReply(f: ReceiptsFrame): void {
    if (!this.shown || f.chat !== this.shown.chat || f.seq !== this.shown.seq) return;
    this.info = infoOf(f);
    this.changed();
  }
}
