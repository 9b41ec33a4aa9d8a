// What the app shows, kept up to date from the protocol client and the HTTP API: the chat
// list, each open chat's messages, ticks, presence, typing, members, group invites and the
// privacy settings. The UI reads it and calls its actions; it knows nothing of the DOM, so it
// is tested with a fake socket (test/).

import { Api, ApiError, type ChatSummary, type Device } from "./api";
import { Invites, type Invite } from "./invites";
import type { ParleyClient, Pending } from "../protocol/client";
import type {
  ChatInfoFrame, ErrorFrame, MsgFrame, PresenceFrame, ReceiptFrame, TypingFrame, Visibility,
} from "../protocol/frames";

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
}

/** A send not yet acknowledged (shown with a clock), or one the server refused. */
export interface Outgoing { id: string; chat?: number; to?: number; text: string; failed?: string }

export interface Presence { online?: boolean; lastSeen?: number; hidden: boolean }

/** A chat being started with someone we have no chat with yet: it gets an id on the first send. */
export interface Draft { peer: number; phone: string }

export type View = { chat: number } | { draft: Draft } | null;

/** Whom creating a group or adding members invited instead of adding (their settings refuse). */
export interface Invited { chat: number; users: number[] }

/** How a new room is joined: `private` by its invite code only (the default), `public` by its id too. */
export type RoomAccess = "private" | "public";

/** The invite code a request answers, if it is an accept (`join` by invite) or a `decline`. */
function inviteAnswered(request?: Record<string, unknown>): string | undefined {
  if (!request || typeof request.invite !== "string") return undefined;
  return request.type === "join" || request.type === "decline" ? request.invite : undefined;
}

const TYPING_RESEND_MS = 3000;
const PAGE = 50;

export class AppState {
  readonly chats = new Map<number, Chat>();
  readonly messages = new Map<number, Message[]>();    // chat -> loaded messages, by seq
  readonly complete = new Set<number>();                 // chats whose oldest message is loaded
  private readonly loading = new Set<number>();          // chats with a history page on its way
  readonly presence = new Map<number, Presence>();
  readonly typing = new Map<number, Map<number, number>>(); // chat -> user -> until (ms)
  readonly phones = new Map<number, string>();
  readonly views = new Map<number, Map<number, number>>();  // room -> seq -> count
  readonly failed = new Map<string, Outgoing>();
  view: View = null;
  connected = false;
  everConnected = false;
  privacy: Visibility | null = null;    // who sees my last seen and online
  groupAdd: Visibility | null = null;   // who may add me to groups (others invite me)
  readonly invites = new Invites();
  invited: Invited | null = null;       // the last create / add that invited people
  devices: Device[] = [];
  notice = "";            // the last error worth telling the user
  typingMs = 6000;
  maxTextChars = 4096;

  private listeners = new Set<() => void>();
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private typingSent = new Map<number, number>();
  private typingTimer: ReturnType<typeof setInterval> | null = null;
  private requests = new Map<string, (chat: number) => void>();
  private refusals = new Map<string, (e: ErrorFrame) => void>();   // requests whose error the caller shows
  private viewsTimer: ReturnType<typeof setTimeout> | null = null;
  private visible = true;

