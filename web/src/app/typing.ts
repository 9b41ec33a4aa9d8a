// Typing indicators both ways: who is typing in each chat (until their `typing_ms` runs out,
// they stop or their message arrives), and my own, sent at most every 3 s while I type.

import type { ParleyClient } from "../protocol/client";
import type { TypingFrame } from "../protocol/frames";
import type { Chat } from "./model";

const TYPING_RESEND_MS = 3000;

export class TypingStore {
  readonly typing = new Map<number, Map<number, number>>(); // chat -> user -> until (ms)
  typingMs = 6000;                                          // how long an indicator lasts (hello's typing_ms)
  private readonly sent = new Map<number, number>();        // chat -> when I last sent typing: true

  constructor(private readonly me: number, private readonly client: ParleyClient) {}

  /** Who is typing in a chat now (not me). */
  typists(chat: number): number[] {
    const now = Date.now();
    return [...(this.typing.get(chat) ?? new Map()).entries()].filter(([, until]) => until > now).map(([u]) => u);
  }

  /** A `typing` frame; false if it is my own (from another of my devices) and changes nothing. */
  onFrame(t: TypingFrame): boolean {
    if (t.user === this.me) return false;
    const m = this.typing.get(t.chat) ?? new Map<number, number>();
    if (t.typing) m.set(t.user, Date.now() + this.typingMs);
    else m.delete(t.user);
    this.typing.set(t.chat, m);
    return true;
  }

  /** The user's message arrived in the chat: their indicator ends. True if it was shown. */
  ended(chat: number, user: number): boolean {
    return this.typing.get(chat)?.delete(user) ?? false;
  }

  /** Drops the indicators that ran out; true if there were any. */
  expire(): boolean {
    const now = Date.now();
    let any = false;
    for (const m of this.typing.values())
      for (const [u, until] of m) if (until <= now) { m.delete(u); any = true; }
    return any;
  }

  /** I typed in a chat (not a room): tells its members, at most every 3 s. */
  typed(chat: Chat | undefined): void {
    if (!chat || chat.kind === "room") return;
    const now = Date.now();
    if (now - (this.sent.get(chat.chat) ?? 0) < TYPING_RESEND_MS) return;
    this.sent.set(chat.chat, now);
    this.client.setTyping(chat.chat, true);
  }

  /** I sent or left the box: my indicator ends, if it was on. */
  stop(chat: number): void {
    if (!this.sent.has(chat)) return;
    this.sent.delete(chat);
    this.client.setTyping(chat, false);
  }
}
