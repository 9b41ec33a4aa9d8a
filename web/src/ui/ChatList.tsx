// The chat list: most recent activity first, picture, preview, time, unread count, my last message's tick.

import type { AppState, Chat } from "../app/state";
import { Avatar } from "./Avatar";
import { preview, who } from "./format";
import { listTime } from "./time";
import { Ticks } from "./Ticks";
import { RoomIcon } from "./Icons";

function Row({ state, chat, selected }: { state: AppState; chat: Chat; selected: boolean }) {
  const typing = state.typists(chat.chat);
  const mineLast = chat.lastSender === state.me && chat.lastSeq > 0 && !chat.lastSystem;
  const peer = chat.peer !== undefined ? state.presence.get(chat.peer) : undefined;
  const name = chat.kind === "direct" ? who(state, chat.peer ?? 0) : chat.name;
  const label = `${name}${chat.unread ? `, ${chat.unread} unread` : ""}`;
  return (
    <li>
      <button type="button" class={`chat-row${selected ? " selected" : ""}`} aria-current={selected ? "true" : undefined}
        aria-label={label} data-chat={chat.chat} onClick={() => state.open({ chat: chat.chat })}>
        <Avatar state={state} id={chat.avatar} name={name} kind={chat.kind} online={peer?.online} />
        <span class="chat-row-main">
          <span class="chat-row-top">
            <span class="chat-name">{chat.kind === "room" && <><RoomIcon />{" "}</>}{name}</span>
            <span class={`chat-time${chat.unread ? " unread" : ""}`}>{listTime(chat.lastTs)}</span>
          </span>
          <span class="chat-row-bottom">
            <span class="chat-preview">
              {typing.length ? <em class="typing">typing…</em> : (
                <>{mineLast && <Ticks tick={state.tick(chat, chat.lastSeq)} />} {preview(state, chat)}</>
              )}
            </span>
            {chat.unread > 0 && <span class="badge" aria-hidden="true">{chat.unread}</span>}
          </span>
        </span>
      </button>
    </li>
  );
}

/** The chats (those `filter` keeps, when given); `empty` is said when none is left. */
export function ChatList({ state, filter, empty }: { state: AppState; filter?: (c: Chat) => boolean; empty?: string }) {
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
    <ul class="chat-list" aria-label="Chats" onKeyDown={keys}>
      {list.map((c) => <Row key={c.chat} state={state} chat={c} selected={c.chat === current} />)}
    </ul>
  );
}
