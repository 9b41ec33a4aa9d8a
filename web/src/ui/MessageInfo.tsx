// "Message info" for one of my messages (the message menu): in a group, who has read it and who
// has only received it, each with the time it reached them, and who is still waiting; in a
// one-to-one chat, when it was delivered and when read. Times come from the server where it
// knows them (docs/protocol.md §3 `receipts`); the lists refresh every few seconds while open.

import { useEffect } from "preact/hooks";
import type { Reached } from "../app/message_info";
import type { AppState, Chat, Message } from "../app/state";
import { Dialog } from "./Dialog";
import { quoteLine, who } from "./format";
import { PersonAvatar } from "./Avatar";
import { clock, dayLabel } from "./time";
import { Ticks } from "./Ticks";

/** "Today at 5:12 PM", "Yesterday at …", a weekday or the date; "—" when not known. */
export function infoTime(ts: number | undefined): string {
  return ts ? `${dayLabel(ts)} at ${clock(ts)}` : "—";
}

function Person({ state, r, field }: { state: AppState; r: Reached; field: "read" | "delivered" }) {
  const name = who(state, r.user);
  return (
    <li class="info-person" data-info-user={r.user}>
      <PersonAvatar state={state} user={r.user} small />
      <span class="info-name">{name}</span>
      <time class="info-time" data-info-time={field} dateTime={r[field] ? new Date(r[field]!).toISOString() : undefined}>
        {infoTime(r[field])}
      </time>
    </li>
  );
}

function Section({ state, title, tick, people, field }: {
  state: AppState; title: string; tick: "read" | "delivered"; people: Reached[]; field: "read" | "delivered";
}) {
  const id = `info-${tick}`;
  return (
    <section class="info-section" aria-labelledby={id} data-info-section={tick}>
      <h3 id={id}><span aria-hidden="true"><Ticks tick={tick} /></span> {title}</h3>
      {people.length ? <ul>{people.map((r) => <Person key={r.user} state={state} r={r} field={field} />)}</ul>
        : <p class="hint">No one yet.</p>}
    </section>
  );
}

export function MessageInfoDialog({ state, chat, m, onClose }: { state: AppState; chat: Chat; m: Message; onClose: () => void }) {
  const store = state.messageInfo;
  useEffect(() => {
    store.open(chat.chat, m.seq);
    return () => store.close();
  }, [chat.chat, m.seq]);
  const info = store.info;
  const peer = info && (info.read[0] ?? info.delivered[0]);   // one-to-one: the other member, once it reached them
  return (
    <Dialog title="Message info" onClose={onClose}>
      <p class="hint info-what">{quoteLine(m)}</p>
      {!info ? <p class="hint" role="status">Loading…</p> : chat.kind === "direct" ? (
        <dl class="info-direct" data-info-direct>
          <dt><span aria-hidden="true"><Ticks tick="read" /></span> Read</dt>
          <dd data-info-time="read">{infoTime(info.read[0]?.read)}</dd>
          <dt><span aria-hidden="true"><Ticks tick="delivered" /></span> Delivered</dt>
          <dd data-info-time="delivered">{infoTime(peer?.delivered)}</dd>
        </dl>
      ) : (
        <>
          <Section state={state} title="Read by" tick="read" people={info.read} field="read" />
          <Section state={state} title="Delivered to" tick="delivered" people={info.delivered} field="delivered" />
          {info.pending.length > 0 && (
            <p class="hint" data-info-pending>Not delivered yet to {info.pending.map((u) => who(state, u)).join(", ")}</p>
          )}
        </>
      )}
    </Dialog>
  );
}
