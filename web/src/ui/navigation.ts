// The browser's address and Back button for the signed-in app (app/route.ts keeps the rules):
// the open chat is in the address (`/chat/42`), and on a phone a panel or dialog is a history
// entry of its own, so Back closes it, then the chat, then leaves the app from the list.

import { useEffect, useLayoutEffect, useRef } from "preact/hooks";
import type { AppState } from "../app/state";
import { Navigator, type Entry, type HistoryEnv, type Place } from "../app/route";

/** On a narrow screen a panel covers everything else, so Back should close it (styles.css: 720 px). */
export const narrow = () => typeof matchMedia === "function" && matchMedia("(max-width: 720px)").matches;

export const browserHistory: HistoryEnv = {
  state: () => history.state,
  address: () => ({ path: location.pathname, search: location.search }),
  push: (state: Entry, url: string) => history.pushState(state, "", url),
  replace: (state: Entry | null, url: string) => history.replaceState(state, "", url),
  go: (delta: number) => history.go(delta),
  onPop: (listener: () => void) => {
    addEventListener("popstate", listener);
    return () => removeEventListener("popstate", listener);
  },
};

/** The chat the screen shows: its id, -1 for a chat being started, 0 for none. */
export function openChat(state: AppState): number {
  const view = state.view;
  return !view ? 0 : "chat" in view ? view.chat : -1;
}

/** The note for a linked chat (a typed or pasted address, a notification) that is not one of mine. */
export const NOT_MY_CHAT = "That chat isn't available: it doesn't exist, or you are not in it.";

/** A dialog's layer name, beside the panels' own ("info", "settings", …). */
const DIALOG = "dialog:";

/**
 * Keeps history in step with the open chat and the panel or dialog over it (counted on phones
 * only, where it covers the screen), and applies Back and Forward: the chat they go to opens
 * (or the list shows), and the panel or dialog is set to theirs (closed, mostly).
 */
export function useNavigation<S extends string, M extends string>(nav: Navigator, state: AppState, side: S | null, modal: M | null,
  setSide: (side: S | null) => void, setModal: (modal: M | null) => void): void {
  const layer = modal ? DIALOG + modal : side ?? "";
  const place: Place = { chat: openChat(state), layer: layer && narrow() ? layer : "" };
  const latest = useRef(place);
  latest.current = place;
  const setters = useRef({ setSide, setModal });
  setters.current = { setSide, setModal };
  // Before the frame is painted, not after: a click on what the frame shows (a chat's "Search in
  // chat") must find history already at that chat. Pushed after that click, the chat's entry
  // has had no user activation of its own when the panel's entry is pushed on it, and Chromium
  // then skips it on Back (its history manipulation intervention): Back left the chat too.
  useLayoutEffect(() => nav.show(place), [nav, place.chat, place.layer]);
  useEffect(() => nav.onPlace((to) => {
    if (to.chat !== openChat(state)) {
      if (to.chat === 0) state.open(null);
      else if (to.chat > 0 && state.chats.has(to.chat)) state.open({ chat: to.chat });
    }
    if (to.layer !== latest.current.layer) {
      const dialog = to.layer.startsWith(DIALOG);
      setters.current.setModal(dialog ? to.layer.slice(DIALOG.length) as M : null);
      setters.current.setSide(dialog || !to.layer ? null : to.layer as S);
    }
    // Where it could not go (a chat since left, a chat being started), history is put right.
    nav.show({ chat: openChat(state), layer: to.layer });
  }), [nav, state]);
}
