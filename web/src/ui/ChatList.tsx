// The chat list: pinned chats first (with a pin), then by most recent activity; picture,
// preview, time, unread count, my last message's tick, a bell for a muted chat. Archived chats
// are under "Archived", opened and closed by its button.

import { useState } from "preact/hooks";
import type { AppState, Chat } from "../app/state";
import { Avatar } from "./Avatar";
import { preview, who } from "./format";
import { listTime } from "./time";
import { Ticks } from "./Ticks";
import { ArchiveIcon, MutedIcon, PinIcon, RoomIcon } from "./Icons";

function Row({ state, chat, selected }: { state: AppState; chat: Chat; selected: boolean }) {
  const typing = state.typists(chat.chat);
  const mineLast = chat.lastSender === state.me && chat.lastSeq > 0 && !chat.lastSystem;
  const peer = chat.peer !== undefined ? state.presence.get(chat.peer) : undefined;
  const name = chat.kind === "direct" ? who(state, chat.peer ?? 0) : chat.name;
  const muted = state.prefs.muted(chat);
  const label = `${name}${chat.pinned ? ", pinned" : ""}${muted ? ", muted" : ""}${chat.unread ? `, ${chat.unread} unread` : ""}`;
  return (
    <li>
      <button type="button" class={`chat-row${selected ? " selected" : ""}`} aria-current={selected ? "true" : undefined}
        aria-label={label} data-chat={chat.chat} data-pinned={chat.pinned ? "true" : undefined} data-muted={muted ? "true" : undefined}
        data-archived={chat.archived ? "true" : undefined} onClick={() => state.open({ chat: chat.chat })}>
        <Avatar state={state} id={chat.avatar} name={name} kind={chat.kind} user={chat.peer} online={peer?.online} />
        <span class="chat-row-main">
          <span class="chat-row-top">
            <span class="chat-name">{chat.kind === "room" && <><RoomIcon />{" "}</>}{name}</span>
            <span class={`chat-time${chat.unread && !muted ? " unread" : ""}`}>{listTime(chat.lastTs)}</span>
          </span>
          <span class="chat-row-bottom">
            <span class="chat-preview">
              {typing.length ? <em class="typing">typing…</em> : (
                <>{mineLast && <Ticks tick={state.tick(chat, chat.lastSeq)} />} {preview(state, chat)}</>
              )}
            </span>
            {muted && <span class="row-mark" data-mark="muted"><MutedIcon /></span>}
            {chat.pinned && <span class="row-mark" data-mark="pinned"><PinIcon /></span>}
            {chat.unread > 0 && <span class={`badge${muted ? " quiet" : ""}`} aria-hidden="true">{chat.unread}</span>}
          </span>
        </span>
      </button>
    </li>
  );
}

/** The chats (those `filter` keeps, when given); `empty` is said when none is left. */
export function ChatList({ state, filter, empty, label = "Chats" }: {
  state: AppState; filter?: (c: Chat) => boolean; empty?: string; label?: string;
}) {
  const list = filter ? state.chatList().filter(filter) : state.chatList();
  const current = state.view && "chat" in state.view ? state.view.chat : 0;
  function keys(e: KeyboardEvent) {
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    const rows = [...(e.currentTarget as HTMLElement).querySelectorAll<HTMLButtonElement>(".chat-row")];
    const i = rows.indexOf(document.activeElement as HTMLButtonElement);
    const next = rows[Math.max(0, Math.min(rows.length - 1, i + (e.key === "ArrowDown" ? 1 : -1)))];
    next?.focus();
    e.preventDefault();
  }
  if (!list.length)
    return <p class="empty-list">{empty ?? <>No chats yet. Start one with <strong>New chat</strong>.</>}</p>;
  return (
    <ul class="chat-list" aria-label={label} onKeyDown={keys}>
      {list.map((c) => <Row key={c.chat} state={state} chat={c} selected={c.chat === current} />)}
    </ul>
  );
}

/** The chat list, with the archived chats behind their "Archived" button above it. */
export function ChatLists({ state }: { state: AppState }) {
  const [open, setOpen] = useState(false);
  const archived = state.chatList().filter((c) => c.archived);
  const unread = archived.filter((c) => c.unread > 0).length;
  return (
    <div class="chat-scroll">
      {archived.length > 0 && (
        <button type="button" class="archived-toggle" aria-expanded={open ? "true" : "false"} aria-controls="archived-chats"
          onClick={() => setOpen(!open)} data-archived-count={archived.length}>
          <ArchiveIcon /> Archived ({archived.length}){unread ? `, ${unread} unread` : ""}
        </button>
      )}
      {open && archived.length > 0 && (
        <div id="archived-chats" class="archived">
          <ChatList state={state} filter={(c) => c.archived} label="Archived chats" />
        </div>
      )}
      <ChatList state={state} filter={(c) => !c.archived}
        empty={archived.length ? "Every chat is archived." : undefined} />
    </div>
  );
}
