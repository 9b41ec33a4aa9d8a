// What a member does to a message already sent: forward it, edit it, delete it for me or for
// everyone, react to it, star it; who may do which and until when; and what the server's
// `changed` and `marked` updates do to the loaded messages, the chat list and quoted copies.
// Replies go with the send (actions.ts). Nothing is changed on screen before the server says
// so: each action comes back to this device as a `changed` or `marked` update, in order.
// A message that expired because a temporary chat's server copy went once every device had it
// stays in view on this page (the server no longer has it: a reload loses it) until its own
// timer, if any, runs out; one whose disappearing timer ran out leaves the view at once.

import type { ParleyClient } from "../protocol/client";
import type { ChangedFrame, MarkedFrame } from "../protocol/frames";
import type { ChatStore } from "./chats";
import type { MessageStore } from "./messages";
import { messageOf, type Chat, type Message } from "./model";
import type { Quotes } from "./quotes";

/** The reactions the picker offers. */
export const REACTIONS = ["👍", "❤️", "😂", "😮", "😢", "🙏"] as const;
/** The server's defaults (messages.edit_window_min, messages.delete_window_h). */
export const EDIT_WINDOW_MS = 15 * 60_000;
export const DELETE_WINDOW_MS = 48 * 3_600_000;
/** Offered only while there is this much time left, so a click just before the end is not refused. */
const MARGIN_MS = 5_000;
/** "Forwarded many times" from this many hops on. */
export const FORWARDED_MANY = 5;

export interface MessageActionParts {
  me: number;
  client: ParleyClient;
  chats: ChatStore;
  messages: MessageStore;
  quotes: Quotes;
  now: () => number;          // the server's clock, as well as this page knows it
  changed: () => void;
}

const key = (chat: number, seq: number) => `${chat}:${seq}`;

export class MessageActions {
  // A room's reactions are counts only: my own is remembered here, from what this page sent.
  private readonly roomReactions = new Map<string, string>();
  // Temporary chats' messages the server has dropped, kept on this page: key -> the message.
  private readonly kept = new Map<string, Message>();

  constructor(private readonly p: MessageActionParts) {}

  // ------------------------------------------------------------ who may do what

  /** An ordinary message (not a system one, not deleted): it can be replied to, forwarded, starred, reacted to. */
  actionable(m: Message): boolean { return !m.system && !m.deleted; }

  canReply(chat: Chat, m: Message): boolean { return this.actionable(m) && this.p.chats.canPost(chat); }

  /** My own message, within 15 minutes of sending it. */
  canEdit(m: Message): boolean {
    return this.actionable(m) && m.from === this.p.me && this.p.now() - m.ts < EDIT_WINDOW_MS - MARGIN_MS;
  }

  /** My own message within 48 hours; in a group or room, an admin's any message. */
  canDeleteForEveryone(chat: Chat, m: Message): boolean {
    if (!this.actionable(m)) return false;
    if (chat.kind !== "direct" && chat.info?.role === "admin") return true;
    return m.from === this.p.me && this.p.now() - m.ts < DELETE_WINDOW_MS - MARGIN_MS;
  }

  /** My reaction to a message ("" for none). */
  myReaction(chat: Chat, m: Message): string {
    if (chat.kind === "room") {
      const mine = this.roomReactions.get(key(m.chat, m.seq)) ?? "";
      return m.reactions?.some((r) => r.emoji === mine) ? mine : "";
    }
    return m.reactions?.find((r) => r.users?.includes(this.p.me))?.emoji ?? "";
  }

  // ------------------------------------------------------------ requests

  /** Reacts with `emoji`; the one I already gave is taken back instead. */
  react(chat: Chat, m: Message, emoji: string): void {
    const next = this.myReaction(chat, m) === emoji ? "" : emoji;
    if (chat.kind === "room") this.roomReactions.set(key(m.chat, m.seq), next);
    this.p.client.react(m.chat, m.seq, next);
  }

  /** Sends `text` as the message's new text; false when there is nothing to change. */
  edit(m: Message, text: string): boolean {
    const body = text.trim() ? text.replace(/\s+$/, "") : "";
    if ((!body && !m.media) || body === m.text) return false;
    this.p.client.edit(m.chat, m.seq, body);
    return true;
  }

  remove(m: Message, scope: "me" | "everyone"): void { this.p.client.deleteMessage(m.chat, m.seq, scope); }

  star(m: Message, starred: boolean): void { this.p.client.star(m.chat, m.seq, starred); }

  /** Forwards a message to each chat named. */
  forward(m: Message, chats: number[]): void {
    for (const chat of chats) this.p.client.forward({ chat }, { chat: m.chat, seq: m.seq });
  }

  // ------------------------------------------------------------ updates from the server

  /** A message as it is now replaces every copy of it; an expired one leaves the view. */
  onChanged(f: ChangedFrame): void {
    if (f.expired) {
      const old = this.p.messages.find(f.chat, f.seq);
      if (old && this.p.chats.chats.get(f.chat)?.temporary && !this.timedOut(old)) {
        this.kept.set(key(f.chat, f.seq), old);
        return;
      }
    }
    const now = f.expired ? null : messageOf(f);
    const old = this.p.messages.find(f.chat, f.seq);
    if (now && old?.starred && f.starred === undefined) now.starred = true;   // `changed` does not carry my star
    this.apply(f.chat, f.seq, now);
  }

  /** I starred, unstarred or hid a message (on this device or another). */
  onMarked(f: MarkedFrame): void {
    if (f.hidden) return this.apply(f.chat, f.seq, null);
    const old = this.p.messages.find(f.chat, f.seq);
    if (old) this.apply(f.chat, f.seq, { ...old, starred: f.starred || undefined });
  }

  /** Once a second: kept messages whose own timer ran out leave the view. */
  expireKept(): void {
    for (const [k, m] of this.kept) {
      if (!this.timedOut(m)) continue;
      this.kept.delete(k);
      this.apply(m.chat, m.seq, null);
    }
  }

  private timedOut(m: Message): boolean { return !!m.expires_at && m.expires_at <= this.p.now(); }

  private apply(chat: number, seq: number, now: Message | null): void {
    if (!now) this.kept.delete(key(chat, seq));
    this.p.messages.replace(chat, seq, now);
    this.p.chats.applyChange(chat, seq, now);
    this.p.quotes.update(chat, seq, now);
    this.p.changed();
  }
}
