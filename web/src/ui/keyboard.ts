// The app-wide keys: the shortcuts (shortcuts.ts says which key does what; this does it), and
// Escape closing the side panel open (menus and dialogs close themselves first). A panel that
// closes gives focus back to the button that opens it, unless focus went somewhere already.

import { useEffect, useRef } from "preact/hooks";
import type { AppState, Chat } from "../app/state";
import { commandOf, type Command } from "./shortcuts";
import { narrow } from "./navigation";

/** The button that opens each side panel, where focus goes back when the panel closes. */
const OPENERS: Record<string, string> = {
  settings: 'button[aria-label="Settings"]',
  contacts: 'button[aria-label="Contacts"]',
  starred: 'button[aria-label="Starred messages"]',
  info: 'button[aria-label="Group info"], button[aria-label="Room info"]',
  search: 'button[aria-label="Search in chat"]',
};

/** What the keys act on: the app state and the Messenger's panel and dialog. */
export interface KeyboardHost {
  state: AppState;
  side: string | null;
  setSide: (side: "settings" | "search" | null) => void;
  setModal: (modal: "chat" | "group" | "keys") => void;
}

const focusSoon = (selector: string) => setTimeout(() => document.querySelector<HTMLElement>(selector)?.focus(), 0);

/** The open chat, or (for a chat row in focus) that row's chat. */
function targetChat(state: AppState): Chat | undefined {
  const row = (document.activeElement as HTMLElement | null)?.closest<HTMLElement>(".chat-row[data-chat]");
  if (row) return state.chats.get(Number(row.dataset.chat));
  const view = state.view;
  return view && "chat" in view ? state.chats.get(view.chat) : undefined;
}

/** The chat `step` places from the open one, in the order of its list (archived chats among archived ones). */
function neighbour(state: AppState, step: number): Chat | undefined {
  const view = state.view;
  const open = view && "chat" in view ? state.chats.get(view.chat) : undefined;
  const list = state.chatList().filter((c) => c.archived === (open?.archived ?? false));
  if (!open) return step > 0 ? list[0] : list[list.length - 1];
  const i = list.findIndex((c) => c.chat === open.chat);
  return list[Math.max(0, Math.min(list.length - 1, i + step))];
}

function run(command: Command, h: KeyboardHost): void {
  const { state } = h;
  const chat = targetChat(state);
  switch (command) {
    case "new-chat": h.setModal("chat"); break;
    case "new-group": h.setModal("group"); break;
    case "shortcuts": h.setModal("keys"); break;
    case "settings": h.setSide("settings"); break;
    case "search":
      // On a phone the list (and its search box) is hidden behind a chat or a panel.
      if (narrow()) { state.open(null); h.setSide(null); }
      focusSoon('input[aria-label="Search chats and messages"]');
      break;
    case "search-in-chat": {
      const view = state.view;
      if (view && "chat" in view) { state.finder.searchIn(view.chat); h.setSide("search"); }
      break;
    }
    case "next-chat": case "previous-chat": {
      const next = neighbour(state, command === "next-chat" ? 1 : -1);
      if (next) state.open({ chat: next.chat });
      break;
    }
    case "mark-read": if (chat && chat.unread > 0) state.reading.markRead(chat); break;
    case "archive": if (chat) void state.prefs.archive(chat.chat, !chat.archived); break;
    case "pin": if (chat) void state.prefs.pin(chat.chat, !chat.pinned); break;
    case "mute": if (chat) void state.prefs.mute(chat.chat, state.prefs.muted(chat) ? "off" : "8h"); break;
  }
}

export function useKeyboard(host: KeyboardHost): void {
  const ref = useRef(host);
  ref.current = host;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || document.querySelector("dialog[open]")) return;   // a dialog has the keys
      const h = ref.current;
      if (e.key === "Escape") {
        // A search box's Escape clears it (Search.tsx); a menu's closes it and never gets here.
        if (!h.side || (e.target as HTMLInputElement).type === "search") return;
        e.preventDefault();
        h.setSide(null);
        return;
      }
      const command = commandOf({ key: e.key, code: e.code, ctrlKey: e.ctrlKey, altKey: e.altKey, shiftKey: e.shiftKey, metaKey: e.metaKey,
        altGraph: e.getModifierState?.("AltGraph") });
      if (!command) return;
      e.preventDefault();
      run(command, h);
    };
    addEventListener("keydown", onKey);
    return () => removeEventListener("keydown", onKey);
  }, []);
  // A panel closed (Escape, its ✕, Back) with focus nowhere: back to its button.
  const was = useRef(host.side);
  useEffect(() => {
    const closed = was.current;
    was.current = host.side;
    if (!closed || closed === host.side) return;
    const focus = document.activeElement;
    const opener = OPENERS[closed];
    if (opener && (!focus || focus === document.body)) document.querySelector<HTMLElement>(opener)?.focus();
  }, [host.side]);
}
