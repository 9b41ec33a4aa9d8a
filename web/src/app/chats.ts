// The chat list and the phone numbers of the people in it: merged from GET /v1/chats (previews
// of the last message, its media included, avatars, my settings of each chat), moved by each
// message, receipt, `chat_info` and `chat_state`. Data only: it sends nothing and notifies no one.

import type { ChatSummary } from "./api";
import type { ChatInfoFrame, ChatStateFrame, ReceiptFrame } from "../protocol/frames";
import type { Chat, Message } from "./model";
import { applyReceipt } from "./receipts";

export class ChatStore {
  readonly chats = new Map<number, Chat>();
  readonly phones = new Map<number, string>();   // user -> number, for the users we may see it of

  constructor(private readonly me: number, myPhone: string) {
    this.phones.set(me, myPhone);
  }

  /** Pinned chats first, then by last activity, newest first. */
  list(): Chat[] {
    return [...this.chats.values()].sort((a, b) => Number(b.pinned) - Number(a.pinned) || b.lastTs - a.lastTs || b.chat - a.chat);
  }

  directWith(user: number): Chat | undefined {
    for (const c of this.chats.values()) if (c.kind === "direct" && c.peer === user) return c;
    return undefined;
  }

  canPost(chat: Chat): boolean {
    if (chat.ended) return false;   // no longer a member of the group
    if (chat.kind === "direct") return true;
    const info = chat.info;
    if (!info) return chat.kind !== "room";
    if (info.role === "none") return false;
    return info.everyone_posts || info.role === "admin";
  }

  /**
   * Takes the server's list: new chats are added, positions only move forward, chats not in it
   * are dropped. Returns the peers of my one-to-one chats (not me), whose presence the app shows.
   */
  merge(list: ChatSummary[]): number[] {
    const seen = new Set<number>();
    const peers: number[] = [];
    for (const s of list) {
      seen.add(s.chat);
      const old = this.chats.get(s.chat);
      const name = s.kind === "direct" ? (s.peer === this.me ? "You (notes)" : s.peer_phone ?? `User ${s.peer}`) : s.name ?? "";
      if (s.peer !== undefined && s.peer_phone) this.phones.set(s.peer, s.peer_phone);
      if (s.kind === "direct" && s.peer !== undefined && s.peer !== this.me) peers.push(s.peer);
      const c: Chat = old ?? {
        chat: s.chat, kind: s.kind, name, peer: s.peer, lastSeq: 0, lastTs: 0, lastText: "", lastSender: 0,
        lastSystem: false, read: 0, peerDelivered: 0, peerRead: 0, allDelivered: 0, allRead: 0, unread: 0,
        memberCount: s.member_count ?? 2, mutedUntil: 0, archived: false, pinned: false,
      };
      c.name = s.kind === "direct" ? name : c.info?.name ?? name;
      c.memberCount = s.member_count ?? c.memberCount;
      c.read = Math.max(c.read, s.read);
      c.peerDelivered = Math.max(c.peerDelivered, s.peer_delivered ?? 0);
      c.peerRead = Math.max(c.peerRead, s.peer_read ?? 0);
      // A group's ticks come with the list too, so they survive a reload.
      c.allDelivered = Math.max(c.allDelivered, s.all_delivered ?? 0);
      c.allRead = Math.max(c.allRead, s.all_read ?? 0);
      // A list read before a removal came live does not make me a member again.
      if (s.member === false) c.ended = s.ended ?? "removed";
      else if (s.last_seq >= c.lastSeq) c.ended = undefined;
      c.avatar = (s.kind === "direct" ? s.peer_avatar : s.avatar) || undefined;
      c.temporary = s.temporary || undefined;
      c.disappear = s.disappear || undefined;
      c.mutedUntil = s.muted_until ?? 0;
      c.archived = s.archived === true;
      c.pinned = s.pinned === true;
      // The same message as a `msg` already showed keeps what that said (a server without
      // `last_media` must not turn a photo into a system message).
      if (s.last_seq > c.lastSeq || (s.last_seq === c.lastSeq && (!c.lastMedia || s.last_media))) {
        const media = s.last_media;
        c.lastMedia = media ? { kind: media.kind, name: media.name } : undefined;
        c.lastSeq = s.last_seq;
        c.lastTs = s.last_ts;
        c.lastText = s.last_text;
        c.lastSender = s.last_sender;
        c.lastSystem = s.last_seq > 0 && s.last_text === "" && !media;
        c.lastGone = undefined;
      }
      if (!old) c.unread = s.last_sender === this.me ? 0 : Math.max(0, s.last_seq - s.read);
      else if (c.lastSender === this.me || c.read >= c.lastSeq) c.unread = 0;
      this.chats.set(s.chat, c);
    }
    for (const id of [...this.chats.keys()]) if (!seen.has(id)) this.chats.delete(id);
    return peers;
  }

