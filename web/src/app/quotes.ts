// The messages replies quote, as they are now: the loaded copy when there is one, else read
// once over HTTP (the page before reply_to + 1, one message long) and kept up to date by the
// `changed` and `marked` updates. A quoted message the reader cannot see any more (hidden on
// this account, or expired) is "missing".

import type { MsgFrame } from "../protocol/frames";
import type { MessageStore } from "./messages";
import { messageOf, type Message } from "./model";

export type Quoted = Message | "loading" | "missing";

type History = (chat: number, before: number, limit: number) => Promise<MsgFrame[]>;

export class Quotes {
  private readonly fetched = new Map<string, Quoted>();
  private readonly failed = new Map<string, number>();   // key -> when a failed read may be tried again (ms)

  constructor(private readonly messages: MessageStore, private readonly history: History, private readonly changed: () => void) {}

  /** The message `seq` of `chat`, as it is now; reads it from the server the first time it is not loaded. */
  get(chat: number, seq: number): Quoted {
    const loaded = this.messages.find(chat, seq);
    if (loaded) return loaded;
    const key = `${chat}:${seq}`;
    const known = this.fetched.get(key);
    if (known) return known;
    if ((this.failed.get(key) ?? 0) > Date.now()) return "loading";
    const list = this.messages.messages.get(chat);
    // Loaded back past it, and it is not there: the history skips it (hidden or expired).
    if (list?.length && (list[0].seq < seq || this.messages.complete.has(chat)) && seq <= list[list.length - 1].seq) return "missing";
    this.fetched.set(key, "loading");
    this.history(chat, seq + 1, 1).then(
      (page) => {
        this.fetched.set(key, page[0]?.seq === seq && !page[0].expired ? messageOf(page[0]) : "missing");
        this.changed();
      },
      () => {   // offline: asked again at a render 10 s on
        this.fetched.delete(key);
        this.failed.set(key, Date.now() + 10_000);
      },
    );
    return "loading";
  }

  /** A message changed (null: went from view): a copy read earlier follows. */
  update(chat: number, seq: number, now: Message | null): void {
    const key = `${chat}:${seq}`;
    if (this.fetched.has(key)) this.fetched.set(key, now ?? "missing");
  }
}