  constructor(readonly me: number, readonly myPhone: string, readonly api: Api, readonly client: ParleyClient) {
    this.phones.set(me, myPhone);
    client.on("state", (up) => {
      this.connected = up;
      if (up) {
        this.everConnected = true;
        this.notice = "";
        void this.refreshChats();
        if (this.view && "chat" in this.view) this.askAbout(this.view.chat);
      }
      this.changed();
    });
    client.on("hello", (h) => {
      if (h.presence?.typing_ms) this.typingMs = h.presence.typing_ms;
      this.maxTextChars = h.max_text_chars;
      client.privacy();
      void this.loadInvites();
    });
    client.on("message", (m) => this.onMessage(m));
    client.on("receipt", (r) => this.onReceipt(r));
    client.on("ack", (a, request) => {
      // Shown at once, before its `msg` comes back through the log.
      if (request) this.addMessage({ chat: a.chat, seq: a.seq, from: me, ts: a.ts, text: String(request.text ?? ""), id: a.id });
      this.requests.get(a.id)?.(a.chat);
      this.requests.delete(a.id);
      if (!this.chats.has(a.chat)) this.scheduleRefresh();
      this.changed();
    });
    client.on("done", (d, request) => {
      const code = inviteAnswered(request);
      if (code) this.invites.remove(code);
      if (d.invited?.length && (request?.type === "create" || request?.type === "change"))
        this.invited = { chat: d.chat, users: d.invited };
      this.requests.get(d.id)?.(d.chat);
      this.requests.delete(d.id);
      if (!this.chats.has(d.chat)) this.scheduleRefresh();
      this.changed();
    });
    client.on("error", (e, request) => this.onError(e, request));
    client.on("presence", (p) => this.onPresence(p));
    client.on("typing", (t) => this.onTyping(t));
    client.on("privacy", (p) => {
      this.privacy = p.last_seen;
      this.groupAdd = p.group_add ?? null;
      this.changed();
    });
    client.on("invite", (f) => { if (this.invites.onFrame(f)) this.changed(); });
    client.on("membership", () => this.scheduleRefresh());
    client.on("reply", (r) => {
      if (r.type === "chat_info") {
        const c = this.chats.get(r.chat);
        for (const m of r.members) if (m.phone) this.phones.set(m.user, m.phone);
        if (c) {
          c.info = r;
          c.name = r.kind === "direct" ? c.name : r.name;
          c.memberCount = r.member_count;
        }
      } else if (r.type === "views") {
        const v = this.views.get(r.chat) ?? new Map<number, number>();
        for (const x of r.views) v.set(x.seq, x.count);
        this.views.set(r.chat, v);
      }
      this.changed();
    });
    client.on("pending", () => this.changed());
    this.typingTimer = setInterval(() => this.tickSecond(), 1000);
  }


  // ------------------------------------------------------------ subscriptions

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  private changed(): void { this.listeners.forEach((l) => l()); }

  dispose(): void {
    if (this.typingTimer) clearInterval(this.typingTimer);
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    if (this.viewsTimer) clearTimeout(this.viewsTimer);
    this.listeners.clear();
  }

  // ------------------------------------------------------------ reading

  /** Chats by last activity, newest first. */
  chatList(): Chat[] {
    return [...this.chats.values()].sort((a, b) => b.lastTs - a.lastTs || b.chat - a.chat);
  }

  name(user: number): string {
    if (user === this.me) return "You";
    return this.phones.get(user) ?? `User ${user}`;
  }

  /** Sends not yet acknowledged, for one chat (or a draft's peer). */
  outgoing(target: { chat?: number; to?: number }): Outgoing[] {
    const out: Outgoing[] = [];
    for (const p of this.client.unanswered as Pending[]) {
      const f = p.frame;
      if (f.type !== "send") continue;
      const chat = typeof f.chat === "number" ? f.chat : undefined;
      const to = typeof f.to === "number" ? f.to : undefined;
      const mine = target.chat !== undefined
        ? chat === target.chat || (to !== undefined && this.directWith(to)?.chat === target.chat)
        : to === target.to;
      if (mine) out.push({ id: p.id, chat, to, text: String(f.text ?? "") });
    }
    for (const f of this.failed.values())
      if ((target.chat !== undefined && f.chat === target.chat) || (target.to !== undefined && f.to === target.to)) out.push(f);
    return out;
  }

