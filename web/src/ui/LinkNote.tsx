// The note for an address that named a chat that is not mine (a typed or pasted /chat/N, an old
// notification): shown over the chat list (on a phone too, where the chat pane is hidden) until
// dismissed or a chat opens.

import { useEffect } from "preact/hooks";
import type { AppState } from "../app/state";
import { useAppState } from "./hooks";

export function LinkNote({ state: s, text, onDismiss }: { state: AppState; text: string; onDismiss: () => void }) {
  const state = useAppState(s);
  useEffect(() => { if (state.view) onDismiss(); }, [state.view]);
  if (!text) return null;
  return (
    <p class="toast link-note" role="alert" data-link-note>
      {text} <button type="button" class="link" onClick={onDismiss}>Dismiss</button>
    </p>
  );
}
