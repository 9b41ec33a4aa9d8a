// Reading a chat: the "N unread messages" line above the first message that came while I was
// away, and the "jump to latest" button at the bottom right of the list, with the number of
// messages that came in below while scrolled up.

const DownIcon = () => (
  <svg width={22} height={22} viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width={2} stroke-linecap="round"
    stroke-linejoin="round" aria-hidden="true"><path d="M6 9l6 6 6-6" /></svg>
);

export const unreadText = (n: number) => `${n} unread ${n === 1 ? "message" : "messages"}`;

/** A row of the message list (an <li>, like the day separators). */
export function UnreadLine({ count }: { count: number }) {
  return <li class="unread-line" data-unread-line={count}><span>{unreadText(count)}</span></li>;
}

/** Shown while scrolled up from the end; `fresh`: messages that came in below meanwhile. */
export function JumpToLatest({ fresh, onJump }: { fresh: number; onJump: () => void }) {
  const label = fresh ? `Jump to latest message, ${fresh} new` : "Jump to latest message";
  return (
    <div class="jump-latest-wrap">
      <button type="button" class="jump-latest" aria-label={label} title="Jump to latest message" data-jump-latest={fresh}
        onClick={(e) => {
          // The button goes once at the end: focus stays in the list rather than falling to the page.
          const log = (e.currentTarget as HTMLElement).closest(".messages")?.querySelector<HTMLElement>("[role=log]");
          onJump();
          log?.focus({ preventScroll: true });
        }}>
        <DownIcon />
        {fresh > 0 && <span class="jump-count" aria-hidden="true">{fresh}</span>}
      </button>
    </div>
  );
}
