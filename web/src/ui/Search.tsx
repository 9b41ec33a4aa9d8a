// Search: the box over the chat list (chat names here, messages on the server) and its
// results, and the "Search in chat" panel. A message result shows its chat, sender, date and
// the snippet with the matched words marked (text nodes only: never markup from the server);
// choosing one opens its chat at that message.

import { useEffect, useRef } from "preact/hooks";
import type { AppState, Chat, Message } from "../app/state";
import { nameMatches, type MessageSearch, type SearchHit } from "../app/search";
import { ChatList } from "./ChatList";
import { quoteLine, who } from "./format";
import { listTime } from "./time";

export function chatName(state: AppState, chat: number): string {
  const c = state.chats.get(chat);
  if (!c) return `Chat ${chat}`;
  return c.kind === "direct" ? who(state, c.peer ?? 0) : c.name;
}

/** A snippet: plain text at even places, matched words at odd ones (in <mark>). */
export function Snippet({ parts }: { parts: string[] }) {
  return <>{parts.map((p, i) => (i % 2 ? <mark key={i}>{p}</mark> : p))}</>;
}

/** One found or starred message: a button that goes to it. */
export function MessageHit({ state, m, snippet, withChat = true, onGo }: {
  state: AppState; m: Message; snippet?: string[]; withChat?: boolean; onGo?: () => void;
}) {
  const sender = who(state, m.from);
  return (
    <li>
      <button type="button" class="hit" data-hit={`${m.chat}:${m.seq}`}
        onClick={() => { void state.finder.jumpTo(m.chat, m.seq); onGo?.(); }}>
        <span class="hit-top">
          <span class="hit-chat">{withChat ? chatName(state, m.chat) : sender}</span>
          <time class="hit-time" dateTime={new Date(m.ts).toISOString()}>{listTime(m.ts)}</time>
        </span>
        <span class="hit-text">
          {withChat && <span class="hit-sender">{sender}: </span>}
          {snippet?.length ? <Snippet parts={snippet} /> : quoteLine(m)}
        </span>
      </button>
    </li>
  );
}

/** The found messages of a search, with its state (searching, nothing found, an error) and "More results". */
function Hits({ state, search, withChat, onGo }: { state: AppState; search: MessageSearch; withChat: boolean; onGo?: () => void }) {
  const q = search.query.trim();
  return (
    <>
      {search.results.length > 0 && (
        <ul class="hits" aria-label="Messages found">
          {search.results.map((h: SearchHit) => (
            <MessageHit key={`${h.message.chat}:${h.message.seq}`} state={state} m={h.message} snippet={h.snippet} withChat={withChat} onGo={onGo} />
          ))}
        </ul>
      )}
      <p class="hint search-status" role="status">
        {search.error || (search.loading ? "Searching…" : q && !search.results.length ? `No messages found for “${q}”.` : "")}
      </p>
      {!search.done && !search.loading && search.results.length > 0 && (
        <button type="button" class="link more-hits" onClick={() => search.more()}>More results</button>
      )}
    </>
  );
}

/** The box over the chat list. Escape clears it. */
export function SearchBox({ state }: { state: AppState }) {
  return (
    <div class="search-box">
      <input type="search" aria-label="Search chats and messages" placeholder="Search chats and messages" value={state.finder.search.query}
        onInput={(e) => state.finder.search.set((e.target as HTMLInputElement).value)}
        onKeyDown={(e) => { if (e.key === "Escape") state.finder.search.set(""); }} />
    </div>
  );
}

/** What the sidebar shows while something is typed in the search box: chats by name, then messages. */
export function SidebarResults({ state, onGo }: { state: AppState; onGo: () => void }) {
  const search = state.finder.search;
  const name = (c: Chat) => (c.kind === "direct" ? who(state, c.peer ?? 0) : c.name);
  return (
    <div class="search-results">
      <h2 class="results-head">Chats</h2>
      <ChatList state={state} filter={(c) => nameMatches(name(c), search.query)} empty="No chats found." />
      <h2 class="results-head">Messages</h2>
      <Hits state={state} search={search} withChat onGo={onGo} />
    </div>
  );
}

/** "Search in chat": a panel beside the chat. */
export function ChatSearchPanel({ state, onClose, onGo }: { state: AppState; onClose: () => void; onGo: () => void }) {
  const search = state.finder.chatSearch;
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), [search?.chat]);
  if (!search) return null;
  return (
    <aside class="panel" aria-label="Search in chat">
      <header class="panel-head">
        <h2>Search in chat</h2>
        <button type="button" class="icon" aria-label="Close search" onClick={onClose}>✕</button>
      </header>
      <div class="panel-body">
        <input type="search" aria-label="Search messages in this chat" placeholder={`Search in ${chatName(state, search.chat ?? 0)}`}
          value={search.query} ref={input}
          onInput={(e) => search.set((e.target as HTMLInputElement).value)}
          onKeyDown={(e) => { if (e.key === "Escape") onClose(); }} />
        <Hits state={state} search={search} withChat={false} onGo={onGo} />
      </div>
    </aside>
  );
}
