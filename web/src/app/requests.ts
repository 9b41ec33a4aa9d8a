// The requests in flight: what runs when each is answered (its `ack` or `done`, or an error its
// caller shows itself), the sends still waiting for their ack, and those the server refused.

import type { ParleyClient, Pending } from "../protocol/client";
import type { ErrorFrame } from "../protocol/frames";
import type { ChatStore } from "./chats";
import type { Outgoing } from "./model";
import { inviteAnswered } from "./words";

export class Requests {
  readonly failed = new Map<string, Outgoing>();                      // refused sends, by client id
  private readonly onDone = new Map<string, (chat: number) => void>();
  private readonly onRefused = new Map<string, (e: ErrorFrame) => void>();

  constructor(private readonly client: ParleyClient, private readonly chats: ChatStore) {}

  /**
   * Runs `done` with the chat when request `id` is acknowledged. With `refused`, an error for it
   * goes there instead of the app-wide notice.
   */
  whenAnswered(id: string, done: (chat: number) => void, refused?: (e: ErrorFrame) => void): void {
    this.onDone.set(id, done);
    if (refused) this.onRefused.set(id, refused);
  }

  /** Request `id` was acknowledged (`ack` or `done`) for `chat`. */
  answered(id: string, chat: number): void {
    const done = this.onDone.get(id);
    this.onRefused.delete(id);
    done?.(chat);
    this.onDone.delete(id);
  }

  /** Request `id` was refused: forgets it, and returns the handler its caller gave, if any. */
  refused(id: string | undefined): ((e: ErrorFrame) => void) | undefined {
    if (!id) return undefined;
    this.onDone.delete(id);
    const refused = this.onRefused.get(id);
    this.onRefused.delete(id);
    return refused;
  }

  /** Sends not yet acknowledged, and refused ones, for one chat (or a draft's peer). */
  outgoing(target: { chat?: number; to?: number }): Outgoing[] {
    const out: Outgoing[] = [];
    for (const p of this.client.unanswered as Pending[]) {
      const f = p.frame;
      if (f.type !== "send" || f.media) continue;   // media sends: UploadQueue.outgoing
      const chat = typeof f.chat === "number" ? f.chat : undefined;
      const to = typeof f.to === "number" ? f.to : undefined;
      const mine = target.chat !== undefined
        ? chat === target.chat || (to !== undefined && this.chats.directWith(to)?.chat === target.chat)
        : to === target.to;
      if (mine) out.push({ id: p.id, chat, to, text: f.forward ? "Forwarded message" : String(f.text ?? "") });
    }
    for (const f of this.failed.values())
      if ((target.chat !== undefined && f.chat === target.chat) || (target.to !== undefined && f.to === target.to)) out.push(f);
    return out;
  }

  /** An accept or decline of this invite is on its way (or waits for the connection). */
  answering(code: string): boolean {
    return this.client.unanswered.some((p) => inviteAnswered(p.frame) === code);
  }
}
