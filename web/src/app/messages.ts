// Each opened chat's loaded messages, in seq order without duplicates, and its history pages:
// which chats are loaded back to their first message, which have a page on its way.

import type { MsgFrame } from "../protocol/frames";
import type { Message } from "./model";

/** Messages per history page. */
export const PAGE = 50;

export class MessageStore {
  readonly messages = new Map<number, Message[]>();    // chat -> loaded messages, by seq
  readonly complete = new Set<number>();                 // chats whose oldest message is loaded
  private readonly loading = new Set<number>();          // chats with a history page on its way

  /**
   * Whether new messages of this chat are kept: it is loaded, or its first page is on its way
   * (a message committed after the server read that page would otherwise be missing).
   */
  keeps(chat: number): boolean {
    return this.messages.has(chat) || this.loading.has(chat);
  }

  insert(msg: Message): void {
    const list = this.messages.get(msg.chat) ?? [];
    let i = list.length;
    while (i > 0 && list[i - 1].seq > msg.seq) i--;
    if (i > 0 && list[i - 1].seq === msg.seq) {
      if (msg.media && !list[i - 1].media) list[i - 1] = msg;   // an ack's copy, before its `msg`
      return;
    }
    list.splice(i, 0, msg);
    this.messages.set(msg.chat, list);
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

  /** The page arrived: a short one means the chat's first message is loaded. */
  addPage(chat: number, page: MsgFrame[]): void {
    if (page.length < PAGE) this.complete.add(chat);
    for (const m of page) this.insert({ chat, seq: m.seq, from: m.from, ts: m.ts, text: m.text, id: m.id, system: m.system, media: m.media });
    if (!this.messages.has(chat)) this.messages.set(chat, []);
  }

  endPage(chat: number): void {
    this.loading.delete(chat);
  }
}
