// One chat: header with presence / typing / members, messages with day separators and ticks,
// earlier messages on scroll, and the composer (Enter sends, Shift+Enter is a new line).

import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { AppState, Chat, Draft, Message, Outgoing } from "../app/state";
import { initials, systemText, who } from "./format";
import { clock, dayLabel, lastSeen, sameDay } from "./time";
import { Ticks } from "./Ticks";
import { EyeIcon, InfoIcon } from "./Icons";

function statusLine(state: AppState, chat: Chat | undefined, peer: number | undefined): string {
  const typists = chat ? state.typists(chat.chat) : [];
  if (chat && chat.kind !== "direct") {
    if (typists.length === 1) return `${who(state, typists[0])} is typing…`;
    if (typists.length > 1) return `${typists.length} people are typing…`;
    if (chat.kind === "room") return `${chat.memberCount} ${chat.memberCount === 1 ? "member" : "members"}`;
    const members = chat.info?.members.map((m) => who(state, m.user)) ?? [];
    return members.length ? members.join(", ") : `${chat.memberCount} members`;
  }
  if (typists.length) return "typing…";
  if (peer === undefined || peer === state.me) return "";
  const p = state.presence.get(peer);
  if (!p || p.hidden) return "";
  if (p.online) return "online";
  return p.lastSeen ? lastSeen(p.lastSeen) : "";
}

function Bubble({ state, chat, m, views }: { state: AppState; chat: Chat; m: Message; views?: number }) {
  if (m.system) return <li class="system" data-seq={m.seq}><span>{systemText(state, m)}</span></li>;
  const mine = m.from === state.me;
  return (
    <li class={`bubble ${mine ? "mine" : "theirs"}`} data-seq={m.seq}>
      {!mine && chat.kind === "group" && <span class="sender">{who(state, m.from)}</span>}
      <span class="text">{m.text}</span>
      <span class="meta">
        {views !== undefined && <span class="views" aria-label={`${views} views`} data-views={views}><EyeIcon /> {views}</span>}
        <time dateTime={new Date(m.ts).toISOString()}>{clock(m.ts)}</time>
        {mine && chat.kind !== "room" && <Ticks tick={state.tick(chat, m.seq)} />}
      </span>
    </li>
  );
}

function Queued({ state, o }: { state: AppState; o: Outgoing }) {
  return (
    <li class={`bubble mine ${o.failed ? "failed" : "pending"}`} data-pending={o.id}>
      <span class="text">{o.text}</span>
      <span class="meta">
        {o.failed ? (
          <>
            <span class="error-inline">{o.failed}</span>
            <button type="button" class="link" onClick={() => state.dismissFailed(o.id)}>Dismiss</button>
          </>
        ) : <span>waiting for network</span>}
        <Ticks tick={o.failed ? "failed" : "pending"} />
      </span>
    </li>
  );
}

function Composer({ state, chat, onSend }: { state: AppState; chat?: Chat; onSend: (text: string) => void }) {
  const [text, setText] = useState("");
  const ref = useRef<HTMLTextAreaElement>(null);
  const key = chat?.chat ?? 0;
  useEffect(() => { ref.current?.focus(); setText(""); }, [key]);
  function submit() {
    if (!text.trim()) return;
    onSend(text);
    setText("");
    ref.current?.focus();
  }
  const over = [...text].length > state.maxTextChars;
  return (
    <form class="composer" onSubmit={(e) => { e.preventDefault(); submit(); }}>
      <label for="composer-text" class="sr-only">Message</label>
      <textarea id="composer-text" ref={ref} rows={1} placeholder="Type a message" value={text}
        aria-invalid={over ? "true" : undefined}
        onInput={(e) => { setText((e.target as HTMLTextAreaElement).value); if (chat) state.typed(chat.chat); }}
        onBlur={() => chat && state.stopTyping(chat.chat)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
        }} />
      {over && <span class="error" role="alert">Too long: at most {state.maxTextChars} characters.</span>}
      <button type="submit" class="send" aria-label="Send" disabled={!text.trim() || over}>➤</button>
    </form>
  );
}

