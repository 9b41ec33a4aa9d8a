// My own settings of each chat: muted (for 8 hours, a week or always), archived and pinned. Set
// with PUT /v1/chats/{id}/settings; every device of mine then gets a `chat_state` frame, so a
// change made on another device shows here too. A refusal is told in the notice.

import { ApiError, type Api, type ChatSettingsChange, type Mute } from "./api";
import type { ChatStore } from "./chats";
import type { Chat } from "./model";
import { describe } from "./words";
import type { ChatStateFrame } from "../protocol/frames";

export interface ChatPrefsParts {
  api: Api;
  chats: ChatStore;
  now: () => number;               // the server's clock (a mute ends by it)
  changed: () => void;
  notify: (text: string) => void;  // the app-wide notice
}

export class ChatPrefs {
  constructor(private readonly parts: ChatPrefsParts) {}

  /** Whether the chat is muted now (push and this page's notifications stay quiet). */
  muted(c: Chat): boolean { return c.mutedUntil === -1 || c.mutedUntil > this.parts.now(); }

  mute(chat: number, mute: Mute): Promise<void> { return this.set(chat, { mute }); }
  archive(chat: number, archived: boolean): Promise<void> { return this.set(chat, { archived }); }
  pin(chat: number, pinned: boolean): Promise<void> { return this.set(chat, { pinned }); }

  /** A `chat_state` frame: my settings of a chat changed on one of my devices; false if the chat is not listed. */
  onFrame(f: ChatStateFrame): boolean { return this.parts.chats.applyState(f); }

  private async set(chat: number, change: ChatSettingsChange): Promise<void> {
    try {
      const s = await this.parts.api.chatSettings(chat, change);
      if (this.onFrame({ type: "chat_state", ...s })) this.parts.changed();
    } catch (e) {
      this.parts.notify(prefsError(e));
    }
  }
}

function prefsError(e: unknown): string {
  if (!(e instanceof ApiError)) return String(e instanceof Error ? e.message : e);
  if (e.code === "invalid") return "You can pin up to 3 chats. Unpin one first.";
  return e.status === 0 ? e.message : describe(e);
}
