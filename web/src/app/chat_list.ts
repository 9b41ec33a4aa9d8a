// The chat list as the page gets it. The server's (`GET /v1/chats`): an answer overtaken by a
// later one is dropped, or its merge would take away a chat the later list (and a live message)
// had brought. And the one this browser saved (history_cache.ts): shown while the server's is
// on its way (a slow network) or cannot be had (offline), never over the server's, and never
// once the server refused (signed out).

import { ApiError, type Api, type ChatSummary } from "./api";
import type { ChatStore } from "./chats";
import type { HistoryCache } from "./history_cache";

export interface ChatListHost {
  api: Api;
  chats: ChatStore;
  cache?: HistoryCache;
  /** A list was merged into `chats`: what follows from it (presence, names, a draft become a chat). */
  merged(peers: number[], list: ChatSummary[]): void;
  /** The server's list came after the saved one: the chats loaded read what came since. */
  behind(): void;
  changed(): void;
}

/** How long the saved list waits for the server's once read (when the server's is on its way). */
export const SAVED_LIST_GRACE_MS = 60;

export class ChatList {
  /**
   * The list shown is the one this browser saved, not the server's yet: "offline", the server
   * could not be reached; "early", its list is on its way (a slow network).
   */
  saved: "offline" | "early" | null = null;
  private asked = 0;      // lists asked for
  private applied = 0;    // the newest one applied
  private refusedOnce = false;

  constructor(private readonly host: ChatListHost) {}

  /** Asks the server for the list and shows it; offline, shows the saved one if nothing is shown. */
  async refresh(): Promise<void> {
    const { api, chats, cache } = this.host;
    let list: ChatSummary[];
    const asked = ++this.asked;
    try {
      list = await api.chats();
    } catch (e) {
      // Offline or signed out: the next connect refreshes again.
      const offline = !(e instanceof ApiError) || e.status === 0 || e.status >= 500;
      if (offline) await this.showSaved(true);
      else this.refused();
      return;
    }
    if (asked < this.applied) return;
    const afterSaved = this.saved !== null;
    this.applied = asked;
    this.saved = null;
    void cache?.saveChats(list);
    this.show(list);
    if (!afterSaved) return;
    chats.recount(list);
    this.host.behind();
    this.host.changed();
  }

  /**
   * Shows the chat list this browser saved, unless the server's (or a live chat) is in already:
   * `offline`, the server could not be reached; otherwise (`server`) it is merely on its way. True if shown.
   */
  async showSaved(offline: boolean, server?: Promise<void>): Promise<boolean> {
    const saved = await this.host.cache?.chats();
    // A server that answers a moment later is waited for: drawing both lists in the first frame costs more.
    if (saved && server) await Promise.race([server, new Promise((r) => setTimeout(r, SAVED_LIST_GRACE_MS))]);
    if (!saved || this.applied > 0 || this.refusedOnce || (this.host.chats.chats.size > 0 && this.saved !== "early")) return false;
    if (this.saved !== "early") this.show(saved);
    this.saved = offline ? "offline" : "early";
    this.host.changed();
    return true;
  }

  /** The server refused the list (signed out): the saved one is not shown, nor kept on screen. */
  private refused(): void {
    this.refusedOnce = true;
    if (this.saved !== "early") return;
    this.saved = null;
    this.host.chats.merge([]);
    this.host.changed();
  }

  private show(list: ChatSummary[]): void {
    this.host.merged(this.host.chats.merge(list), list);
  }
}
