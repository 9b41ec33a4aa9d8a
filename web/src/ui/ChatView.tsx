// One chat: the header, messages (text, photos, videos, voice notes, files; replies, reactions,
// edits and deletes) with day separators and ticks, earlier messages on scroll, media on their
// way, the full-size viewer, files dropped on the chat, the composer (replying or editing), the
// dialogs a message's menu opens, and the scroll to a message gone to (search, star, quote).
// Where the list is scrolled (the unread line, "jump to latest") is chat_scroll.ts's.

import { useEffect, useRef, useState } from "preact/hooks";
import type { AppState, Draft, Message, Outgoing } from "../app/state";
import { Bubble } from "./Bubble";
import { ChatHeader } from "./ChatHeader";
import { Composer } from "./Composer";
import { RichText } from "./RichText";
import { UploadBubble } from "./media/UploadBubble";
import { Viewer } from "./media/Viewer";
import { modeOf, who, type Mode } from "./format";
import { DeleteDialog, DisappearingDialog, ForwardDialog } from "./MessageDialogs";
import type { MessageAction } from "./MessageMenu";
import { MessageInfoDialog } from "./MessageInfo";
import { dayLabel, sameDay } from "./time";
import { continues } from "./grouping";
import { Ticks } from "./Ticks";
import { placeKept, useChatScroll } from "./chat_scroll";
import { useFirstFrame } from "./first_frame";
import { onMessageListKey } from "./message_keys";
import { JumpToLatest, UnreadLine } from "./Unread";


