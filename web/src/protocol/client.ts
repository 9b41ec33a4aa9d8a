// The browser twin of the C++ client library (client/parley/connection.h): one signed-in
// device's connection to parleyd. It authenticates, syncs from its position, streams
// updates de-duplicated by pts (room messages by chat and seq), acknowledges them in
// batches, sends with client ids and resends whatever is unanswered after a reconnect
// (from an Outbox that can outlive the page), heartbeats while in the foreground and keeps
// presence subscriptions across reconnects. It knows nothing of the UI: it emits events.
// Group invites (`invite` frames) and the account frames (profiles, chat settings, contacts,
// blocks) are live only: the app reads their state over HTTP after each `hello`.

import { parseServerFrame, type MsgFrame, type PrivacySettings } from "./frames";
import type { ClientEvents, ClientOptions, SocketFactory, SocketLike } from "./events";
import { MemoryOutbox, type Outbox, type Pending } from "./outbox";

export { MemoryOutbox, type Outbox, type Pending } from "./outbox";
export type { ClientEvents, ClientOptions, SocketFactory, SocketLike } from "./events";

type Handlers = { [K in keyof ClientEvents]: Set<ClientEvents[K]> };

const RETRYABLE = new Set(["rate_limited", "unavailable"]);

/** A resent send is the app's doing, not the user's: it must not move last seen. */
function resend(p: Pending): Record<string, unknown> {
  return p.frame.type === "send" ? { ...p.frame, background: true } : p.frame;
}

/** A group's `removed` message naming me: a member no more, I acknowledge nothing after it (`not_member`). */
function removesMe(f: MsgFrame, me: number): boolean {
  return f.system?.event === "removed" && Array.isArray(f.system.users) && (f.system.users as unknown[]).includes(me);
}

export class ParleyClient {
  private readonly opt: Required<Omit<ClientOptions, "position" | "outbox" | "socket">>;
  private readonly factory: SocketFactory;
  private readonly outbox: Outbox;
  private readonly handlers = {} as Handlers;
  private ws: SocketLike | null = null;
  private generation = 0;
  private connectedFlag = false;
  private stopped = false;
  private delay: number;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private outboxLoaded: Promise<void> | null = null;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private ackTimer: ReturnType<typeof setTimeout> | null = null;
  private roomAckTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeatMs = 5000;
  private posValue: number;
  private ackedPosition: number;
  private userId = 0;
  private readonly delivered = new Map<number, number>();   // chat -> seq to report
  private readonly roomSeen = new Map<number, number>();    // room -> highest seq received
  private readonly roomAcked = new Map<number, number>();   // room -> seq reported
  private readonly pending = new Map<string, Pending>();
  private readonly watched = new Set<number>();
  private asks: string[] = [];                              // questions made while disconnected
  private readonly reads = new Map<number, number>();       // chat -> read position told while disconnected
  private nextOrder = 0;
  private readonly idPrefix: string;
  private idCounter = 0;

  constructor(options: ClientOptions) {
    this.opt = {
      url: options.url,
      token: options.token,
      foreground: options.foreground ?? false,
      ackDelayMs: options.ackDelayMs ?? 20,
      roomAckMs: options.roomAckMs ?? 1000,
      reconnectMinMs: options.reconnectMinMs ?? 100,
      reconnectMaxMs: options.reconnectMaxMs ?? 5000,
    };
    this.factory = options.socket ?? ((url) => new WebSocket(url) as unknown as SocketLike);
    this.outbox = options.outbox ?? new MemoryOutbox();
    this.posValue = this.ackedPosition = options.position ?? 0;
    this.delay = this.opt.reconnectMinMs;
    const bytes = new Uint8Array(6);
    globalThis.crypto.getRandomValues(bytes);
    this.idPrefix = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("") + "-";
  }

  on<K extends keyof ClientEvents>(event: K, handler: ClientEvents[K]): () => void {
    const set = (this.handlers[event] ??= new Set() as Handlers[K]) as Set<ClientEvents[K]>;
    set.add(handler);
    return () => set.delete(handler);
  }

  get connected() { return this.connectedFlag; }
  get position() { return this.posValue; }
  get user() { return this.userId; }
  /** Requests sent but not yet answered (sends, creates, changes), oldest first. */
  get unanswered(): Pending[] { return [...this.pending.values()].sort((a, b) => a.order - b.order); }

  /** Loads what the outbox kept from an earlier page, then connects. */
  async start(): Promise<void> {
    await this.loadOutbox();
    this.connect();
  }

