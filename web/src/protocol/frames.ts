// Wire protocol v1 (docs/protocol.md): the JSON frames a browser client sends and receives.
// Types only, plus the parser that turns a text frame into one of them.

export type Visibility = "everyone" | "contacts" | "nobody";

export type MediaKind = "image" | "video" | "voice" | "file";

/**
 * A photo, video, voice note or file (docs/protocol.md §7, Media): in upload answers and in
 * `msg` frames. The server fills every field from the bytes it stored; absent when not applicable.
 */
export interface MediaObject {
  id: string;               // SHA-256 of the stored bytes, 64 hex digits
  kind: MediaKind;
  mime: string;
  size: number;
  width?: number;
  height?: number;
  duration_ms?: number;
  thumbnail?: string;       // base64 JPEG, at most 64 px
  preview?: boolean;        // GET /v1/media/{id}/preview has a 320 px JPEG
  waveform?: string;        // voice: 64 loudness bars (bytes 0-255), base64
  name?: string;
}

/** One emoji's reactions to a message, in first-use order; rooms count only (no `users`). */
export interface Reaction { emoji: string; count: number; users?: number[] }

/** A message. `pts` is absent for a room's message (rooms are read by seq, outside the log). */
export interface MsgFrame {
  type: "msg";
  pts?: number;
  chat: number;
  seq: number;
  from: number;
  device: number;
  id: string;
  ts: number;
  text: string;
  /** A group's membership or settings change, written by the server (§5.2). */
  system?: { event: string; [field: string]: unknown };
  /** A photo, video, voice note or file; `text` is then its caption ("" for none). */
  media?: MediaObject;
  // What happened to it since it was sent; each present only when it applies.
  reply_to?: number;        // the seq (same chat) it answers
  forwarded?: number;       // hops: 1 forwarded once
  edited?: number;          // ms of the last edit
  deleted?: number;         // who deleted it for everyone (text "" and no media)
  expired?: boolean;        // it disappeared (timer or temporary chat): remove it from view
  reactions?: Reaction[];
  expires_at?: number;      // ms when a disappearing message goes
  starred?: boolean;        // history pages and the starred list: I starred it
}

/**
 * A message as it is now, after an edit, a delete, a reaction or its expiry: replaces the
 * copy of (chat, seq). In the log (with `pts`), except a room's, which comes live.
 */
export interface ChangedFrame extends Omit<MsgFrame, "type"> { type: "changed" }

/** I starred, unstarred or hid (deleted for me) a message, on one of my devices. */
export interface MarkedFrame { type: "marked"; pts: number; chat: number; seq: number; starred: boolean; hidden: boolean }

/** A member's receipt; `all: true`: every member of a group has delivered / read up to. */
export interface ReceiptFrame {
  type: "receipt";
  pts: number;
  chat: number;
  user?: number;
  all?: boolean;
  delivered: number;
  read: number;
}

export interface HelloFrame {
  type: "hello";
  protocol: number;
  user: number;
  device: number;
  head: number;
  position: number;
  server_time: number;
  max_text_chars: number;
  presence?: { heartbeat_ms: number; online_ms: number; typing_ms: number };
}

export interface AckFrame { type: "ack"; id: string; chat: number; seq: number; ts: number; duplicate?: boolean }
export interface ErrorFrame { type: "error"; code: string; message: string; id?: string; retry_after_ms?: number }
export interface SyncedFrame { type: "synced"; pts: number; head: number; truncated?: boolean }
export interface PresenceFrame { type: "presence"; user: number; online?: boolean; last_seen?: number }
export interface TypingFrame { type: "typing"; chat: number; user: number; typing: boolean }
/**
 * Every setting, always (§2 `privacy`): who sees my last seen, who may add me to groups, and who
 * sees my name, about line and photo (absent from an older server). Set any with `ParleyClient.privacy`.
 */
