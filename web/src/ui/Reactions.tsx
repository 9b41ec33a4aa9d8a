// The reactions under a bubble: each emoji with its count. Mine is marked; clicking it takes it
// back, clicking another makes that one mine instead.

import type { AppState, Chat, Message } from "../app/state";

export function Reactions({ state, chat, m }: { state: AppState; chat: Chat; m: Message }) {
  if (!m.reactions?.length) return null;
  const mine = state.messageActions.myReaction(chat, m);
  return (
    <div class="reactions" role="group" aria-label="Reactions" data-reactions>
      {m.reactions.map((r) => (
        <button key={r.emoji} type="button" class={`reaction${r.emoji === mine ? " mine" : ""}`} data-emoji={r.emoji} data-count={r.count}
          aria-pressed={r.emoji === mine ? "true" : "false"}
          aria-label={`${r.emoji} ${r.count}${r.emoji === mine ? ", your reaction: remove it" : `: react with ${r.emoji}`}`}
          onClick={() => state.messageActions.react(chat, m, r.emoji)}>
          <span aria-hidden="true">{r.emoji}</span> <span class="reaction-count" aria-hidden="true">{r.count}</span>
        </button>
      ))}
    </div>
  );
}
