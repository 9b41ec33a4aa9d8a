// The dialogs a message's menu and the chat menu open: forward to chats, delete (for me, or for
// everyone where allowed), and the disappearing-messages timer.

import { useState } from "preact/hooks";
import type { AppState, Chat, Message } from "../app/state";
import { nameMatches } from "../app/search";
import { Dialog } from "./Dialog";
import { disappearLabel, quoteLine, who } from "./format";

/** Forward: pick one or more chats (where I may post), then Forward. */
export function ForwardDialog({ state, m, onClose }: { state: AppState; m: Message; onClose: () => void }) {
  const [filter, setFilter] = useState("");
  const [chosen, setChosen] = useState<number[]>([]);
  const name = (c: Chat) => (c.kind === "direct" ? who(state, c.peer ?? 0) : c.name);
  const chats = state.chatList().filter((c) => state.canPost(c) && nameMatches(name(c), filter));
  const toggle = (chat: number) => setChosen((list) => (list.includes(chat) ? list.filter((c) => c !== chat) : [...list, chat]));
  return (
    <Dialog title="Forward message to" onClose={onClose}>
      <p class="hint forward-what">{quoteLine(m)}</p>
      <label for="forward-filter">Search chats</label>
      <input id="forward-filter" type="search" value={filter} onInput={(e) => setFilter((e.target as HTMLInputElement).value)} />
      <fieldset class="choice forward-chats">
        <legend>Chats</legend>
        {chats.length ? chats.map((c) => (
          <label class="check" key={c.chat}>
            <input type="checkbox" checked={chosen.includes(c.chat)} onChange={() => toggle(c.chat)} data-forward-to={c.chat} /> {name(c)}
          </label>
        )) : <p class="hint">No chat matches.</p>}
      </fieldset>
      <button type="button" class="primary" disabled={!chosen.length}
        onClick={() => { state.messageActions.forward(m, chosen); onClose(); }}>
        {chosen.length > 1 ? `Forward to ${chosen.length} chats` : "Forward"}
      </button>
    </Dialog>
  );
}

/** Delete: for me (this account's devices), or for everyone while the rules allow it. */
export function DeleteDialog({ state, chat, m, onClose }: { state: AppState; chat: Chat; m: Message; onClose: () => void }) {
  const act = state.messageActions;
  const everyone = act.canDeleteForEveryone(chat, m);
  return (
    <Dialog title="Delete message?" onClose={onClose}>
      <p class="hint">{everyone ? "Delete it for everyone in the chat, or only on your devices." : "It will be deleted on your devices only."}</p>
      <div class="dialog-actions">
        {everyone && <button type="button" class="danger" onClick={() => { act.remove(m, "everyone"); onClose(); }}>Delete for everyone</button>}
        <button type="button" class="danger" onClick={() => { act.remove(m, "me"); onClose(); }}>Delete for me</button>
        <button type="button" onClick={onClose}>Cancel</button>
      </div>
    </Dialog>
  );
}

const TIMERS: [number, string][] = [[0, "Off"], [86400, disappearLabel(86400)], [604800, disappearLabel(604800)], [7776000, disappearLabel(7776000)]];

/** The disappearing-messages timer: a choice applies at once and closes the dialog. */
export function DisappearingDialog({ state, chat, onClose }: { state: AppState; chat: Chat; onClose: () => void }) {
  const now = chat.disappear ?? 0;
  return (
    <Dialog title="Disappearing messages" onClose={onClose}>
      <p class="hint">New messages in this chat disappear for everyone this long after they are sent.</p>
      <fieldset class="choice">
        <legend>Timer</legend>
        {TIMERS.map(([seconds, label]) => (
          <label class="check" key={seconds}>
            <input type="radio" name="disappear" checked={now === seconds}
              onChange={() => { if (seconds !== now) state.change(chat.chat, "mode", [], { disappear: seconds }); onClose(); }} /> {label}
          </label>
        ))}
      </fieldset>
    </Dialog>
  );
}
