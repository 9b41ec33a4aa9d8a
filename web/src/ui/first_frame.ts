// A chat's first frame draws only its newest messages, a screenful and a margin; the rest of
// those loaded (a page is 50) follow once the page is idle, or at once when the list is
// scrolled. Drawing, styling and laying out the bubbles is most of the work between a chat's
// messages being read (from IndexedDB: a few milliseconds) and the chat on screen. Only for a
// chat that opens at its end: one opening at its unread line, at a message gone to, or where a
// reload left it draws everything at once.

import { useEffect, useRef, useState } from "preact/hooks";
import { whenIdle } from "./idle";

/** Bubbles in a first frame: a screenful of one-line bubbles (about 30 px each) and a few more. */
export function firstFrameCount(height = typeof innerHeight === "number" ? innerHeight : 800): number {
  return Math.max(20, Math.ceil(height / 30) + 4);
}

export interface FirstFrame {
  /** How many of the newest messages to draw; null: all of them. */
  count: number | null;
  /** Draws them all now (the list was scrolled). */
  expand(): void;
}

/** For the chat `key`: `eligible` when it opens at its end (checked on each render: a jump or an unread line ends the limit at once). */
export function useFirstFrame(key: string, eligible: boolean): FirstFrame {
  const limit = useRef({ key: "", on: false });
  const [, redraw] = useState(0);
  if (limit.current.key !== key) limit.current = { key, on: eligible };
  if (!eligible) limit.current.on = false;
  const expand = () => {
    if (!limit.current.on) return;
    limit.current.on = false;
    redraw((n) => n + 1);
  };
  useEffect(() => (limit.current.on ? whenIdle(expand, 500, 50) : undefined), [key]);
  return { count: limit.current.on ? firstFrameCount() : null, expand };
}
