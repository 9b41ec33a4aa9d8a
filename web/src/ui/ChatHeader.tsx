// A chat's header: back (narrow screens), picture, name, the status line (presence, typing,
// members), the chat's mode (disappearing, temporary), "Search in chat", the chat menu (the
// modes, for who may change them) and group / room info.

import { useState } from "preact/hooks";
import type { AppState, Chat, Draft } from "../app/state";
import { Avatar } from "./Avatar";
import { disappearLabel, who } from "./format";
import { InfoIcon, MoreIcon, SearchIcon, TimerIcon } from "./Icons";
import { Menu, MenuItem } from "./Menu";
import { lastSeen } from "./time";

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

/** Whether I may change the chat's modes: either member of a one-to-one chat, a group's admins. */
export function canChangeMode(chat: Chat): boolean {
  return chat.kind === "direct" || (chat.kind === "group" && chat.info?.role === "admin");
}

export function ChatHeader({ state, chat, draft, title, onBack, onInfo, onSearch, onDisappearing }: {
  state: AppState; chat?: Chat; draft?: Draft; title: string;
  onBack: () => void; onInfo: () => void; onSearch: () => void; onDisappearing: () => void;
}) {
  const [menu, setMenu] = useState(false);
  const peer = chat?.kind === "direct" ? chat.peer : draft?.peer;
  const modes = chat && canChangeMode(chat);
  return (
    <header class="chat-head">
      <button type="button" class="icon back" aria-label="Back to chats" onClick={onBack}>←</button>
      <Avatar state={state} id={chat?.avatar} name={title} kind={chat?.kind ?? "direct"} />
      <div class="chat-title">
        <h2>{title}</h2>
        <p class="status" aria-live="polite" data-status>{statusLine(state, chat, peer)}</p>
      </div>
      {!!chat?.disappear && (
        <span class="mode-badge" role="img" aria-label={`Disappearing messages: ${disappearLabel(chat.disappear)}`} data-disappear={chat.disappear}>
          <TimerIcon /> {disappearLabel(chat.disappear)}
        </span>
      )}
      {chat?.temporary && <span class="mode-badge" data-temporary>Temporary</span>}
      {chat && <button type="button" class="icon" aria-label="Search in chat" onClick={onSearch}><SearchIcon /></button>}
      {modes && (
        <Menu label="Chat menu" button={<MoreIcon />} open={menu} onOpen={setMenu} class="chat-menu">
          {(close) => (
            <>
              <MenuItem onSelect={() => { close(); onDisappearing(); }}>Disappearing messages</MenuItem>
              <MenuItem onSelect={() => { close(); state.change(chat.chat, "mode", [], { temporary: !chat.temporary }); }}>
                {chat.temporary ? "Turn off temporary chat" : "Turn on temporary chat"}
              </MenuItem>
            </>
          )}
        </Menu>
      )}
      {chat && chat.kind !== "direct" && (
        <button type="button" class="icon" aria-label={chat.kind === "room" ? "Room info" : "Group info"} onClick={onInfo}><InfoIcon /></button>
      )}
    </header>
  );
}