  /** The tick of one of my messages. */
  tick(chat: Chat, seq: number): Tick {
    if (chat.kind === "direct") {
      if (chat.peer === this.me) return "read";
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

  /** Who is typing in a chat now (not me). */
  typists(chat: number): number[] {
    const now = Date.now();
    return [...(this.typing.get(chat) ?? new Map()).entries()].filter(([, until]) => until > now).map(([u]) => u);
  }

  /** Group invites waiting for my answer, newest first. */
  inviteList(): Invite[] { return this.invites.list(); }

  /** An accept or decline of this invite is on its way (or waits for the connection). */
  answering(code: string): boolean {
    return this.client.unanswered.some((p) => inviteAnswered(p.frame) === code);
  }

  directWith(user: number): Chat | undefined {
    for (const c of this.chats.values()) if (c.kind === "direct" && c.peer === user) return c;
    return undefined;
  }

  canPost(chat: Chat): boolean {
    if (chat.kind === "direct") return true;
    const info = chat.info;
    if (!info) return chat.kind !== "room";
    if (info.role === "none") return false;
    return info.everyone_posts || info.role === "admin";
  }

  // ------------------------------------------------------------ actions

  async start(): Promise<void> {
    await this.refreshChats();
    await this.client.start();
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    this.client.setForeground(visible);
    if (visible && this.view && "chat" in this.view) this.markRead(this.view.chat);
  }

  async refreshChats(): Promise<void> {
    let list: ChatSummary[];
    try {
      list = await this.api.chats();
    } catch {
      return;   // offline or signed out: the next connect refreshes again
    }
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
        memberCount: s.member_count ?? 2,
      };
      c.name = s.kind === "direct" ? name : c.info?.name ?? name;
      c.memberCount = s.member_count ?? c.memberCount;
      c.read = Math.max(c.read, s.read);
      c.peerDelivered = Math.max(c.peerDelivered, s.peer_delivered ?? 0);
      c.peerRead = Math.max(c.peerRead, s.peer_read ?? 0);
      if (s.last_seq >= c.lastSeq) {
        c.lastSeq = s.last_seq;
        c.lastTs = s.last_ts;
        c.lastText = s.last_text;
        c.lastSender = s.last_sender;
        c.lastSystem = s.last_seq > 0 && s.last_text === "";
      }
      if (!old) c.unread = s.last_sender === this.me ? 0 : Math.max(0, s.last_seq - s.read);
      else if (c.lastSender === this.me || c.read >= c.lastSeq) c.unread = 0;
      this.chats.set(s.chat, c);
    }
    for (const id of [...this.chats.keys()]) if (!seen.has(id)) this.chats.delete(id);
    const unwatched = peers.filter((p) => !this.presence.has(p));
    if (unwatched.length) {
      unwatched.forEach((p) => this.presence.set(p, { hidden: false }));
      this.client.subscribePresence(unwatched);
    }
    // A draft whose first message created the chat becomes that chat.
    if (this.view && "draft" in this.view) {
      const c = this.directWith(this.view.draft.peer);
      if (c) this.open({ chat: c.chat });
    }
    this.changed();
  }

  open(view: View): void {
    this.view = view;
    this.notice = "";
    if (this.invited && !(view && "chat" in view && view.chat === this.invited.chat)) this.invited = null;
    if (view && "draft" in view) {
      const c = this.directWith(view.draft.peer);
      if (c) this.view = { chat: c.chat };
      else {
        this.phones.set(view.draft.peer, view.draft.phone);
        if (!this.presence.has(view.draft.peer)) {
          this.presence.set(view.draft.peer, { hidden: false });
          this.client.subscribePresence([view.draft.peer]);
        }
      }
    }
    if (this.view && "chat" in this.view) {
      const chat = this.view.chat;
      if (!this.messages.has(chat)) void this.loadEarlier(chat);
      this.askAbout(chat);
      this.markRead(chat);
    }
    this.changed();
  }

  /** Loads the page of messages before the oldest loaded one. */
  async loadEarlier(chat: number): Promise<void> {
    if (this.complete.has(chat) || this.loading.has(chat)) return;
    const have = this.messages.get(chat) ?? [];
    const before = have.length ? have[0].seq : 0;
    this.loading.add(chat);
    try {
      const page = await this.api.history(chat, before, PAGE);
      if (page.length < PAGE) this.complete.add(chat);
      for (const m of page) this.insert({ chat, seq: m.seq, from: m.from, ts: m.ts, text: m.text, id: m.id, system: m.system });
      if (!this.messages.has(chat)) this.messages.set(chat, []);
      this.markRead(chat);
      this.askViews(chat);
    } catch (e) {
      this.notice = e instanceof ApiError ? e.message : String(e);
    } finally {
      this.loading.delete(chat);
    }
    this.changed();
  }

  send(text: string): void {
    const body = text.trim() ? text.replace(/\s+$/, "") : "";
    if (!body || !this.view) return;
    if ("chat" in this.view) {
      this.client.sendToChat(this.view.chat, body);
      this.stopTyping(this.view.chat);
    } else {
      const id = this.client.sendToUser(this.view.draft.peer, body);
      const peer = this.view.draft.peer;
      this.requests.set(id, (chat) => {
        void this.refreshChats().then(() => {
          if (this.view && "draft" in this.view && this.view.draft.peer === peer) this.open({ chat });
        });
      });
    }
    this.changed();
  }

  dismissNotice(): void {
    this.notice = "";
    this.changed();
  }

  dismissInvited(): void {
    this.invited = null;
    this.changed();
  }

