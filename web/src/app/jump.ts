// Going to one message of a chat (a search result, a starred message, a quote): earlier history
// pages load until it is there, or until the chat is loaded back past it (then it is gone:
// hidden or expired). The page size is the server's largest, so an old message takes few reads.

import type { MessageStore } from "./messages";

/** History read this many messages at a time while looking for one. */
export const JUMP_PAGE = 200;

/**
 * Loads earlier pages of `chat` with `loadEarlier` until message `seq` is loaded. Resolves true
 * when it is, false when it is not in the chat (or a page could not be read).
 */
export async function reveal(store: MessageStore, loadEarlier: (chat: number, limit: number) => Promise<void>,
  chat: number, seq: number): Promise<boolean> {
  for (;;) {
    if (store.find(chat, seq)) return true;
    const list = store.messages.get(chat);
    const oldest = list?.length ? list[0].seq : Infinity;
    if (store.complete.has(chat) || (list && oldest < seq)) return false;
    await loadEarlier(chat, JUMP_PAGE);
    const after = store.messages.get(chat);
    // No progress (a failed read): stop rather than ask again and again.
    if (after && (after.length ? after[0].seq : Infinity) === oldest && !store.complete.has(chat) && list) return false;
  }
}