  /** Loads what the outbox kept from an earlier page, once (`start` waits for it). */
  loadOutbox(): Promise<void> {
    this.outboxLoaded ??= (async () => {
      for (const p of await this.outbox.load()) {
        this.pending.set(p.id, p);
        this.nextOrder = Math.max(this.nextOrder, p.order + 1);
      }
      if (this.pending.size) this.emit("pending");
    })();
    return this.outboxLoaded;
  }

  /** Skips the backoff wait and tries to connect now (the banner's "Retry now"). */
  reconnectNow(): void {
    if (this.stopped || this.connectedFlag || !this.reconnectTimer) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.delay = this.opt.reconnectMinMs;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    // The socket being closed says nothing more: a sign-out revokes this device, and the
    // server's 4001 close that follows must not be taken for a revocation from elsewhere.
    this.generation++;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.flushAcks();
    this.flushRoomAcks();
    this.clearTimers();
    this.ws?.close(1000, "bye");
  }

  // ------------------------------------------------------------ requests

  sendToUser(user: number, text: string, id?: string): string { return this.request({ type: "send", to: user, text }, id); }
  sendToChat(chat: number, text: string, id?: string): string { return this.request({ type: "send", chat, text }, id); }
  /** Sends uploaded media (`media.id`, optionally a file name) with `caption` as its text. */
  sendMedia(target: { chat: number } | { to: number }, media: { id: string; name?: string }, caption: string, id?: string): string {
    return this.request({ type: "send", ...target, text: caption, media }, id);
  }
  /** A reply: text that quotes message `replyTo` of the same chat. */
  reply(chat: number, replyTo: number, text: string): string { return this.request({ type: "send", chat, text, reply_to: replyTo }); }
  /** Forwards message `source` (text and media copied by the server). */
  forward(target: { chat: number } | { to: number }, source: { chat: number; seq: number }): string {
    return this.request({ type: "send", ...target, forward: { chat: source.chat, seq: source.seq } });
  }
  edit(chat: number, seq: number, text: string): string { return this.request({ type: "edit", chat, seq, text }); }
  deleteMessage(chat: number, seq: number, scope: "me" | "everyone"): string { return this.request({ type: "delete", chat, seq, for: scope }); }
  /** My reaction to a message: one emoji, or "" to take it back. */
  react(chat: number, seq: number, emoji: string): string { return this.request({ type: "react", chat, seq, emoji }); }
  star(chat: number, seq: number, starred: boolean): string { return this.request({ type: "star", chat, seq, starred }); }
  /** A fresh client message id, for a send prepared before it goes out (a file still uploading). */
  newId(): string { return this.idPrefix + String(++this.idCounter); }
  createChat(kind: "group" | "room", name: string, members: number[], extra: Record<string, unknown> = {}): string {
    return this.request({ ...extra, type: "create", kind, name, members });
  }
  changeChat(chat: number, op: string, users: number[] = [], extra: Record<string, unknown> = {}): string {
    return this.request({ ...extra, type: "change", chat, op, ...(users.length ? { users } : {}) });
  }
  joinRoom(target: { chat: number } | { invite: string }): string { return this.request({ type: "join", ...target }); }
  /** Accepts a group invite (a `join` naming its code); the `done` names the group. */
  joinByInvite(code: string): string { return this.request({ type: "join", invite: code }); }
  /** Turns a group invite down. */
  decline(code: string): string { return this.request({ type: "decline", invite: code }); }
  leaveChat(chat: number): string { return this.request({ type: "leave", chat }); }

  /**
   * Tells the server I have read up to `seq`. Disconnected, the highest position per chat goes
   * with the next hello (a chat opened before the connection is up, as a page opens at it, is
   * marked read locally at once and would otherwise never be on the server).
   */
  markRead(chat: number, seq: number): void {
    if (this.connectedFlag) this.write({ type: "read", chat, seq });
    else this.reads.set(chat, Math.max(this.reads.get(chat) ?? 0, seq));
  }
  chatInfo(chat: number): void { this.ask({ type: "chat_info", chat }); }
  receipts(chat: number, seq: number): void { this.ask({ type: "receipts", chat, seq }); }
  views(chat: number, seqs: number[]): void { this.ask({ type: "views", chat, seqs }); }
  /** Sets the settings given; with none, asks. Either way a `privacy` event brings them all. */
  privacy(set: Partial<PrivacySettings> = {}): void {
    const frame: Record<string, unknown> = { type: "privacy" };
    for (const [key, value] of Object.entries(set)) if (value) frame[key] = value;
    this.ask(frame);
  }
  setTyping(chat: number, typing: boolean): void { this.write({ type: "typing", chat, typing }); }

