// A message's menu (the ⌄ on a bubble, shown on hover and on focus, or a long press on a touch
// screen): a row of reactions, then Reply, Forward, Star, Message info (my own, not in rooms), Edit
// and Delete as they apply.

import type { AppState, Chat, Message } from "../app/state";
import { REACTIONS } from "../app/message_actions";
import { ChevronIcon } from "./Icons";
import { Menu, MenuItem } from "./Menu";

/** What a bubble's menu asks the chat view to do (the rest it does itself). */
export type MessageAction = "reply" | "edit" | "forward" | "delete" | "info";

export function MessageMenu({ state, chat, m, open, onOpen, onAction }: {
  state: AppState; chat: Chat; m: Message; open: boolean; onOpen: (open: boolean) => void; onAction: (a: MessageAction, m: Message) => void;
}) {
  const act = state.messageActions;
  const ok = act.actionable(m);
  const mine = act.myReaction(chat, m);
  return (
    <Menu label="Message actions" button={<ChevronIcon />} open={open} onOpen={onOpen} class="msg-actions">
      {(close) => (
        <>
          {ok && (
            <div role="group" aria-label="React" class="react-row">
              {REACTIONS.map((e) => (
                <button key={e} type="button" role="menuitemradio" tabIndex={-1} aria-checked={mine === e ? "true" : "false"}
                  aria-label={mine === e ? `Remove reaction ${e}` : `React with ${e}`} class={`react-choice${mine === e ? " chosen" : ""}`}
                  onClick={() => { act.react(chat, m, e); close(); }}>{e}</button>
              ))}
            </div>
          )}
          {act.canReply(chat, m) && <MenuItem onSelect={() => { close(); onAction("reply", m); }}>Reply</MenuItem>}
          {ok && <MenuItem onSelect={() => { close(); onAction("forward", m); }}>Forward</MenuItem>}
          {ok && <MenuItem onSelect={() => { act.star(m, !m.starred); close(); }}>{m.starred ? "Unstar" : "Star"}</MenuItem>}
          {m.from === state.me && !m.system && chat.kind !== "room" && !chat.ended && (
            <MenuItem onSelect={() => { close(); onAction("info", m); }}>Message info</MenuItem>
          )}
          {act.canEdit(m) && <MenuItem onSelect={() => { close(); onAction("edit", m); }}>Edit</MenuItem>}
          <MenuItem danger onSelect={() => { close(); onAction("delete", m); }}>Delete</MenuItem>
        </>
      )}
    </Menu>
  );
}
