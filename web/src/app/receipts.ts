// Ticks: what a receipt moves in its chat, and which tick one of my messages shows. Pure
// functions over a `Chat`; positions only move forward.

import type { ReceiptFrame } from "../protocol/frames";
import type { Chat, Tick } from "./model";

/** Applies a receipt: every member's (groups), mine (read on another of my devices) or the peer's. */
export function applyReceipt(c: Chat, r: ReceiptFrame, me: number): void {
  if (r.all) {
    c.allDelivered = Math.max(c.allDelivered, r.delivered);
    c.allRead = Math.max(c.allRead, r.read);
  } else if (r.user === me) {
    c.read = Math.max(c.read, r.read);   // read on another of my devices
    if (c.read >= c.lastSeq) c.unread = 0;
    if (c.peer === me) { c.peerDelivered = c.read; c.peerRead = c.read; }
  } else {
    c.peerDelivered = Math.max(c.peerDelivered, r.delivered);
    c.peerRead = Math.max(c.peerRead, r.read);
  }
}

/** The tick of my message `seq` in a chat. Rooms show "sent" only. */
export function tickOf(chat: Chat, seq: number, me: number): Tick {
  if (chat.kind === "direct") {
    if (chat.peer === me) return "read";
    if (chat.peerRead >= seq) return "read";
    if (chat.peerDelivered >= seq) return "delivered";
    return "sent";
  }
  if (chat.kind === "group") {
    if (chat.allRead >= seq) return "read";
    if (chat.allDelivered >= seq) return "delivered";
  }
  return "sent";
}
