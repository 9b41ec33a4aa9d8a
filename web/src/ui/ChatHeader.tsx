// A chat's header: back (narrow screens), picture, name, the status line (presence, typing,
// members), marks for muted and pinned, the chat's mode (disappearing, temporary), "Search in
// chat", the chat menu (ChatMenu.tsx) and group / room info.

import type { AppState, Chat, Draft } from "../app/state";
import { Avatar } from "./Avatar";
import { ChatMenu } from "./ChatMenu";
import { disappearLabel, who } from "./format";
import { InfoIcon, MutedIcon, PinIcon, SearchIcon, TimerIcon } from "./Icons";
import { lastSeen } from "./time";

function statusLine(state: AppState, chat: Chat | undefined, peer: number | undefined): string {
  const typists = chat ? state.typists(chat.chat) : [];
  if (chat?.ended) return "";   // no longer a member: who is in it now is not mine to know
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
  if (p?.online) return "online";
  if (p?.lastSeen && !p.hidden) return lastSeen(p.lastSeen);
  return state.people.get(peer)?.about ?? "";   // nothing to say of presence: their about line
}

export function ChatHeader({ state, chat, draft, title, onBack, onInfo, onSearch, onDisappearing }: {
  state: AppState; chat?: Chat; draft?: Draft; title: string;
  onBack: () => void; onInfo: () => void; onSearch: () => void; onDisappearing: () => void;
}) {
  const peer = chat?.kind === "direct" ? chat.peer : draft?.peer;
  const muted = !!chat && state.prefs.muted(chat);
  return (
    <header class="chat-head">
      <button type="button" class="icon back" aria-label="Back to chats" onClick={onBack}>←</button>
      <Avatar state={state} id={chat?.avatar} name={title} kind={chat?.kind ?? "direct"} user={peer} />
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
      {muted && <span class="head-mark" role="img" aria-label="Muted" data-muted><MutedIcon /></span>}
      {chat?.pinned && <span class="head-mark" role="img" aria-label="Pinned" data-pinned><PinIcon /></span>}
      {chat && <button type="button" class="icon" aria-label="Search in chat" onClick={onSearch}><SearchIcon /></button>}
      {chat && !chat.ended && <ChatMenu state={state} chat={chat} onDisappearing={onDisappearing} />}
      {chat && chat.kind !== "direct" && !chat.ended && (
        <button type="button" class="icon" aria-label={chat.kind === "room" ? "Room info" : "Group info"} onClick={onInfo}><InfoIcon /></button>
      )}
    </header>
  );
}