  dismissFailed(id: string): void {
    this.failed.delete(id);
    this.changed();
  }

  /** Called on input in the composer: a typing indicator, renewed at most every 3 s. */
  typed(chat: number): void {
    const c = this.chats.get(chat);
    if (!c || c.kind === "room") return;
    const now = Date.now();
    if (now - (this.typingSent.get(chat) ?? 0) < TYPING_RESEND_MS) return;
    this.typingSent.set(chat, now);
    this.client.setTyping(chat, true);
  }
  stopTyping(chat: number): void {
    if (!this.typingSent.has(chat)) return;
    this.typingSent.delete(chat);
    this.client.setTyping(chat, false);
  }

  markRead(chat: number): void {
    if (!this.visible || !this.view || !("chat" in this.view) || this.view.chat !== chat) return;
    const c = this.chats.get(chat);
    if (!c) return;
    const loaded = this.messages.get(chat);
    const top = Math.max(c.lastSeq, loaded?.length ? loaded[loaded.length - 1].seq : 0);
    c.unread = 0;
    if (top > c.read) {
      c.read = top;
      this.client.markRead(chat, top);
    }
  }

  /** Finds a user by phone number: a chat with them, or a draft. Throws a readable error. */
  async startChat(phone: string): Promise<void> {
    const found = await this.api.lookup([phone]);
    if (!found.length) throw new Error(`${phone} is not on parley yet.`);
    const { user, phone: normalised } = found[0];
    this.phones.set(user, normalised);
    const c = this.directWith(user);
    this.open(c ? { chat: c.chat } : { draft: { peer: user, phone: normalised } });
  }

  /** Creates a group of the registered numbers among `phones`; opens it when done. */
  async createGroup(name: string, phones: string[]): Promise<void> {
    const users = await this.resolve(phones);
    const id = this.client.createChat("group", name, users);
    this.requests.set(id, (chat) => void this.refreshChats().then(() => this.open({ chat })));
  }

  /** Creates a room, private (joined by invite code only) unless `access` is public; opens it when done. */
  async createRoom(name: string, everyonePosts: boolean, access: RoomAccess = "private"): Promise<void> {
    const id = this.client.createChat("room", name, [], { everyone_posts: everyonePosts, public: access === "public" });
    this.requests.set(id, (chat) => void this.refreshChats().then(() => this.open({ chat })));
  }