export function ChatView({ state, chatId, draft, onBack, onInfo }: {
  state: AppState; chatId?: number; draft?: Draft; onBack: () => void; onInfo: () => void;
}) {
  const chat = chatId !== undefined ? state.chats.get(chatId) : undefined;
  const messages = chatId !== undefined ? state.messages.get(chatId) ?? [] : [];
  const queued = state.outgoing(chatId !== undefined ? { chat: chatId } : { to: draft?.peer });
  const peer = chat?.kind === "direct" ? chat.peer : draft?.peer;
  const title = chat ? (chat.kind === "direct" ? who(state, chat.peer ?? 0) : chat.name) : draft ? who(state, draft.peer) : "";
  const views = chatId !== undefined ? state.views.get(chatId) : undefined;
  const listRef = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const prevTop = useRef<{ first: number; height: number } | null>(null);

  // Keep the view at the bottom as messages arrive, and in place when earlier ones load.
  useLayoutEffect(() => {
    const el = listRef.current;
    if (!el) return;
    const first = messages[0]?.seq ?? 0;
    if (prevTop.current && prevTop.current.first !== first && !stick.current) {
      el.scrollTop += el.scrollHeight - prevTop.current.height;
    } else if (stick.current) {
      el.scrollTop = el.scrollHeight;
    }
    prevTop.current = { first, height: el.scrollHeight };
  });
  useEffect(() => { stick.current = true; prevTop.current = null; }, [chatId, draft?.peer]);

  function onScroll() {
    const el = listRef.current;
    if (!el) return;
    stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
    if (el.scrollTop < 60 && chatId !== undefined && !state.complete.has(chatId)) void state.loadEarlier(chatId);
  }

  const canPost = chat ? state.canPost(chat) : true;
  const status = statusLine(state, chat, peer);
  const rows: preact.JSX.Element[] = [];
  let prev = 0;
  for (const m of messages) {
    if (!prev || !sameDay(prev, m.ts))
      rows.push(<li class="day" key={`d${m.seq}`}><span>{dayLabel(m.ts)}</span></li>);
    prev = m.ts;
    rows.push(<Bubble key={m.seq} state={state} chat={chat!} m={m} views={views?.get(m.seq)} />);
  }

  return (
    <section class="chat-view" aria-label={`Chat with ${title}`}>
      <header class="chat-head">
        <button type="button" class="icon back" aria-label="Back to chats" onClick={onBack}>←</button>
        <span class={`avatar kind-${chat?.kind ?? "direct"}`} aria-hidden="true">{initials(title)}</span>
        <div class="chat-title">
          <h2>{title}</h2>
          <p class="status" aria-live="polite" data-status>{status}</p>
        </div>
        {chat && chat.kind !== "direct" && (
          <button type="button" class="icon" aria-label={chat.kind === "room" ? "Room info" : "Group info"} onClick={onInfo}><InfoIcon /></button>
        )}
      </header>
      <div class="messages" ref={listRef} onScroll={onScroll}>
        {chatId !== undefined && !state.complete.has(chatId) && messages.length > 0 && (
          <button type="button" class="link load-earlier" onClick={() => void state.loadEarlier(chatId)}>Load earlier messages</button>
        )}
        <div role="log" aria-label="Messages" aria-live="polite">
          <ol>
            {rows}
            {queued.map((o) => <Queued key={o.id} state={state} o={o} />)}
          </ol>
        </div>
        {!messages.length && !queued.length && draft && <p class="empty-chat">Say hello to {title}.</p>}
      </div>
      {canPost ? (
        <Composer state={state} chat={chat} onSend={(t) => state.send(t)} />
      ) : (
        <p class="read-only" role="note">Only admins can send messages{chat?.kind === "room" ? " in this room" : ""}.</p>
      )}
    </section>
  );
}