export interface PrivacySettings { last_seen: Visibility; group_add: Visibility; name?: Visibility; about?: Visibility; photo?: Visibility }
export type PrivacyKey = keyof PrivacySettings;
export interface PrivacyFrame extends PrivacySettings { type: "privacy" }
/** A user I know (or I) changed their profile: the fields I may see; an absent one is hidden or empty. Live only. */
export interface ProfileFrame { type: "profile"; user: number; name?: string; about?: string; avatar?: string }
/** My settings of a chat changed, on any of my devices. `muted_until`: 0 not muted, -1 for ever, else ms. */
export interface ChatStateFrame { type: "chat_state"; chat: number; muted_until: number; archived: boolean; pinned: boolean }
/** My saved contacts changed: one added or renamed, or removed. */
export interface ContactFrame { type: "contact"; user: number; contact_name?: string; removed?: boolean }
/** My whole block list, after it changed. */
export interface BlocksFrame { type: "blocks"; blocked: number[] }
/** The live frames about my account and the people I know (not in the update log: read again after a reconnect). */
export type AccountFrame = ProfileFrame | ChatStateFrame | ContactFrame | BlocksFrame;
/** `invited`: whom a create or an `add` could not add (their `group_add` setting): they got an invite. */
export interface DoneFrame { type: "done"; id: string; chat: number; seq?: number; changed: boolean; duplicate?: boolean; invited?: number[] }
/**
 * An invite to a group, live only (not in the update log): `pending` carries the group's name,
 * the inviter and the expiry (ms); `accepted` / `declined` (from any of my devices) only chat and code.
 */
export interface InviteFrame {
  type: "invite";
  state: "pending" | "accepted" | "declined";
  chat: number;
  code: string;
  name?: string;
  from?: number;
  expires_at?: number;
}
export interface MembershipFrame { type: "membership"; pts: number; chat: number; kind: "room"; member: boolean; seq: number }
export interface PongFrame { type: "pong"; ts: number }

export interface MemberInfo { user: number; role: "admin" | "member"; phone?: string; joined: number; delivered: number; read: number }
export interface ChatInfoFrame {
  type: "chat_info";
  chat: number;
  kind: "direct" | "group" | "room";
  name: string;
  avatar?: string;
  members_can_add: boolean;
  everyone_posts: boolean;
  /** Rooms only: anyone may join by the id. A private room (false, or absent from an older server) is joined by its invite code. */
  public?: boolean;
  created_by: number;
  created_at: number;
  last_seq: number;
  member_count: number;
  role: "admin" | "member" | "none";
  /** Rooms, and only for admins: the code anyone joins with (the only way into a private room). */
  invite?: string;
  members: MemberInfo[];
  /** Direct chats and groups: messages go once every member's devices have them. */
  temporary?: boolean;
  /** Direct chats and groups: messages go this many seconds after they were sent (absent: off). */
  disappear?: number;
}
/**
 * Who has read, only received, or not yet received one message (§3 `receipts`); `times`: when it
 * reached each member who has it, where the server knows (ms; absent from an older server).
 */
export interface ReceiptsFrame {
  type: "receipts"; chat: number; seq: number; read: number[]; delivered: number[]; pending: number[];
  times?: { user: number; delivered?: number; read?: number }[];
}
export interface ViewsFrame { type: "views"; chat: number; views: { seq: number; count: number }[] }

export type ServerFrame =
  | MsgFrame | ChangedFrame | MarkedFrame | ReceiptFrame | HelloFrame | AckFrame | ErrorFrame | SyncedFrame | PresenceFrame | TypingFrame
  | PrivacyFrame | DoneFrame | MembershipFrame | PongFrame | ChatInfoFrame | ReceiptsFrame | ViewsFrame | InviteFrame | AccountFrame;

const KNOWN = new Set<string>([
  "msg", "changed", "marked", "receipt", "hello", "ack", "error", "synced", "presence", "typing", "privacy", "done", "membership", "pong",
  "chat_info", "receipts", "views", "invite", "profile", "chat_state", "contact", "blocks",
]);

/** The frame, or null for text that is not a JSON object with a known type (ignored, as the protocol asks). */
export function parseServerFrame(text: string): ServerFrame | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) return null;
  const type = (v as { type?: unknown }).type;
  if (typeof type !== "string" || !KNOWN.has(type)) return null;
  return v as ServerFrame;
}
