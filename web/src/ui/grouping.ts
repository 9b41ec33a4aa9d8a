// Which bubbles go together: consecutive messages of one sender, on one day, each within a few
// minutes of the one before, form a group. Only the first of a group has the bubble's tail and
// (in groups and rooms) the sender's name; the rest sit closer together.

import type { Message } from "../app/state";
import { sameDay } from "./time";

/** The longest pause within a group. */
export const GROUP_GAP_MS = 5 * 60_000;

/** Whether `m` continues the group of `prev`, the message shown just above it. */
export function continues(prev: Message | undefined, m: Message): boolean {
  return !!prev && !prev.system && !m.system && prev.from === m.from && m.ts - prev.ts <= GROUP_GAP_MS && sameDay(prev.ts, m.ts);
}