  /** The server's list after the one this browser saved, whose unread counts are old: counted again, as on a fresh page. */
  recount(list: ChatSummary[]): void {
    for (const s of list) {
      const c = this.chats.get(s.chat);
      if (c) c.unread = s.last_sender === this.me ? 0 : Math.max(0, s.last_seq - c.read);
    }
  }

  /** A new message moves its chat's preview and unread count; undefined if the chat is not listed yet. */
  applyMessage(msg: Message): Chat | undefined {
    const c = this.chats.get(msg.chat);
    if (c && msg.seq > c.lastSeq) {
      c.lastSeq = msg.seq;
      c.lastTs = msg.ts;
      c.lastText = msg.text;
      c.lastSender = msg.from;
      c.lastSystem = !!msg.system;
      c.lastMedia = msg.media ? { kind: msg.media.kind, name: msg.media.name } : undefined;
      c.lastGone = msg.deleted ? "deleted" : undefined;
      if (msg.system?.event === "avatar" && c.kind !== "direct") c.avatar = String(msg.system.avatar ?? "") || undefined;
      if (msg.system?.event === "mode") {
        c.temporary = msg.system.temporary === true || undefined;
        c.disappear = Number(msg.system.disappear) || undefined;
      }
      if (msg.from === this.me) c.unread = 0;
      else if (msg.seq > c.read && !msg.system) c.unread += 1;
      if (c.kind === "group") this.applyMembership(c, msg);
    }
    return c;
  }

  /** A group's system message about me: removed or left, the chat turns read-only; added back, it is mine again. */
  private applyMembership(c: Chat, msg: Message): void {
    const event = msg.system?.event;
    const mine = Array.isArray(msg.system?.users) && (msg.system.users as unknown[]).includes(this.me);
    if (event === "removed" && mine) c.ended = "removed";
    else if (event === "left" && msg.from === this.me) c.ended = "left";
    else if (event === "added" && mine) c.ended = undefined;
  }

  /** A message changed (`now`) or went from view (null): the preview follows when it is the last one. */
  applyChange(chat: number, seq: number, now: Message | null): void {
    const c = this.chats.get(chat);
    if (!c || c.lastSeq !== seq) return;
    c.lastText = now?.text ?? "";
    c.lastMedia = now?.media ? { kind: now.media.kind, name: now.media.name } : undefined;
    c.lastGone = !now ? "expired" : now.deleted ? "deleted" : undefined;
  }

  /** A receipt moves its chat's ticks (or my read position); false if the chat is not listed. */
  applyReceipt(r: ReceiptFrame): boolean {
    const c = this.chats.get(r.chat);
    if (!c) return false;
    applyReceipt(c, r, this.me);
    return true;
  }

  /** My settings of a chat changed (on any of my devices); false if the chat is not listed. */
  applyState(f: ChatStateFrame): boolean {
    const c = this.chats.get(f.chat);
    if (!c) return false;
    c.mutedUntil = f.muted_until;
    c.archived = f.archived;
    c.pinned = f.pinned;
    return true;
  }

  /** A chat's settings, my role and its members (the reply to `chat_info`). */
  applyInfo(r: ChatInfoFrame): void {
    const c = this.chats.get(r.chat);
    for (const m of r.members) if (m.phone) this.phones.set(m.user, m.phone);
    if (c) {
      c.info = r;
      c.name = r.kind === "direct" ? c.name : r.name;
      if (r.kind !== "direct") c.avatar = r.avatar || undefined;
      if (r.kind !== "room") {
        c.temporary = r.temporary || undefined;
        c.disappear = r.disappear || undefined;
      }
      c.memberCount = r.member_count;
    }
  }
}

/** A chat of the server's list as it is now on this page (its last message, my read position, ticks, my settings). */
export function summaryNow(s: ChatSummary, c: Chat | undefined): ChatSummary {
  if (!c) return s;
  const media = c.lastMedia ? { ...s.last_media, id: s.last_media?.id ?? "", kind: c.lastMedia.kind, name: c.lastMedia.name } : undefined;
  return {
    ...s, last_seq: c.lastSeq, last_ts: c.lastTs, last_text: c.lastText, last_sender: c.lastSender, last_media: media,
    read: c.read, peer_delivered: c.peerDelivered, peer_read: c.peerRead, muted_until: c.mutedUntil, archived: c.archived, pinned: c.pinned,
  };
}
