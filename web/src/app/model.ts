// What the app state is made of: chats, messages, ticks, presence and the open view. Types
// only; the stores beside this file keep them up to date and `state.ts` puts them together.

import type { ChangedFrame, ChatInfoFrame, MediaKind, MediaObject, MsgFrame, Reaction } from "../protocol/frames";

export type ChatKind = "direct" | "group" | "room";
export type Tick = "pending" | "sent" | "delivered" | "read" | "failed";

export interface Member { user: number; role: "admin" | "member"; phone: string }

export interface Chat {
  chat: number;
  kind: ChatKind;
  name: string;
  peer?: number;
  lastSeq: number;
  lastTs: number;
  lastText: string;
  lastSender: number;
  lastSystem: boolean;
  lastMedia?: { kind: MediaKind; name?: string };   // the last message's media (kind and file name)
  lastGone?: "deleted" | "expired";   // the last message was deleted for everyone, or disappeared (or was hidden)
  avatar?: string;        // the picture's media id: a group's or room's own, a one-to-one peer's
  read: number;           // my read position
  peerDelivered: number;  // one-to-one: the other member's positions
  peerRead: number;
  allDelivered: number;   // groups: every member has delivered / read up to
  allRead: number;
  ended?: "left" | "removed";   // a group I am no longer in (I left, or was removed): read-only, as it was then
  unread: number;
  memberCount: number;
  info?: ChatInfoFrame;   // settings, my role, members (asked for when the chat opens)
  temporary?: boolean;    // messages go once every member's devices have them
  disappear?: number;     // messages go this many seconds after they are sent (0 / absent: off)
  // My own settings of the chat (all my devices share them).
  mutedUntil: number;     // 0 not muted, -1 for ever, else the ms the mute ends
  archived: boolean;      // listed under "Archived" (new messages do not bring it back)
  pinned: boolean;        // listed first
}

export interface Message {
  chat: number;
  seq: number;
  from: number;
  ts: number;
  text: string;
  id: string;
  system?: MsgFrame["system"];
  media?: MediaObject;    // a photo, video, voice note or file; `text` is its caption
  // What happened to it since (the wire's names; each only when it applies).
  reply_to?: number;      // the seq of the message it answers, in the same chat
  forwarded?: number;     // hops (>= 5: "Forwarded many times")
  edited?: number;        // ms of the last edit
  deleted?: number;       // who deleted it for everyone: text "" and no media
  reactions?: Reaction[];
  expires_at?: number;
  starred?: boolean;      // I starred it
}

const EXTRA = ["reply_to", "forwarded", "edited", "deleted", "reactions", "expires_at", "starred"] as const;

/** The message a `msg` or `changed` frame (or a history page's entry) carries. */
export function messageOf(f: MsgFrame | ChangedFrame | Omit<MsgFrame, "type">): Message {
  const m: Message = { chat: f.chat, seq: f.seq, from: f.from, ts: f.ts, text: f.text, id: f.id };
  if (f.system) m.system = f.system;
  if (f.media) m.media = f.media;
  for (const k of EXTRA) if (f[k] !== undefined) (m as unknown as Record<string, unknown>)[k] = f[k];
  return m;
}

/** A send not yet acknowledged (shown with a clock), or one the server refused. */
export interface Outgoing { id: string; chat?: number; to?: number; text: string; failed?: string }

/**
 * A photo, video, voice note or file on its way: uploading, uploaded and waiting for its send's
 * ack, or failed (`error` says why; `retryable`: Retry may help). Kept in IndexedDB with its
 * bytes until the ack, so a reload can still retry it. `id` is its send's client message id.
 */
export interface OutgoingMedia {
  id: string;
  chat?: number;
  to?: number;
  blob: Blob;
  name: string;
  type: string;
  kind: MediaKind;
  caption: string;
  order: number;
  state: "uploading" | "sending" | "failed";
  upload?: string;        // the server's upload id, to resume
  media?: MediaObject;    // once uploaded
  sent?: number;          // bytes uploaded so far
  error?: string;
  retryable?: boolean;
}

export interface Presence { online?: boolean; lastSeen?: number; hidden: boolean }

/** A chat being started with someone we have no chat with yet: it gets an id on the first send. */
export interface Draft { peer: number; phone: string }

export type View = { chat: number } | { draft: Draft } | null;

/** Whom creating a group or adding members invited instead of adding (their settings refuse). */
export interface Invited { chat: number; users: number[] }

/** How a new room is joined: `private` by its invite code only (the default), `public` by its id too. */
export type RoomAccess = "private" | "public";
