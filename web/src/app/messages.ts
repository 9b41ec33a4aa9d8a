// Each opened chat's loaded messages, in seq order without duplicates, and its history pages:
// which chats are loaded back to their first message, which have a page on its way. A message
// changed (edited, deleted, reacted to) replaces its copy; one gone (expired, hidden) leaves.
// Pages come from the server, or first from the copy this browser kept (history_cache.ts),
// which a page of the newest messages then brings up to date (`mergeSpan`).

import type { MsgFrame } from "../protocol/frames";
import { messageOf, type Message } from "./model";

/** Messages per history page. */
export const PAGE = 50;
/** The most the server answers in one history page. */
export const MAX_PAGE = 200;

/**
 * What a page of the newest messages covers: every message from seq `low` to `top` (`whole`:
 * and none before `low`: the page was short). A page read with `limit` covers what it holds.
 */
export interface Span { low: number; top: number; whole: boolean }

export function spanOf(page: { seq: number }[], limit: number): Span {
  const seqs = page.map((m) => m.seq);   // the server sends a page newest first
  return { low: page.length ? Math.min(...seqs) : 0, top: page.length ? Math.max(...seqs) : 0, whole: page.length < limit };
}

/**
 * The newest messages read from the server (`page`, in any order, covering `span`) over the
 * ones had before (`list`, by seq; `complete` back to the chat's first): the page replaces
 * every copy in its span (one missing from it is gone), newer ones stay, and older ones stay
 * only when they reach the span (else there may be a gap between them and the page, so they go).
 */
export function mergeSpan(list: Message[], complete: boolean, page: Message[], span: Span): { list: Message[]; complete: boolean } {
  let high = -1;
  for (const m of list) if (m.seq <= span.top) high = m.seq;
  const joined = !span.whole && high >= span.low;
  const older = joined ? list.filter((m) => m.seq < span.low) : [];
  const newer = list.filter((m) => m.seq > span.top);
  const inside = [...page].sort((a, b) => a.seq - b.seq);
  return { list: [...older, ...inside, ...newer], complete: span.whole || (joined && complete) };
}

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

  /**
   * Messages this browser kept (history_cache.ts), shown before the server is asked, during a
   * page begun with `beginPage`: older than those loaded, the oldest of them the chat's first
   * when `complete`. Changes that came meanwhile are applied (and kept for the page that follows).
   */
  addKept(chat: number, kept: Message[], complete: boolean): void {
    for (const m of kept) this.insert(m);
    if (complete) this.complete.add(chat);
    if (!this.messages.has(chat)) this.messages.set(chat, []);
    this.early.get(chat)?.forEach((now, seq) => this.replace(chat, seq, now));
  }

  /** Starts reading a loaded chat's newest messages again; false when a page is on its way. Pair with `endPage`. */
  beginNewest(chat: number): boolean {
    if (this.loading.has(chat)) return false;
    this.loading.add(chat);
    return true;
  }

  /** The newest messages, read after kept ones were shown: merged as `mergeSpan` says. */
  addNewest(chat: number, page: Message[], span: Span): void {
    const merged = mergeSpan(this.messages.get(chat) ?? [], this.complete.has(chat), page, span);
    this.messages.set(chat, merged.list);
    if (merged.complete) this.complete.add(chat);
    else this.complete.delete(chat);
    this.early.get(chat)?.forEach((now, seq) => this.replace(chat, seq, now));
  }

  /** The loaded messages that a span covers. */
  slice(chat: number, span: Span): Message[] {
    return (this.messages.get(chat) ?? []).filter((m) => (span.whole || m.seq >= span.low) && m.seq <= span.top);
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
