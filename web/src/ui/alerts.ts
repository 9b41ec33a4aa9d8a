// Notifications this page shows while it is open but hidden (another tab in front, the window
// minimised): one for each new message of an unmuted one-to-one chat or group, not mine,
// replacing the chat's previous one (tag `chat-N`, the tag the server's push notifications
// carry, so the two never pile up). The words are the chat list's; with previews off, only
// "New message". Rooms notify no one, as with push. The backlog read when the page opens is not
// announced: messages count from the first `synced`. The first message of a chat not listed yet
// waits for the chat list, which says who and what the chat is.

import type { AppState } from "../app/state";
import type { MsgFrame } from "../protocol/frames";
import { mediaText, who } from "./format";

export interface Alert { title: string; body: string; tag: string; chat: number }

const BODY_CHARS = 100;

/** The notification for a message that arrived while the page was `hidden`; null when none is due. */
export function alertFor(state: AppState, m: MsgFrame, hidden: boolean): Alert | null {
  if (!hidden || !state.notifications.allowed || m.from === state.me || m.system) return null;
  const c = state.chats.get(m.chat);
  if (!c || c.kind === "room" || state.prefs.muted(c)) return null;
  const tag = `chat-${m.chat}`;
  if (state.account.profile?.previews === false) return { title: "parley", body: "New message", tag, chat: m.chat };
  const text = m.media ? mediaText(m.media, m.text) : m.text;
  const body = c.kind === "group" ? `${who(state, m.from)}: ${text}` : text;
  const chars = [...body];
  return {
    title: c.kind === "direct" ? who(state, m.from) : c.name,
    body: chars.length > BODY_CHARS ? chars.slice(0, BODY_CHARS - 1).join("") + "…" : body,
    tag, chat: m.chat,
  };
}

const WAITING_CHATS = 100;

/** Shows (with `show`) a notification for each message due one; returns the function that stops it. */
export function watchAlerts(state: AppState, hidden: () => boolean, show: (a: Alert) => void): () => void {
  let synced = false;
  const waiting = new Map<number, { m: MsgFrame; hidden: boolean }>();   // chat not listed yet -> its last message
  const check = (m: MsgFrame, wasHidden: boolean) => {
    const a = alertFor(state, m, wasHidden);
    if (a) show(a);
  };
  const stops = [
    state.client.on("synced", () => { synced = true; }),
    state.client.on("message", (m) => {
      if (!synced) return;
      if (state.chats.has(m.chat)) check(m, hidden());
      else if (waiting.size < WAITING_CHATS || waiting.has(m.chat)) waiting.set(m.chat, { m, hidden: hidden() });
    }),
    state.subscribe(() => {
      for (const [chat, w] of waiting) {
        if (!state.chats.has(chat)) continue;
        waiting.delete(chat);
        check(w.m, w.hidden);
      }
    }),
  ];
  return () => stops.forEach((stop) => stop());
}