function Queued({ state, o }: { state: AppState; o: Outgoing }) {
  return (
    <li class={`bubble mine ${o.failed ? "failed" : "pending"}`} data-pending={o.id}>
      <span class="text"><RichText text={o.text} /></span>
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

export function ChatView({ state, chatId, draft, onBack, onInfo, onSearch }: {
  state: AppState; chatId?: number; draft?: Draft; onBack: () => void; onInfo: () => void; onSearch: () => void;
}) {
  const chat = chatId !== undefined ? state.chats.get(chatId) : undefined;
  const messages = chatId !== undefined ? state.messages.get(chatId) ?? [] : [];
  const target = chatId !== undefined ? { chat: chatId } : { to: draft?.peer };
  const queued = state.outgoing(target);
  const sending = state.outgoingMedia(target);
  const [files, setFiles] = useState<File[]>([]);
  const [viewing, setViewing] = useState<Message | null>(null);
  const [dragging, setDragging] = useState(0);
  const [reply, setReply] = useState<Message | null>(null);
  const [editing, setEditing] = useState<Message | null>(null);
  const [dialog, setDialog] = useState<{ kind: "forward" | "delete" | "info"; m: Message } | { kind: "disappearing" } | null>(null);
  const [flash, setFlash] = useState<{ seq: number; n: number } | null>(null);   // the message gone to last (CSS fades its mark)
  const title = chat ? (chat.kind === "direct" ? who(state, chat.peer ?? 0) : chat.name) : draft ? who(state, draft.peer) : "";
  const views = chatId !== undefined ? state.views.get(chatId) : undefined;
  const listRef = useRef<HTMLDivElement>(null);
  const unread = chatId !== undefined ? state.reading.span(chatId) : null;   // the "N unread messages" line
  const jump = state.finder.highlight;
  const jumped = useRef(0);   // the last jump scrolled to (coming back to the chat does not do it again)
  const key = chatId !== undefined ? `c${chatId}` : `d${draft?.peer}`;
  // Opening at its end, a chat's first frame draws its newest messages only (first_frame.ts).
  const frame = useFirstFrame(key, !unread && !(jump && jump.chat === chatId && jump.n !== jumped.current) && !placeKept(key));
  const from = frame.count === null ? 0 : Math.max(0, messages.length - frame.count);
  // At the end as messages arrive and I send, in place when earlier ones load, at the unread line on opening.
  const scroll = useChatScroll(listRef, key, from ? messages.slice(from) : messages, unread, state.me, queued.length + sending.length);
  const stick = scroll.stick;
  useEffect(() => {
    setFiles((f) => (f.length ? [] : f));   // (the same list when empty: no second render of a chat just opened)
    setViewing(null); setReply(null); setEditing(null); setDialog(null);
    setFlash(null);
  }, [chatId, draft?.peer]);
  // A message gone to (a search result, a star, a quote): scrolled to the middle and highlighted a moment.
  useEffect(() => {
    if (!jump || jump.chat !== chatId || jump.n === jumped.current) return;
    const el = listRef.current?.querySelector<HTMLElement>(`[data-seq="${jump.seq}"]`);
    if (!el) return;
    jumped.current = jump.n;
    stick.current = false;
    el.scrollIntoView({ block: "center" });
    setFlash({ seq: jump.seq, n: jump.n });
  }, [jump?.n, chatId]);
  // A message being replied to or edited that goes (deleted, hidden, expired) ends the reply or edit.
  useEffect(() => {
    if (reply && !messages.some((m) => m.seq === reply.seq && !m.deleted)) setReply(null);
    if (editing && !messages.some((m) => m.seq === editing.seq && !m.deleted)) setEditing(null);
  });

  function onScroll() {
    const el = listRef.current;
    if (!el) return;
    scroll.scrolled();
    if (!stick.current) frame.expand();   // scrolled up from the end: all those loaded
    if (el.scrollTop < 60 && chatId !== undefined && !state.complete.has(chatId)) void state.loadEarlier(chatId);
  }

  const canPost = chat ? state.canPost(chat) : true;
  const peer = chat?.kind === "direct" ? chat.peer : draft?.peer;
  const blocked = peer !== undefined && peer !== state.me && state.people.blocked(peer);
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
  function onAction(a: MessageAction, m: Message) {
    if (a === "reply") { setEditing(null); setReply(m); }
    else if (a === "edit") { setReply(null); setEditing(m); }
    else setDialog({ kind: a, m });
  }
  const rows: preact.JSX.Element[] = [];
  let prev = 0;
  let above: Message | undefined;   // the message shown just above, for grouping
  let mode: Mode | undefined;   // the mode the last `mode` system message set (unknown before the first loaded)
  messages.forEach((m, i) => {
    const drawn = i >= from;
    if (drawn && (!prev || i === from || !sameDay(prev, m.ts)))
      rows.push(<li class="day" key={`d${m.seq}`}><span>{dayLabel(m.ts)}</span></li>);
    prev = m.ts;
    if (unread?.seq === m.seq) rows.push(<UnreadLine key="unread" count={unread.count} />);
    const before = mode;
    if (m.system?.event === "mode") mode = modeOf(m.system);
    const cont = continues(above, m);
    above = m;
    if (drawn) rows.push(<Bubble key={m.seq} state={state} chat={chat!} m={m} views={views?.get(m.seq)} before={before} cont={cont} highlighted={flash?.seq === m.seq ? flash.n : 0}
      onOpen={setViewing} onAction={onAction} />);
  });

  return (
    <section class="chat-view" aria-label={`Chat with ${title}`} {...drag}>
      <ChatHeader state={state} chat={chat} draft={draft} title={title} onBack={onBack} onInfo={onInfo} onSearch={onSearch}
        onDisappearing={() => setDialog({ kind: "disappearing" })} />
      <div class="messages" ref={listRef} onScroll={onScroll}>
        {chatId !== undefined && !state.complete.has(chatId) && messages.length > 0 && (
          <button type="button" class="link load-earlier" onClick={() => { frame.expand(); void state.loadEarlier(chatId); }}>Load earlier messages</button>
        )}
        <div role="log" aria-label="Messages" aria-live="polite" tabIndex={0} onKeyDown={onMessageListKey}>
          <ol>
            {rows}
            {queued.map((o) => <Queued key={o.id} state={state} o={o} />)}
            {sending.map((item) => <UploadBubble key={item.id} state={state} item={item} />)}
          </ol>
        </div>
        {!messages.length && !queued.length && !sending.length && draft && <p class="empty-chat">Say hello to {title}.</p>}
        {scroll.away && messages.length > 0 && <JumpToLatest fresh={scroll.fresh} onJump={scroll.toLatest} />}
      </div>
      {blocked ? (
        <p class="read-only" role="note" data-blocked-note>
          You blocked {title}.{" "}
          <button type="button" class="link" onClick={() => state.people.block(peer!, false).catch((e: unknown) => state.notify(String(e instanceof Error ? e.message : e)))}>
            Unblock
          </button>
        </p>
      ) : chat?.ended ? (
        <p class="read-only" role="note" data-former>You can't send messages to this group because you're no longer a member.</p>
      ) : canPost ? (
        <Composer state={state} chat={chat} files={files} onFiles={setFiles} reply={reply} editing={editing}
          onCancel={() => { setReply(null); setEditing(null); }} onSent={() => { stick.current = true; }} />
      ) : (
        <p class="read-only" role="note">Only admins can send messages{chat?.kind === "room" ? " in this room" : ""}.</p>
      )}
      {dragging > 0 && <div class="drop-overlay" aria-hidden="true" data-drop-overlay><span>Drop files to send them</span></div>}
      {viewing?.media && <Viewer state={state} message={viewing} onClose={() => setViewing(null)} />}
      {dialog?.kind === "forward" && <ForwardDialog state={state} m={dialog.m} onClose={() => setDialog(null)} />}
      {dialog?.kind === "delete" && chat && <DeleteDialog state={state} chat={chat} m={dialog.m} onClose={() => setDialog(null)} />}
      {dialog?.kind === "disappearing" && chat && <DisappearingDialog state={state} chat={chat} onClose={() => setDialog(null)} />}
      {dialog?.kind === "info" && chat && <MessageInfoDialog state={state} chat={chat} m={dialog.m} onClose={() => setDialog(null)} />}
    </section>
  );
}