  /**
   * Joins a room by its id (digits, "#12" too) or invite code. Resolves with the room once it is
   * joined and open; rejects with a readable error (a private room's id reads as no room at all),
   * which the caller shows instead of the app-wide notice.
   */
  joinRoom(target: string): Promise<number> {
    const t = target.trim().replace(/^#(?=\d+$)/, "");
    if (!t) return Promise.reject(new Error("Type a room number or an invite code."));
    // The server takes codes of 1 to 64 characters and counts anything else as a protocol error.
    if (!/^\d+$/.test(t) && (t.length > 64 || /\s/.test(t))) return Promise.reject(new Error(joinError({ code: "not_found" }, { invite: t })));
    const by = /^\d+$/.test(t) ? { chat: Number(t) } : { invite: t };
    const id = this.client.joinRoom(by);
    return new Promise<number>((resolve, reject) => {
      this.requests.set(id, (chat) => {
        this.refusals.delete(id);
        void this.refreshChats().then(() => { this.open({ chat }); resolve(chat); });
      });
      this.refusals.set(id, (e) => reject(new Error(joinError(e, by))));
    });
  }

  /** Shows a sentence in the app-wide notice (for an answer whose dialog has gone). */
  notify(text: string): void {
    this.notice = text;
    this.changed();
  }

  async addMembers(chat: number, phones: string[]): Promise<void> {
    const users = await this.resolve(phones);
    this.change(chat, "add", users);
  }
  change(chat: number, op: string, users: number[] = [], extra: Record<string, unknown> = {}): void {
    const id = this.client.changeChat(chat, op, users, extra);
    this.requests.set(id, () => this.askAbout(chat));
  }
  leave(chat: number): void {
    const id = this.client.leaveChat(chat);
    this.requests.set(id, () => {
      if (this.view && "chat" in this.view && this.view.chat === chat) this.view = null;
      void this.refreshChats();
    });
  }

  setPrivacy(v: Visibility): void { this.client.privacy({ last_seen: v }); }
  setGroupAdd(v: Visibility): void { this.client.privacy({ group_add: v }); }

  /** Reads the pending invites (after each `hello`: invite frames are not in the update log). */
  async loadInvites(): Promise<void> {
    const read = this.invites.beginRead();
    try {
      this.invites.loaded(read, await this.api.invites());
    } catch {
      return;   // offline or signed out: the next hello reads again
    }
    this.changed();
  }

  /** Joins the group the invite is for, and opens it once joined. */
  acceptInvite(code: string): void {
    const id = this.client.joinByInvite(code);
    this.requests.set(id, (chat) => void this.refreshChats().then(() => this.open({ chat })));
  }
  declineInvite(code: string): void { this.client.decline(code); }

  async loadDevices(): Promise<void> {
    this.devices = await this.api.devices();
    this.changed();
  }
  async revokeDevice(device: number): Promise<void> {
    await this.api.revoke(device);
    await this.loadDevices();
  }

  // ------------------------------------------------------------ incoming

  private onMessage(m: MsgFrame): void {
    const msg: Message = { chat: m.chat, seq: m.seq, from: m.from, ts: m.ts, text: m.text, id: m.id, system: m.system };
    this.addMessage(msg);
    if (m.system && this.view && "chat" in this.view && this.view.chat === m.chat) this.askAbout(m.chat);
    const t = this.typing.get(m.chat);
    if (t?.delete(m.from)) this.changed();
  }

  private addMessage(msg: Message): void {
    const c = this.chats.get(msg.chat);
    if (!c) {
      this.scheduleRefresh();
    } else if (msg.seq > c.lastSeq) {
      c.lastSeq = msg.seq;
      c.lastTs = msg.ts;
      c.lastText = msg.text;
      c.lastSender = msg.from;
      c.lastSystem = !!msg.system;
      if (msg.from === this.me) c.unread = 0;
      else if (msg.seq > c.read && !msg.system) c.unread += 1;
    }
    // Kept while the first page is on its way too: a message committed after the server read
    // that page would otherwise be missing from the view.
    if (this.messages.has(msg.chat) || this.loading.has(msg.chat)) this.insert(msg);
    this.markRead(msg.chat);
    if (c?.kind === "room") this.askViewsSoon(msg.chat);
    this.changed();
  }

  private insert(msg: Message): void {
    const list = this.messages.get(msg.chat) ?? [];
    let i = list.length;
    while (i > 0 && list[i - 1].seq > msg.seq) i--;
    if (i > 0 && list[i - 1].seq === msg.seq) return;
    list.splice(i, 0, msg);
    this.messages.set(msg.chat, list);
  }

  private onReceipt(r: ReceiptFrame): void {
    const c = this.chats.get(r.chat);
    if (!c) return;
    if (r.all) {
      c.allDelivered = Math.max(c.allDelivered, r.delivered);
      c.allRead = Math.max(c.allRead, r.read);
    } else if (r.user === this.me) {
      c.read = Math.max(c.read, r.read);   // read on another of my devices
      if (c.read >= c.lastSeq) c.unread = 0;
      if (c.peer === this.me) { c.peerDelivered = c.read; c.peerRead = c.read; }
    } else {
      c.peerDelivered = Math.max(c.peerDelivered, r.delivered);
      c.peerRead = Math.max(c.peerRead, r.read);
    }
    this.changed();
  }

  private onError(e: ErrorFrame, request?: Record<string, unknown>): void {
    if (e.code === "rate_limited" || e.code === "unavailable") return;  // the client retries
    if (e.id) this.requests.delete(e.id);
    const refused = e.id ? this.refusals.get(e.id) : undefined;
    if (e.id) this.refusals.delete(e.id);
    const code = inviteAnswered(request);
    if (refused) {
      // A join from the Rooms dialog: it shows the error itself, next to what was typed.
      if (code) this.invites.remove(code);
      refused(e);
      this.changed();
      return;
    }
    if (code && (this.invites.has(code) || request?.type === "decline")) {
      // The server forgets an invite it refused to honour: so do we. A decline of one that is
      // gone already (expired, answered elsewhere) has nothing to tell.
      this.invites.remove(code);
      if (request?.type === "join") this.notice = e.code === "not_found" ? "This invitation is no longer valid." : describe(e);
      else if (e.code !== "not_found") this.notice = describe(e);
      this.changed();
      return;
    }
    if (request?.type === "join") {
      // Answered after a reload, or after its dialog closed: the notice says it.
      this.notice = joinError(e, request);
      this.changed();
      return;
    }
    if (e.id && request?.type === "send") {
      const chat = typeof request.chat === "number" ? request.chat : undefined;
      const to = typeof request.to === "number" ? request.to : undefined;
      this.failed.set(e.id, { id: e.id, text: String(request.text ?? ""), chat, to, failed: describe(e) });
    }
    this.notice = describe(e);
    this.changed();
  }

  private onPresence(p: PresenceFrame): void {
    const hidden = p.online === undefined && p.last_seen === undefined;
    this.presence.set(p.user, { online: p.online, lastSeen: p.last_seen, hidden });
    this.changed();
  }

  private onTyping(t: TypingFrame): void {
    if (t.user === this.me) return;
    const m = this.typing.get(t.chat) ?? new Map<number, number>();
    if (t.typing) m.set(t.user, Date.now() + this.typingMs);
    else m.delete(t.user);
    this.typing.set(t.chat, m);
    this.changed();
  }

  /** Once a second: typing indicators expire; an open room's view counts refresh every 5 s. */
  private tickSecond(): void {
    this.expireTyping();
    if (this.invites.expire()) this.changed();
    if (++this.seconds % 5 === 0 && this.connected && this.visible && this.view && "chat" in this.view) this.askViews(this.view.chat);
  }
  private seconds = 0;

  private expireTyping(): void {
    const now = Date.now();
    let any = false;
    for (const m of this.typing.values())
      for (const [u, until] of m) if (until <= now) { m.delete(u); any = true; }
    if (any) this.changed();
  }

  /** Asks for a chat's settings and members again (the info panel opened). */
  refreshInfo(chat: number): void { this.askAbout(chat); }

  private askAbout(chat: number): void {
    const c = this.chats.get(chat);
    if (!c) return;
    if (c.kind !== "direct") this.client.chatInfo(chat);
    if (c.kind === "room") this.askViews(chat);
  }

  private askViews(chat: number): void {
    const c = this.chats.get(chat);
    const list = this.messages.get(chat);
    if (c?.kind !== "room" || !list?.length) return;
    this.client.views(chat, list.slice(-100).map((m) => m.seq));
  }
  private askViewsSoon(chat: number): void {
    if (this.viewsTimer) return;
    this.viewsTimer = setTimeout(() => { this.viewsTimer = null; this.askViews(chat); }, 2000);
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => { this.refreshTimer = null; void this.refreshChats(); }, 100);
  }