  subscribePresence(users: number[]): void {
    users.forEach((u) => this.watched.add(u));
    this.writePresence("presence_subscribe", users);
  }
  unsubscribePresence(users: number[]): void {
    users.forEach((u) => this.watched.delete(u));
    this.writePresence("presence_unsubscribe", users);
  }
  /** The page became visible (true) or hidden (false). */
  setForeground(foreground: boolean): void {
    const was = this.opt.foreground;
    this.opt.foreground = foreground;
    this.write({ type: "heartbeat", active: foreground });
    if (foreground && !was) this.startHeartbeat();
    if (!foreground) this.stopHeartbeat();
  }

  // ------------------------------------------------------------ connection

  private connect(): void {
    if (this.stopped) return;
    const gen = ++this.generation;
    const ws = this.factory(this.opt.url);
    this.ws = ws;
    ws.onopen = () => { if (gen === this.generation) ws.send(JSON.stringify({ type: "auth", token: this.opt.token })); };
    ws.onmessage = (ev) => { if (gen === this.generation && typeof ev.data === "string") this.dispatch(ev.data); };
    ws.onerror = () => {};
    ws.onclose = (ev) => {
      if (gen !== this.generation) return;
      const was = this.connectedFlag;
      this.connectedFlag = false;
      this.clearTimers();
      if (was) this.emit("state", false);
      if (ev.code === 4001) {
        this.stopped = true;
        this.emit("unauthorized");
        return;
      }
      if (this.stopped) return;
      if (was) this.delay = this.opt.reconnectMinMs;
      this.reconnectTimer = setTimeout(() => { this.reconnectTimer = null; this.connect(); }, this.delay);
      this.delay = Math.min(this.delay * 2, this.opt.reconnectMaxMs);
    };
  }

  private write(frame: Record<string, unknown>): void {
    if (this.connectedFlag && this.ws) this.ws.send(JSON.stringify(frame));
  }

  private ask(frame: Record<string, unknown>): void {
    if (this.connectedFlag) this.write(frame);
    else this.asks.push(JSON.stringify(frame));
  }

  private request(frame: Record<string, unknown>, id?: string): string {
    const clientId = id ?? this.newId();
    if (this.pending.has(clientId)) return clientId;
    const p: Pending = { id: clientId, order: this.nextOrder++, frame: { ...frame, id: clientId } };
    this.pending.set(clientId, p);
    void this.outbox.put(p);
    this.write(p.frame);
    this.emit("pending");
    return clientId;
  }

  private settle(id: string): void {
    if (!this.pending.delete(id)) return;
    void this.outbox.remove(id);
    this.emit("pending");
  }

  private writePresence(type: string, users: number[]): void {
    for (let i = 0; i < users.length; i += 500) this.write({ type, users: users.slice(i, i + 500) });
  }

  private startHeartbeat(): void {
    this.stopHeartbeat();
    if (!this.connectedFlag || !this.opt.foreground) return;
    this.heartbeatTimer = setInterval(() => this.write({ type: "heartbeat", active: true }), this.heartbeatMs);
  }
  private stopHeartbeat(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }
  private clearTimers(): void {
    this.stopHeartbeat();
    if (this.ackTimer) clearTimeout(this.ackTimer);
    if (this.roomAckTimer) clearTimeout(this.roomAckTimer);
    this.ackTimer = this.roomAckTimer = null;
  }

  // ------------------------------------------------------------ acknowledgements

  private scheduleAcks(): void {
    if (!this.ackTimer) this.ackTimer = setTimeout(() => this.flushAcks(), this.opt.ackDelayMs);
  }
  private flushAcks(): void {
    this.ackTimer = null;
    if (!this.connectedFlag) return;
    for (const [chat, seq] of this.delivered) this.write({ type: "delivered", chat, seq });
    this.delivered.clear();
    if (this.posValue > this.ackedPosition) {
      this.ackedPosition = this.posValue;
      this.write({ type: "received", pts: this.posValue });
    }
  }
  private flushRoomAcks(): void {
    this.roomAckTimer = null;
    if (!this.connectedFlag) return;
    for (const [chat, seq] of this.roomSeen) {
      if (seq <= (this.roomAcked.get(chat) ?? 0)) continue;
      this.roomAcked.set(chat, seq);
      this.write({ type: "received", chat, seq });
    }
  }

