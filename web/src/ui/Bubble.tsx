// One message in a chat: a system message in words, or a bubble with its sender (groups and
// rooms, in the sender's colour), "Forwarded", the message it replies to, its text or media (or
// that it was deleted), the reactions, and the meta line (★ when starred, "edited", view count,
// time, ticks). The first bubble of a group (grouping.ts) has the tail and the sender's name.
// Its menu opens from the ⌄ shown on hover and focus, or with a long press on a touch screen.

import { useRef, useState } from "preact/hooks";
import type { AppState, Chat, Message } from "../app/state";
import { FORWARDED_MANY } from "../app/message_actions";
import { hueOf } from "./Avatar";
import { MediaContent } from "./media/MediaContent";
import { deletedText, systemText, who, type Mode } from "./format";
import { MessageMenu, type MessageAction } from "./MessageMenu";
import { QuoteLink } from "./Quote";
import { RichText } from "./RichText";
import { Reactions } from "./Reactions";
import { clock } from "./time";
import { Ticks } from "./Ticks";
import { EyeIcon } from "./Icons";

const LONG_PRESS_MS = 500;

export function Bubble({ state, chat, m, views, before, cont, highlighted, onOpen, onAction }: {
  state: AppState; chat: Chat; m: Message; views?: number;
  before?: Mode;              // a `mode` system message: the mode before it
  cont?: boolean;             // continues the group of the message above: no tail, no sender
  highlighted: number;        // gone to from a search, a star or a quote: the jump's number (0: not)
  onOpen: (m: Message) => void; onAction: (a: MessageAction, m: Message) => void;
}) {
  const [menu, setMenu] = useState(false);
  const press = useRef<ReturnType<typeof setTimeout> | null>(null);
  // A jump's mark fades by CSS; the next jump to the same message restarts it (the other animation).
  const mark = highlighted ? ` highlight flash-${highlighted % 2}` : "";
  if (m.system) return <li class={`system${mark}`} data-seq={m.seq}><span>{systemText(state, m, before)}</span></li>;
  const mine = m.from === state.me;
  const deleted = !!m.deleted;
  const cancelPress = () => { if (press.current) clearTimeout(press.current); press.current = null; };
  const touch = {
    onPointerDown: (e: PointerEvent) => {
      if (e.pointerType !== "touch") return;
      cancelPress();
      press.current = setTimeout(() => { press.current = null; setMenu(true); }, LONG_PRESS_MS);
    },
    onPointerUp: cancelPress, onPointerCancel: cancelPress, onPointerMove: cancelPress,
  };
  const classes = ["bubble", mine ? "mine" : "theirs", cont ? "cont" : "tail", m.media && !deleted ? `media kind-${m.media.kind}` : "",
    deleted ? "deleted" : "", mark.trim(), menu ? "menu-open" : ""].filter(Boolean).join(" ");
  return (
    <li class={classes} data-seq={m.seq} {...touch}>
      <MessageMenu state={state} chat={chat} m={m} open={menu} onOpen={setMenu} onAction={onAction} />
      {!mine && !cont && chat.kind !== "direct" && <span class={`sender ${hueOf(m.from)}`}>{who(state, m.from)}</span>}
      {!!m.forwarded && !deleted && (
        <span class="forwarded" data-forwarded={m.forwarded}>↪ {m.forwarded >= FORWARDED_MANY ? "Forwarded many times" : "Forwarded"}</span>
      )}
      {!!m.reply_to && !deleted && <QuoteLink state={state} chat={m.chat} seq={m.reply_to} />}
      {deleted ? <span class="text tombstone"><em>🚫 {deletedText(mine)}</em></span> : (
        <>
          {m.media && <MediaContent state={state} media={m.media} onOpen={() => onOpen(m)} />}
          {(m.text || !m.media) && <span class="text"><RichText text={m.text} /></span>}
        </>
      )}
      <span class="meta">
        {m.starred && <span class="star" role="img" aria-label="Starred" data-starred>★</span>}
        {!!m.edited && !deleted && <span class="edited" data-edited>edited</span>}
        {views !== undefined && <span class="views" aria-label={`${views} views`} data-views={views}><EyeIcon /> {views}</span>}
        <time dateTime={new Date(m.ts).toISOString()}>{clock(m.ts)}</time>
        {mine && chat.kind !== "room" && !deleted && <Ticks tick={state.tick(chat, m.seq)} />}
      </span>
      <Reactions state={state} chat={chat} m={m} />
    </li>
  );
}
