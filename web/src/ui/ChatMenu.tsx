// The chat header's menu (⋮): my settings of the chat, shared by all my devices (mute for 8
// hours, a week or always; pin; archive), blocking the other person of a one-to-one chat, and
// the chat's modes for who may change them (disappearing messages, temporary chat).

import { useState } from "preact/hooks";
import type { AppState, Chat } from "../app/state";
import { who } from "./format";
import { MoreIcon } from "./Icons";
import { Menu, MenuItem } from "./Menu";

/** Whether I may change the chat's modes: either member of a one-to-one chat, a group's admins. */
export function canChangeMode(chat: Chat): boolean {
  return chat.kind === "direct" || (chat.kind === "group" && chat.info?.role === "admin");
}

export function ChatMenu({ state, chat, onDisappearing }: { state: AppState; chat: Chat; onDisappearing: () => void }) {
  const [open, setOpen] = useState(false);
  const prefs = state.prefs;
  const muted = prefs.muted(chat);
  const peer = chat.kind === "direct" && chat.peer !== state.me ? chat.peer : undefined;
  const blocked = peer !== undefined && state.people.blocked(peer);
  const block = (on: boolean) => {
    if (peer === undefined) return;
    state.people.block(peer, on).catch((e: unknown) => state.notify(e instanceof Error ? e.message : String(e)));
  };
  return (
    <Menu label="Chat menu" button={<MoreIcon />} open={open} onOpen={setOpen} class="chat-menu">
      {(close) => (
        <>
          {muted ? <MenuItem onSelect={() => { close(); void prefs.mute(chat.chat, "off"); }}>Unmute</MenuItem> : (
            <>
              <MenuItem onSelect={() => { close(); void prefs.mute(chat.chat, "8h"); }}>Mute for 8 hours</MenuItem>
              <MenuItem onSelect={() => { close(); void prefs.mute(chat.chat, "1w"); }}>Mute for 1 week</MenuItem>
              <MenuItem onSelect={() => { close(); void prefs.mute(chat.chat, "always"); }}>Mute always</MenuItem>
            </>
          )}
          <MenuItem onSelect={() => { close(); void prefs.pin(chat.chat, !chat.pinned); }}>{chat.pinned ? "Unpin chat" : "Pin chat"}</MenuItem>
          <MenuItem onSelect={() => { close(); void prefs.archive(chat.chat, !chat.archived); }}>
            {chat.archived ? "Unarchive chat" : "Archive chat"}
          </MenuItem>
          {peer !== undefined && (
            <MenuItem danger={!blocked} onSelect={() => { close(); block(!blocked); }}>
              {blocked ? `Unblock ${who(state, peer)}` : `Block ${who(state, peer)}`}
            </MenuItem>
          )}
          {canChangeMode(chat) && (
            <>
              <MenuItem onSelect={() => { close(); onDisappearing(); }}>Disappearing messages</MenuItem>
              <MenuItem onSelect={() => { close(); state.change(chat.chat, "mode", [], { temporary: !chat.temporary }); }}>
                {chat.temporary ? "Turn off temporary chat" : "Turn on temporary chat"}
              </MenuItem>
            </>
          )}
        </>
      )}
    </Menu>
  );
}
