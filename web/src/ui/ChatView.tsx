// One chat: header with presence / typing / members, messages (text, photos, videos, voice
// notes, files) with day separators and ticks, earlier messages on scroll, media on their way,
// the full-size viewer, files dropped on the chat, and the composer.

import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { AppState, Chat, Draft, Message, Outgoing } from "../app/state";
import { Composer } from "./Composer";
import { MediaContent } from "./media/MediaContent";
import { UploadBubble } from "./media/UploadBubble";
import { Viewer } from "./media/Viewer";
import { Avatar } from "./Avatar";
import { systemText, who } from "./format";
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

function Bubble({ state, chat, m, views, onOpen }: { state: AppState; chat: Chat; m: Message; views?: number; onOpen: (m: Message) => void }) {
  if (m.system) return <li class="system" data-seq={m.seq}><span>{systemText(state, m)}</span></li>;
  const mine = m.from === state.me;
  return (
    <li class={`bubble ${mine ? "mine" : "theirs"}${m.media ? ` media kind-${m.media.kind}` : ""}`} data-seq={m.seq}>
      {!mine && chat.kind === "group" && <span class="sender">{who(state, m.from)}</span>}
      {m.media && <MediaContent state={state} media={m.media} onOpen={() => onOpen(m)} />}
      {(m.text || !m.media) && <span class="text">{m.text}</span>}
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

export function ChatView({ state, chatId, draft, onBack, onInfo }: {
  state: AppState; chatId?: number; draft?: Draft; onBack: () => void; onInfo: () => void;
}) {
  const chat = chatId !== undefined ? state.chats.get(chatId) : undefined;
  const messages = chatId !== undefined ? state.messages.get(chatId) ?? [] : [];
  const target = chatId !== undefined ? { chat: chatId } : { to: draft?.peer };
  const queued = state.outgoing(target);
  const sending = state.outgoingMedia(target);
  const [files, setFiles] = useState<File[]>([]);
  const [viewing, setViewing] = useState<Message | null>(null);
  const [dragging, setDragging] = useState(0);
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
  useEffect(() => { stick.current = true; prevTop.current = null; setFiles([]); setViewing(null); }, [chatId, draft?.peer]);
  useEffect(() => { if (sending.length) stick.current = true; }, [sending.length]);

  function onScroll() {
    const el = listRef.current;
    if (!el) return;
    stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
    if (el.scrollTop < 60 && chatId !== undefined && !state.complete.has(chatId)) void state.loadEarlier(chatId);
  }

  const canPost = chat ? state.canPost(chat) : true;
  // Files dragged over the chat: an overlay says they can be dropped; dropped, they wait in the composer.
  const hasFiles = (e: DragEvent) => canPost && !!e.dataTransfer?.types.includes("Files");
  const drag = {
    onDragEnter: (e: DragEvent) => { if (hasFiles(e)) { e.preventDefault(); setDragging((n) => n + 1); } },
    onDragOver: (e: DragEvent) => { if (hasFiles(e)) { e.preventDefault(); e.dataTransfer!.dropEffect = "copy"; } },
    onDragLeave: (e: DragEvent) => { if (hasFiles(e)) setDragging((n) => Math.max(0, n - 1)); },
    onDrop: (e: DragEvent) => {
      setDragging(0);
      const dropped = [...(e.dataTransfer?.files ?? [])];
      if (!canPost || !dropped.length) return;
      e.preventDefault();
      setFiles((f) => [...f, ...dropped]);
    },
  };
  const status = statusLine(state, chat, peer);
  const rows: preact.JSX.Element[] = [];
  let prev = 0;
  for (const m of messages) {
    if (!prev || !sameDay(prev, m.ts))
      rows.push(<li class="day" key={`d${m.seq}`}><span>{dayLabel(m.ts)}</span></li>);
    prev = m.ts;
    rows.push(<Bubble key={m.seq} state={state} chat={chat!} m={m} views={views?.get(m.seq)} onOpen={setViewing} />);
  }

  return (
    <section class="chat-view" aria-label={`Chat with ${title}`} {...drag}>
      <header class="chat-head">
        <button type="button" class="icon back" aria-label="Back to chats" onClick={onBack}>←</button>
        <Avatar state={state} id={chat?.avatar} name={title} kind={chat?.kind ?? "direct"} />
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
            {sending.map((item) => <UploadBubble key={item.id} state={state} item={item} />)}
          </ol>
        </div>
        {!messages.length && !queued.length && !sending.length && draft && <p class="empty-chat">Say hello to {title}.</p>}
      </div>
      {canPost ? (
        <Composer state={state} chat={chat} files={files} onFiles={setFiles} />
      ) : (
        <p class="read-only" role="note">Only admins can send messages{chat?.kind === "room" ? " in this room" : ""}.</p>
      )}
      {dragging > 0 && <div class="drop-overlay" aria-hidden="true" data-drop-overlay><span>Drop files to send them</span></div>}
      {viewing?.media && <Viewer state={state} message={viewing} onClose={() => setViewing(null)} />}
    </section>
  );
}
