// A quoted message: in a reply's bubble (a button that goes to the original) and above the
// message box while replying. It shows the message as it is now: its sender and first line,
// or that it was deleted.

import type { AppState, Message } from "../app/state";
import { quoteLine, who } from "./format";

/** The sender and first line of message `seq` of `chat`, looked up locally or on the server. */
function quoted(state: AppState, chat: number, seq: number): { name: string; line: string; deleted: boolean } {
  const q = state.quotes.get(chat, seq);
  if (q === "loading") return { name: "", line: "…", deleted: false };
  if (q === "missing") return { name: "", line: "Message not available", deleted: true };
  return { name: who(state, q.from), line: quoteLine(q), deleted: !!q.deleted };
}

/** The quote in a reply's bubble: a click goes to the original (loading earlier messages if needed). */
export function QuoteLink({ state, chat, seq }: { state: AppState; chat: number; seq: number }) {
  const q = quoted(state, chat, seq);
  return (
    <button type="button" class={`quote${q.deleted ? " gone" : ""}`} data-quote={seq}
      aria-label={`Replying to ${q.name ? `${q.name}: ` : ""}${q.line}. Go to the message`}
      onClick={() => void state.finder.jumpTo(chat, seq)}>
      {q.name && <span class="quote-sender">{q.name}</span>}
      <span class="quote-text">{q.line}</span>
    </button>
  );
}

/** Above the message box: what the message being written replies to, or which message is being edited. */
export function ComposeQuote({ state, m, editing, onCancel }: { state: AppState; m: Message; editing: boolean; onCancel: () => void }) {
  return (
    <div class="compose-quote" data-compose={editing ? "edit" : "reply"}>
      <div class="quote">
        <span class="quote-sender">{editing ? "Edit message" : `Replying to ${who(state, m.from)}`}</span>
        <span class="quote-text">{quoteLine(m)}</span>
      </div>
      <button type="button" class="icon" aria-label={editing ? "Cancel editing" : "Cancel reply"} onClick={onCancel}>✕</button>
    </div>
  );
}
