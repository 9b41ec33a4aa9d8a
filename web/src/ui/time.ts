// Times and days as a chat app shows them, in the browser's locale.

import { dateFormat } from "./date_formats";

const DAY = 86_400_000;

function startOfDay(ts: number): number {
  const d = new Date(ts);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

// The locale's own way to write a time: "5:12 PM" in the US (no leading zero), "17:12" in Germany.
// Each format is made once and reused (date_formats.ts: without Intl on a page's first paint).
export const clock = dateFormat("clock", { hour: "numeric", minute: "2-digit" });
const weekday = dateFormat("weekday", { weekday: "long" });
const longDate = dateFormat("longDate", { year: "numeric", month: "long", day: "numeric" });
const shortDate = dateFormat("shortDate", {});

/** "Today", "Yesterday", a weekday within a week, else the date. */
export function dayLabel(ts: number, now = Date.now()): string {
  const days = Math.round((startOfDay(now) - startOfDay(ts)) / DAY);
  if (days === 0) return "Today";
  if (days === 1) return "Yesterday";
  if (days > 1 && days < 7) return weekday(ts);
  return longDate(ts);
}

export function sameDay(a: number, b: number): boolean {
  return startOfDay(a) === startOfDay(b);
}

/** The chat list's time: the clock today, else the day. */
export function listTime(ts: number, now = Date.now()): string {
  if (!ts) return "";
  if (sameDay(ts, now)) return clock(ts);
  const label = dayLabel(ts, now);
  return label.length > 12 ? shortDate(ts) : label;
}

export function lastSeen(ts: number, now = Date.now()): string {
  const day = sameDay(ts, now) ? "today" : dayLabel(ts, now) === "Yesterday" ? "yesterday" : dayLabel(ts, now);
  return `last seen ${day} at ${clock(ts)}`;
}

/** When an invite ends: "expires today at 14:05", "tomorrow at …", "on Friday at …", or the date. */
export function expires(ts: number, now = Date.now()): string {
  const days = Math.round((startOfDay(ts) - startOfDay(now)) / DAY);
  const day = days <= 0 ? "today" : days === 1 ? "tomorrow"
    : `on ${days < 7 ? weekday(ts) : longDate(ts)}`;
  return `expires ${day} at ${clock(ts)}`;
}