  private async resolve(phones: string[]): Promise<number[]> {
    const list = phones.map((p) => p.trim()).filter(Boolean);
    if (!list.length) return [];
    const found = await this.api.lookup(list);
    const missing = list.length - found.length;
    if (missing > 0) {
      const known = new Set(found.map((f) => f.phone));
      const names = list.filter((p) => !known.has(p));
      throw new Error(`Not on parley: ${names.join(", ")}` + (missing !== names.length ? " (or invalid)" : ""));
    }
    for (const f of found) this.phones.set(f.user, f.phone);
    return found.map((f) => f.user);
  }
}

/** A readable sentence for an error frame. */
export function describe(e: { code: string; message?: string }): string {
  switch (e.code) {
    case "not_member": return "You are not a member of this chat.";
    case "forbidden": return "Only admins can do that here.";
    case "chat_full": return "The chat is full.";
    case "no_such_user": return "That user does not exist.";
    case "not_found": return "Nothing was found for that id or invite code.";
    case "no_such_chat": return "No such chat.";
    case "text_too_long": return "The message is too long.";
    default: return e.message || e.code;
  }
}

/**
 * A readable sentence for a refused `join` of a room. A private room answers its id exactly as
 * an id no chat has (`no_such_chat`), so the sentence covers both.
 */
export function joinError(e: { code: string; message?: string }, request: Record<string, unknown>): string {
  const byId = typeof request.chat === "number";
  switch (e.code) {
    case "no_such_chat": return "No such room, or it is private: ask for an invite code.";
    case "not_found": return byId ? describe(e) : "This invite code does not work: check it, or ask for a new one.";
    case "invalid": return byId ? "That is not a room: groups are joined when a member adds you." : describe(e);
    case "chat_full": return "The room is full.";
    default: return describe(e);
  }
}
