// Each opened chat's loaded messages, in seq order without duplicates, and its history pages:
// which chats are loaded back to their first message, which have a page on its way. A message
// changed (edited, deleted, reacted to) replaces its copy; one gone (expired, hidden) leaves.

import type { MsgFrame } from "../protocol/frames";
import { messageOf, type Message } from "./model";

/** Messages per history page. */
export const PAGE = 50;

export class MessageStore {
  readonly messages = new Map<number, Message[]>();    // chat -> loaded messages, by seq
  readonly complete = new Set<number>();                 // chats whose oldest message is loaded
  private readonly loading = new Set<number>();          // chats with a history page on its way
  // Changes that came while a page was on its way (the page may hold the older copy): seq -> now (null: gone).
  private readonly early = new Map<number, Map<number, Message | null>>();

  /**
   * Whether new messages of this chat are kept: it is loaded, or its first page is on its way
   * (a message committed after the server read that page would otherwise be missing).
   */
  keeps(chat: number): boolean {
    return this.messages.has(chat) || this.loading.has(chat);
  }

  insert(msg: Message): void {
    const list = this.messages.get(msg.chat) ?? [];
    const i = this.place(list, msg.seq);
    if (i > 0 && list[i - 1].seq === msg.seq) {
      // Again (an ack's copy, then its `msg` with what the server added: media, expiry): the
      // newer copy's fields win, the older's stay where the newer has none.
      list[i - 1] = { ...list[i - 1], ...msg };
      return;
    }
    list.splice(i, 0, msg);
    this.messages.set(msg.chat, list);
  }

  /** The loaded copy of a message, if any. */
  find(chat: number, seq: number): Message | undefined {
    const list = this.messages.get(chat);
    if (!list) return undefined;
    const i = this.place(list, seq);
    return i > 0 && list[i - 1].seq === seq ? list[i - 1] : undefined;
  }

  /** The message as it is now replaces its loaded copy (`null`: it is gone). False if not loaded. */
  replace(chat: number, seq: number, now: Message | null): boolean {
    if (this.loading.has(chat)) {
      const early = this.early.get(chat) ?? new Map<number, Message | null>();
      early.set(seq, now);
      this.early.set(chat, early);
    }
    const list = this.messages.get(chat);
    if (!list) return false;
    const i = this.place(list, seq);
    if (i === 0 || list[i - 1].seq !== seq) return false;
    if (now) list[i - 1] = now;
    else list.splice(i - 1, 1);
    return true;
  }

  /** The seq of the newest loaded message, 0 if none. */
  newest(chat: number): number {
    const loaded = this.messages.get(chat);
    return loaded?.length ? loaded[loaded.length - 1].seq : 0;
  }

  /**
   * Starts a page before the oldest loaded message: returns the seq to read before (0: the
   * newest page), or undefined when the chat is complete or a page is on its way. Pair with
   * `endPage`.
   */
  beginPage(chat: number): number | undefined {
    if (this.complete.has(chat) || this.loading.has(chat)) return undefined;
    const have = this.messages.get(chat) ?? [];
    this.loading.add(chat);
    return have.length ? have[0].seq : 0;
  }

  /** The page arrived: a short one (under `limit`) means the chat's first message is loaded. */
  addPage(chat: number, page: MsgFrame[], limit = PAGE): void {
    if (page.length < limit) this.complete.add(chat);
    for (const m of page) if (!m.expired) this.insert(messageOf(m));
    if (!this.messages.has(chat)) this.messages.set(chat, []);
    const early = this.early.get(chat);
    this.early.delete(chat);
    early?.forEach((now, seq) => this.replace(chat, seq, now));
  }

  endPage(chat: number): void {
    this.loading.delete(chat);
    this.early.delete(chat);
  }

  /** Where `seq` goes in a list by seq: after every message with a seq at most `seq`. */
  private place(list: Message[], seq: number): number {
    let i = list.length;
    while (i > 0 && list[i - 1].seq > seq) i--;
    return i;
  }
}
