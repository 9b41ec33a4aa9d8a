// The protocol client's seams and outputs: the socket it talks through (the browser's WebSocket,
// or a fake in tests), its options, and the events it emits.

import type {
  AccountFrame, AckFrame, ChangedFrame, ChatInfoFrame, DoneFrame, ErrorFrame, HelloFrame, InviteFrame, MarkedFrame, MembershipFrame,
  MsgFrame, PresenceFrame, PrivacyFrame, ReceiptFrame, ReceiptsFrame, SyncedFrame, TypingFrame, ViewsFrame,
} from "./frames";
import type { Outbox } from "./outbox";

/** The part of the browser's WebSocket the client uses (tests pass a fake). */
export interface SocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason?: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}
export type SocketFactory = (url: string) => SocketLike;

export interface ClientOptions {
  url: string;                 // ws(s)://host/v1/ws
  token: string;
  position?: number;           // sync after this pts
  socket?: SocketFactory;      // default: the browser's WebSocket
  outbox?: Outbox;             // default: in memory
  foreground?: boolean;        // heartbeat as an open app (the user shows as online)
  ackDelayMs?: number;         // batch received/delivered over this long (20)
  roomAckMs?: number;          // report room positions at most this often (1000)
  reconnectMinMs?: number;     // backoff after a lost connection (100 .. 5000)
  reconnectMaxMs?: number;
}

export interface ClientEvents {
  state: (connected: boolean) => void;
  hello: (h: HelloFrame) => void;
  message: (m: MsgFrame) => void;
  /** A message as it is now (edited, deleted, reacted to, expired): replace the copy of (chat, seq). */
  changed: (c: ChangedFrame) => void;
  /** I starred, unstarred or hid a message (on any of my devices). */
  marked: (m: MarkedFrame) => void;
  receipt: (r: ReceiptFrame) => void;
  /** `request`: the frame this answers, while it was still unanswered. */
  ack: (a: AckFrame, request?: Record<string, unknown>) => void;
  /** `request`: the frame this answers, while it was still unanswered (also after a reload). */
  done: (d: DoneFrame, request?: Record<string, unknown>) => void;
  /** `request`: the unanswered frame the error is about, if any. */
  error: (e: ErrorFrame, request?: Record<string, unknown>) => void;
  synced: (s: SyncedFrame) => void;
  presence: (p: PresenceFrame) => void;
  typing: (t: TypingFrame) => void;
  privacy: (p: PrivacyFrame) => void;
  /** A group invite for me arrived, or one was accepted or declined (on any of my devices). */
  invite: (i: InviteFrame) => void;
  /** A profile, one of my chat settings, my contacts or my block list changed (live only). */
  account: (f: AccountFrame) => void;
  membership: (m: MembershipFrame) => void;
  reply: (r: ChatInfoFrame | ReceiptsFrame | ViewsFrame) => void;
  /** The log position moved (persist it to resume from there after a reload). */
  position: (pts: number) => void;
  /** The token was refused or the device revoked: sign in again. The client has stopped. */
  unauthorized: () => void;
  /** The set of unanswered requests changed (`unanswered`). */
  pending: () => void;
}
