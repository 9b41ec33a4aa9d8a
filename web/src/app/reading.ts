// What I have read: the "N unread messages" line of the chat just opened, and marking a chat
// read without opening it. Opening a chat moves my read position to its end at once, so the
// position it had before is kept here (`mark`) for the chat view to draw the line at, and the
// history is loaded back to it (up to a bound), so the chat can open at its first unread message.

import { reveal } from "./jump";
import type { MessageStore } from "./messages";
import type { Chat, Message } from "./model";

/** History loaded back at most this far to reach the first unread message; past it, no line. */
export const UNREAD_LOAD_MAX = 1000;

/** Where the unread messages of a chat start (the seq of the first) and how many there are. */
export interface UnreadSpan { seq: number; count: number }

/**
 * The unread messages among `messages` (loaded, by seq) after read position `read` and up to
 * `upTo` (the chat's last message when it opened: what came since was read as it came): those
 * of others after the last of mine (mine say I had read what came before), system messages not
 * counted. Null when there are none, or when the first may not be loaded (`complete`: the chat
 * is loaded back to its first message).
 */
export function unreadSpan(messages: Message[], read: number, upTo: number, me: number, complete: boolean): UnreadSpan | null {
  if (!messages.length || (messages[0].seq > read + 1 && !complete)) return null;
  let after = read;
  for (const m of messages) if (m.seq > after && m.seq <= upTo && m.from === me && !m.system) after = m.seq;
  let seq = 0;
  let count = 0;
  for (const m of messages) {
    if (m.seq <= after || m.seq > upTo || m.system) continue;
    seq ||= m.seq;
    count++;
  }
  return count ? { seq, count } : null;
}

/** What reading needs of the app state around it. */
export interface ReadingHost {
  me: number;
  messages: MessageStore;
  loadEarlier(chat: number, limit: number): Promise<void>;
  markRead(chat: number, seq: number): void;   // tells the server (a `read` frame)
  changed(): void;
}

export class Reading {
  /** The chat opened last, if it had unread messages then: my read position before, and its last message then. */
  mark: { chat: number; read: number; upTo: number } | null = null;

  constructor(private readonly host: ReadingHost) {}

  /**
   * A chat opens (undefined: none does): call before it is marked read. Its read position is
   * kept if it has unread messages (opening it again keeps the line), and history loads back
   * to the first of them.
   */
  opened(chat: Chat | undefined): void {
    if (!chat) { this.mark = null; return; }
    if (this.mark?.chat === chat.chat) return;
    this.mark = chat.unread > 0 && chat.lastSeq > chat.read ? { chat: chat.chat, read: chat.read, upTo: chat.lastSeq } : null;
    if (!this.mark || chat.lastSeq - chat.read > UNREAD_LOAD_MAX) return;
    const { chat: id, read } = this.mark;
    void reveal(this.host.messages, (c, limit) => this.host.loadEarlier(c, limit), id, read + 1).then(() => this.host.changed());
  }

  /** The unread messages of the open chat to draw the line above, if any. */
  span(chat: number): UnreadSpan | null {
    if (this.mark?.chat !== chat) return null;
    const { read, upTo } = this.mark;
    return unreadSpan(this.host.messages.messages.get(chat) ?? [], read, upTo, this.host.me, this.host.messages.complete.has(chat));
  }

  /** Marks a chat read up to its last message, open or not (a shortcut, the chat list). */
  markRead(chat: Chat): void {
    const top = Math.max(chat.lastSeq, this.host.messages.newest(chat.chat));
    chat.unread = 0;
    if (top > chat.read) {
      chat.read = top;
      this.host.markRead(chat.chat, top);
    }
    this.host.changed();
  }
}
