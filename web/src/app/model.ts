// What the app state is made of: chats, messages, ticks, presence and the open view. Types
// only; the stores beside this file keep them up to date and `state.ts` puts them together.

import type { ChatInfoFrame, MediaKind, MediaObject, MsgFrame } from "../protocol/frames";

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
  avatar?: string;        // the picture's media id: a group's or room's own, a one-to-one peer's
  read: number;           // my read position
  peerDelivered: number;  // one-to-one: the other member's positions
  peerRead: number;
  allDelivered: number;   // groups: every member has delivered / read up to
  allRead: number;
  unread: number;
  memberCount: number;
  info?: ChatInfoFrame;   // settings, my role, members (asked for when the chat opens)
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