  /** Takes a log entry at `pts`; false if it was seen before. */
  private advance(pts: number): boolean {
    if (pts <= this.posValue) return false;
    this.posValue = pts;
    this.scheduleAcks();
    this.emit("position", pts);
    return true;
  }

  // ------------------------------------------------------------ incoming

  private dispatch(text: string): void {
    const f = parseServerFrame(text);
    if (!f) return;
    switch (f.type) {
      case "hello": {
        this.userId = f.user;
        // A device with no remembered position resumes from the one the server stores.
        if (this.posValue === 0 && f.position > 0) {
          this.posValue = this.ackedPosition = f.position;
          this.emit("position", f.position);
        }
        if (f.presence?.heartbeat_ms) this.heartbeatMs = f.presence.heartbeat_ms;
        this.connectedFlag = true;
        this.write({ type: "sync", after: this.posValue });
        for (const p of this.unanswered) this.write(resend(p));
        for (const [chat, seq] of this.reads) this.write({ type: "read", chat, seq });
        this.reads.clear();
        if (this.opt.foreground) {
          this.write({ type: "heartbeat", active: true });
          this.startHeartbeat();
        }
        if (this.watched.size) this.writePresence("presence_subscribe", [...this.watched]);
        const asks = this.asks;
        this.asks = [];
        asks.forEach((a) => this.ws?.send(a));
        this.emit("state", true);
        this.emit("hello", f);
        return;
      }
      case "msg": {
        if (f.pts === undefined) {  // a room's message
          if (f.seq <= (this.roomSeen.get(f.chat) ?? 0)) return;
          this.roomSeen.set(f.chat, f.seq);
          if (!this.roomAckTimer) this.roomAckTimer = setTimeout(() => this.flushRoomAcks(), this.opt.roomAckMs);
          this.emit("message", f);
          return;
        }
        if (!this.advance(f.pts)) return;
        // Removed from a group: the server takes no receipts from me there any more (§5.7).
        if (removesMe(f, this.userId)) this.delivered.delete(f.chat);
        else if (f.from !== this.userId) this.delivered.set(f.chat, Math.max(this.delivered.get(f.chat) ?? 0, f.seq));
        this.emit("message", f);
        return;
      }
      case "changed":   // in the log like a message; a room's comes live, without pts
        if (f.pts === undefined || this.advance(f.pts)) this.emit("changed", f);
        return;
      case "marked":
        if (this.advance(f.pts)) this.emit("marked", f);
        return;
      case "receipt":
        if (this.advance(f.pts)) this.emit("receipt", f);
        return;
      case "membership":
        if (!this.advance(f.pts)) return;
        if (f.member) this.roomSeen.set(f.chat, Math.max(this.roomSeen.get(f.chat) ?? 0, f.seq));
        else {
          this.roomSeen.delete(f.chat);
          this.roomAcked.delete(f.chat);
        }
        this.emit("membership", f);
        return;
      case "ack": {
        const p = this.pending.get(f.id);
        this.settle(f.id);
        this.emit("ack", f, p?.frame);
        return;
      }
      case "done": {
        const p = this.pending.get(f.id);
        this.settle(f.id);
        this.emit("done", f, p?.frame);
        return;
      }
      case "error": {
        const p = f.id ? this.pending.get(f.id) : undefined;
        if (p && RETRYABLE.has(f.code)) {
          // Retry the same frame later; its client id keeps it idempotent.
          setTimeout(() => { if (this.pending.has(p.id)) this.write(resend(p)); }, Math.max(50, f.retry_after_ms ?? 500));
        } else if (p) {
          this.settle(p.id);
        }
        if (f.code === "unauthorized") this.stopped = true;
        this.emit("error", f, p?.frame);
        return;
      }
      case "synced": this.emit("synced", f); return;
      case "presence": this.emit("presence", f); return;
      case "typing": this.emit("typing", f); return;
      case "privacy": this.emit("privacy", f); return;
      case "invite": this.emit("invite", f); return;
      case "profile":
      case "chat_state":
      case "contact":
      case "blocks": this.emit("account", f); return;
      case "chat_info":
      case "receipts":
      case "views": this.emit("reply", f); return;
      case "pong": return;
    }
  }

  private emit<K extends keyof ClientEvents>(event: K, ...args: Parameters<ClientEvents[K]>): void {
    const set = this.handlers[event] as Set<(...a: Parameters<ClientEvents[K]>) => void> | undefined;
    set?.forEach((h) => h(...args));
  }
}
