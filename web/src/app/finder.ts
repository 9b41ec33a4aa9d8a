// Finding messages: the chat list's search over every chat, "Search in chat", the starred
// list, and going to one message of them (or of a quote), which the chat view then scrolls to
// and highlights (`highlight`). Updates that take a message from view take it from these too.

import type { Api } from "./api";
import { reveal } from "./jump";
import type { MessageStore } from "./messages";
import type { View } from "./model";
import { MessageSearch } from "./search";
import { StarredList } from "./starred";
import type { ChangedFrame, MarkedFrame } from "../protocol/frames";

/** What finding reads and moves in the app state around it. */
export interface FinderHost {
  view: View;
  notice: string;
  open(view: View): void;
  loadEarlier(chat: number, limit: number): Promise<void>;
}

export class Finder {
  readonly search: MessageSearch;       // the chat list's search over every chat
  readonly starred: StarredList;
  chatSearch: MessageSearch | null = null;   // "Search in chat", while open
  /** The message gone to last: the chat view scrolls to it and highlights it (`n` counts the jumps). */
  highlight: { chat: number; seq: number; n: number } | null = null;

  constructor(private readonly host: FinderHost, private readonly api: Api, private readonly messages: MessageStore,
    private readonly changed: () => void) {
    this.search = new MessageSearch((q, o) => api.search(q, o), changed);
    this.starred = new StarredList(api, changed);
  }

  /** Opens a chat at one message, loading earlier history until it is there; false if it is gone. */
  async jumpTo(chat: number, seq: number): Promise<boolean> {
    const view = this.host.view;
    if (!(view && "chat" in view && view.chat === chat)) this.host.open({ chat });
    const found = await reveal(this.messages, (c, limit) => this.host.loadEarlier(c, limit), chat, seq);
    if (found) this.highlight = { chat, seq, n: (this.highlight?.n ?? 0) + 1 };
    else this.host.notice = "That message is no longer in the chat.";
    this.changed();
    return found;
  }

  /** Opens "Search in chat" for a chat, or closes it (null). */
  searchIn(chat: number | null): void {
    this.chatSearch?.dispose();
    this.chatSearch = chat === null ? null : new MessageSearch((q, o) => this.api.search(q, o), this.changed, chat);
    this.changed();
  }

  onChanged(f: ChangedFrame): void {
    this.starred.onChanged(f);
    if (f.expired) this.drop(f.chat, f.seq);
  }

  onMarked(f: MarkedFrame): void {
    this.starred.onMarked(f);
    if (f.hidden) this.drop(f.chat, f.seq);
  }

  dispose(): void {
    this.search.dispose();
    this.chatSearch?.dispose();
  }

  private drop(chat: number, seq: number): void {
    this.search.drop(chat, seq);
    this.chatSearch?.drop(chat, seq);
  }
}
