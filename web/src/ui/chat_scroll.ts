// Where a chat's message list is scrolled: at the end as messages arrive (unless scrolled up),
// in place when earlier messages load above, at the unread line when a chat opens with unread
// messages, where it was before a reload, at the end again for every message I send, and how
// many messages came in below while scrolled up (the "jump to latest" button).

import type { RefObject } from "preact";
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { Message } from "../app/state";
import type { UnreadSpan } from "../app/reading";

/** Closer than this to the end (px) counts as at the end. */
const END_PX = 40;
/** Room left above the unread line when a chat opens at it (px). */
const ABOVE_LINE_PX = 8;

const atEnd = (el: HTMLElement) => el.scrollHeight - el.scrollTop - el.clientHeight < END_PX;

/** Where the list was when the page went away (a reload), kept for this tab in sessionStorage. */
const PLACE_KEY = "parley.place";
interface Spot { key: string; seq: number; offset: number }

/** The first message at least partly in view, and how far below the list's top it starts. */
function spotOf(el: HTMLElement, key: string): Spot | null {
  const top = el.getBoundingClientRect().top;
  for (const li of el.querySelectorAll<HTMLElement>("li[data-seq]")) {
    const box = li.getBoundingClientRect();
    if (box.bottom > top) return { key, seq: Number(li.dataset.seq), offset: box.top - top };
  }
  return null;
}

/**
 * Whether this page reloads this tab's page (or comes back to it): only then can a spot be
 * kept for it, so a page opened afresh does not read sessionStorage at all (the first read is
 * a call to the browser process, milliseconds while the page loads).
 */
function revisited(): boolean {
  const nav = typeof performance !== "undefined" ? performance.getEntriesByType?.("navigation")[0] as PerformanceNavigationTiming | undefined : undefined;
  return nav?.type !== "navigate";
}

/** Whether the page before this one (a reload) kept a spot for chat `key` (the chat draws all its messages then: first_frame.ts). */
export function placeKept(key: string): boolean {
  if (!revisited()) return false;
  try {
    return (JSON.parse(sessionStorage.getItem(PLACE_KEY) ?? "null") as Spot | null)?.key === key;
  } catch {
    return false;
  }
}

/** The spot kept for chat `key` by the page before this one, taken (it is used once). */
function takeSpot(key: string): Spot | null {
  if (!revisited()) return null;
  try {
    const spot = JSON.parse(sessionStorage.getItem(PLACE_KEY) ?? "null") as Spot | null;
    if (spot?.key !== key) return null;
    sessionStorage.removeItem(PLACE_KEY);
    return spot;
  } catch {
    return null;
  }
}

export interface ChatScroll {
  /** Whether the view follows the end; a jump to a message sets it false. */
  stick: { current: boolean };
  /** Scrolled up from the end (the "jump to latest" button shows). */
  away: boolean;
  /** Messages of others that came in below since the view was last at the end. */
  fresh: number;
  /** Call from the list's scroll handler. */
  scrolled(): void;
  /** I sent something: the view goes to the end and follows it. */
  sent(): void;
  /** The "jump to latest" button: to the end. */
  toLatest(): void;
}

/**
 * `key` names the chat shown (a new one starts at the end, or at its unread line); `pending`
 * counts my messages on their way (one more brings the view to the end).
 */
export function useChatScroll(list: RefObject<HTMLElement>, key: string, messages: Message[], span: UnreadSpan | null,
  me: number, pending: number): ChatScroll {
  const stick = useRef(true);
  const shown = useRef("");             // the chat the refs below are about
  const prevTop = useRef<{ first: number; height: number } | null>(null);
  const placed = useRef(false);         // this opening's unread line was scrolled to
  const seen = useRef(0);               // the newest seq when the view was last at the end
  const sending = useRef(pending);
  const restore = useRef<Spot | null>(null);   // where to put the list back once its message is loaded
  const [away, setAway] = useState(false);
  const newest = messages.length ? messages[messages.length - 1].seq : 0;

  // A reload keeps the place: where the list was (unless at the end) is kept as the page goes.
  useEffect(() => {
    const keep = () => {
      const el = list.current;
      const spot = el && !atEnd(el) ? spotOf(el, shown.current) : null;   // (not `stick`: a scroll just made may not be told yet)
      try {
        if (spot) sessionStorage.setItem(PLACE_KEY, JSON.stringify(spot));
        else sessionStorage.removeItem(PLACE_KEY);
      } catch { /* storage off: a reload opens at the end */ }
    };
    addEventListener("pagehide", keep);
    return () => removeEventListener("pagehide", keep);
  }, []);

  useLayoutEffect(() => {
    const el = list.current;
    if (!el) return;
    if (shown.current !== key) {
      shown.current = key;
      stick.current = true;
      prevTop.current = null;
      placed.current = false;
      seen.current = 0;
      restore.current = takeSpot(key);
    }
    if (pending > sending.current) stick.current = true;   // mine always comes into view
    sending.current = pending;
    const first = messages[0]?.seq ?? 0;
    const line = span && !placed.current ? el.querySelector<HTMLElement>("[data-unread-line]") : null;
    // Back where it was before a reload: tried once, as the first messages show (the unread line wins).
    let spot: HTMLElement | null = null;
    let offset = 0;
    if (restore.current && (span || messages.length)) {
      if (!span) spot = el.querySelector<HTMLElement>(`li[data-seq="${restore.current.seq}"]`);
      offset = restore.current.offset;
      restore.current = null;
    }
    if (line) {
      placed.current = true;
      el.scrollTop += line.getBoundingClientRect().top - el.getBoundingClientRect().top - ABOVE_LINE_PX;
      stick.current = atEnd(el);
    } else if (spot) {
      el.scrollTop += spot.getBoundingClientRect().top - el.getBoundingClientRect().top - offset;
      stick.current = atEnd(el);
    } else if (prevTop.current && prevTop.current.first !== first && !stick.current) {
      el.scrollTop += el.scrollHeight - prevTop.current.height;   // earlier messages came in above
    } else if (stick.current) {
      el.scrollTop = el.scrollHeight;
    }
    prevTop.current = { first, height: el.scrollHeight };
    if (stick.current || !seen.current) seen.current = newest;
    setAway(!stick.current);
  });

  const toEnd = () => {
    const el = list.current;
    stick.current = true;
    seen.current = newest;
    if (el) el.scrollTop = el.scrollHeight;
    setAway(false);
  };
  return {
    stick,
    away,
    fresh: away ? messages.filter((m) => m.seq > seen.current && m.from !== me && !m.system).length : 0,
    scrolled() {
      const el = list.current;
      if (!el) return;
      stick.current = atEnd(el);
      if (stick.current) seen.current = newest;
      setAway(!stick.current);
    },
    sent() { stick.current = true; },
    toLatest: toEnd,
  };
}
