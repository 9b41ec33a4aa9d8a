// Room view counts: how many members have seen each of a room's last 100 loaded posts, asked
// for when the room opens, 2 s after a new post, and every 5 s while it is open (the caller's timer).

import type { ParleyClient } from "../protocol/client";
import type { ViewsFrame } from "../protocol/frames";
import type { ChatStore } from "./chats";
import type { MessageStore } from "./messages";

export class RoomViews {
  readonly views = new Map<number, Map<number, number>>();  // room -> seq -> count
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly client: ParleyClient, private readonly chats: ChatStore, private readonly messages: MessageStore) {}

  /** Asks for the counts of a room's last 100 loaded posts (nothing for other chats). */
  ask(chat: number): void {
    const c = this.chats.chats.get(chat);
    const list = this.messages.messages.get(chat);
    if (c?.kind !== "room" || !list?.length) return;
    this.client.views(chat, list.slice(-100).map((m) => m.seq));
  }

  /** Asks in 2 s, unless an ask is already waiting (a burst of posts asks once). */
  askSoon(chat: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => { this.timer = null; this.ask(chat); }, 2000);
  }

  onReply(r: ViewsFrame): void {
    const v = this.views.get(r.chat) ?? new Map<number, number>();
    for (const x of r.views) v.set(x.seq, x.count);
    this.views.set(r.chat, v);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}
