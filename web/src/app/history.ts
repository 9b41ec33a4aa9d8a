// Reading a chat's history over HTTP, one page at a time per chat: a second call while a page
// is on its way waits for that page instead of asking again.

import { ApiError, type Api } from "./api";
import { PAGE, type MessageStore } from "./messages";

export class HistoryPages {
  private readonly pages = new Map<number, Promise<void>>();   // chat -> its page on its way

  /** `loaded`: a page of `chat` was added; `failed`: it could not be read (the sentence). Then `changed`. */
  constructor(private readonly api: Api, private readonly store: MessageStore, private readonly loaded: (chat: number) => void,
    private readonly failed: (text: string) => void, private readonly changed: () => void) {}

  /** Loads the page of messages before the oldest loaded one (or waits for the one on its way). */
  loadEarlier(chat: number, limit = PAGE): Promise<void> {
    const before = this.store.beginPage(chat);
    if (before === undefined) return this.pages.get(chat) ?? Promise.resolve();
    const page = (async () => {
      try {
        this.store.addPage(chat, await this.api.history(chat, before, limit), limit);
        this.loaded(chat);
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
}
