// "Starred messages": the messages I starred, newest star first; choosing one opens its chat at it.

import { useEffect } from "preact/hooks";
import type { AppState } from "../app/state";
import { MessageHit } from "./Search";

export function StarredPanel({ state, onClose, onGo }: { state: AppState; onClose: () => void; onGo: () => void }) {
  const list = state.finder.starred;
  useEffect(() => { void list.load(); }, [list]);
  return (
    <aside class="panel" aria-label="Starred messages">
      <header class="panel-head">
        <h2>Starred messages</h2>
        <button type="button" class="icon" aria-label="Close starred messages" onClick={onClose}>✕</button>
      </header>
      <div class="panel-body">
        {list.messages.length > 0 && (
          <ul class="hits" aria-label="Starred messages">
            {list.messages.map((m) => <MessageHit key={`${m.chat}:${m.seq}`} state={state} m={m} onGo={onGo} />)}
          </ul>
        )}
        <p class="hint search-status" role="status">
          {list.error || (list.loading && !list.loaded ? "Loading…" : list.loaded && !list.messages.length ? "No starred messages. Star one from its menu." : "")}
        </p>
        {list.hasMore && !list.loading && <button type="button" class="link more-hits" onClick={() => void list.more()}>More</button>}
      </div>
    </aside>
  );
}
