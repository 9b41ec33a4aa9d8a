// Reading a chat's history, one page at a time per chat: a second call while a page is on its
// way waits for that page instead of asking again. With a history cache (history_cache.ts) a
// chat opens from the messages this browser kept, at once and also offline, and then reads only
// what is new: as many of the newest messages as the chat list says came since, plus one to
// check that they join the kept ones. Earlier pages come from the cache while it reaches back,
// then from the server.

import { ApiError, type Api } from "./api";
import type { HistoryCache, Kept } from "./history_cache";
import { MAX_PAGE, PAGE, spanOf, type MessageStore } from "./messages";
import { messageOf, type Chat } from "./model";

/** The cache, and the chat list it is checked against. */
export interface KeptHistory { cache: HistoryCache; chat: (chat: number) => Chat | undefined }

export class HistoryPages {
  private readonly pages = new Map<number, Promise<void>>();   // chat -> its page on its way
  private readonly stale = new Set<number>();                  // shown from the cache; what is new could not be read

  /** `loaded`: a page of `chat` was added; `failed`: it could not be read (the sentence). Then `changed`. */
  constructor(private readonly api: Api, private readonly store: MessageStore, private readonly loaded: (chat: number) => void,
    private readonly failed: (text: string) => void, private readonly changed: () => void, private readonly kept?: KeptHistory) {}

  /** Loads the page of messages before the oldest loaded one (or waits for the one on its way). */
  loadEarlier(chat: number, limit = PAGE): Promise<void> {
    const before = this.store.beginPage(chat);
    if (before === undefined) return this.pages.get(chat) ?? Promise.resolve();
    if (before === 0 && this.keptIsNewest(chat, limit)) return Promise.resolve();
    return this.track(chat, async () => {
      // Without a cache the request goes out at once, in this task, as it always did.
      if (!this.kept || !(await this.fromCache(chat, before, limit))) await this.fromServer(chat, before, limit);
      this.loaded(chat);
    });
  }

  /** Back online: the chats shown from the cache whose news could not be read read them now. */
  retry(): void {
    for (const chat of [...this.stale]) {
      this.stale.delete(chat);
      if (!this.store.messages.has(chat) || !this.store.beginNewest(chat)) continue;
      void this.track(chat, () => this.catchUp(chat, PAGE));
    }
  }

  /**
   * The chat list moved past what a loaded chat shows (the server's, after the one this browser
   * saved): it reads what is new, after any page on its way, and is then read as a page is.
   */
  behind(chat: number): void {
    const go = () => {
      const need = (this.kept?.chat(chat)?.lastSeq ?? 0) - this.store.newest(chat);
      if (need <= 0 || !this.store.messages.has(chat) || !this.store.beginNewest(chat)) return;
      void this.track(chat, async () => { await this.catchUp(chat, need + 1); this.loaded(chat); });
    };
    const onItsWay = this.pages.get(chat);
    if (onItsWay) void onItsWay.then(go);
    else go();
  }

  private track(chat: number, work: () => Promise<void>): Promise<void> {
    const page = (async () => {
      try {
        await work();
      } catch (e) {
        this.failed(e instanceof ApiError ? e.message : String(e));
      } finally {
        this.store.endPage(chat);
        this.pages.delete(chat);
      }
      this.changed();
    })();
    this.pages.set(chat, page);
    return page;
  }

  private async fromServer(chat: number, before: number, limit: number): Promise<void> {
    const page = await this.api.history(chat, before, limit);
    this.store.addPage(chat, page, limit);
    if (!this.kept) return;
    const span = spanOf(page, limit);
    if (before === 0) void this.kept.cache.putSpan(chat, this.store.slice(chat, span), span);
    else void this.kept.cache.addOlder(chat, before, page.filter((m) => !m.expired).map(messageOf), span.whole);
  }

  /**
   * The chat's newest messages when the cache has read them by now and nothing newer is to be
   * read (a chat opened again, or as the page starts): shown in this task, so the chat's first
   * frame has them and no second render follows. False when a page must be read for them.
   */
  private keptIsNewest(chat: number, limit: number): boolean {
    const kept = this.kept?.cache.newestNow(chat, limit);
    if (!kept || this.kept!.chat(chat)?.kind === "room" || this.news(chat, kept) > 0) return false;
    this.store.addKept(chat, kept.messages, kept.complete);
    this.store.endPage(chat);
    this.changed();
    // As a page read: after the task that asked (opening a chat sets its unread line before it is marked read).
    queueMicrotask(() => this.loaded(chat));
    return true;
  }

  /** A page from the cache (the newest, then what is new from the server); false when the server must be asked. */
  private async fromCache(chat: number, before: number, limit: number): Promise<boolean> {
    if (!this.kept) return false;
    const room = this.kept.chat(chat)?.kind === "room";
    if (before > 0) {
      // A room's changes come only live (none while this page was closed): older posts come from the server.
      const older = room ? undefined : await this.kept.cache.before(chat, before, limit);
      if (!older) return false;
      this.store.addKept(chat, older.messages, older.complete);
      return true;
    }
    // Read already (as the page started): added now, so the chat's first frame has them.
    const now = this.kept.cache.newestNow(chat, limit);
    const kept = now !== null ? now : await this.kept.cache.newest(chat, limit);
    if (!kept) return false;
    this.store.addKept(chat, kept.messages, kept.complete);
    this.changed();   // on screen now; what is new follows
    await this.catchUp(chat, room ? Math.max(PAGE, this.news(chat, kept)) : this.news(chat, kept));
    return true;
  }

  /** How many of the newest messages to read after the kept ones: those the chat list says came since, or a page when few are kept. */
  private news(chat: number, kept: Kept): number {
    let need = (this.kept?.chat(chat)?.lastSeq ?? 0) - kept.high;
    if (!kept.complete && kept.count < PAGE) need = Math.max(need, PAGE - kept.count);
    return need > 0 ? need + 1 : 0;   // one more: the newest kept one, to see that they join
  }

  /** Reads the newest `limit` messages over those loaded; offline, the chat stays as it is until `retry`. */
  private async catchUp(chat: number, limit: number): Promise<void> {
    if (limit <= 0 || !this.kept) return;
    limit = Math.min(limit, MAX_PAGE);
    let page;
    try {
      page = await this.api.history(chat, 0, limit);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 0)) throw e;
      this.stale.add(chat);
      return;
    }
    const span = spanOf(page, limit);
    this.store.addNewest(chat, page.filter((m) => !m.expired).map(messageOf), span);
    // A room keeps only what was just read and what comes live: its older posts may have changed unseen.
    void this.kept.cache.putSpan(chat, this.store.slice(chat, span), span, this.kept.chat(chat)?.kind === "room");
  }
}
