// What the app shows, kept up to date from the protocol client and the HTTP API: the chat
// list, each open chat's messages, ticks, presence, typing, members, group invites, the
// privacy settings and my photo. The UI reads it and calls its actions; it knows nothing of the
// DOM, so it is tested with a fake socket (test/).
//
// This is the facade the UI imports: it routes the client's events to one store per concern
// (chats.ts, messages.ts, receipts.ts, typing.ts, presence.ts, views.ts, requests.ts; media
// being sent in uploads.ts, downloaded media in media_cache.ts, photos in avatars.ts; edits,
// deletes, reactions, stars and forwards in message_actions.ts, quoted messages in quotes.ts,
// search, the starred list and going to a message in finder.ts), keeps the open view and the
// notice, and hands the requests to the server to actions.ts. Every
// change, whichever store holds it, is told to the listeners from here.

import { Actions } from "./actions";
import { Api, ApiError, type ChatSummary, type Device } from "./api";
import { MyAvatar, uploadPhoto } from "./avatars";
import { ChatStore } from "./chats";
import { Invites, type Invite } from "./invites";
import { Finder } from "./finder";
import { MediaCache } from "./media_cache";
import { MessageActions } from "./message_actions";
import { MessageStore, PAGE } from "./messages";
import { messageOf, type Chat, type Invited, type Message, type Outgoing, type OutgoingMedia, type Presence, type RoomAccess, type Tick, type View } from "./model";
import { PresenceStore } from "./presence";
import { Quotes } from "./quotes";
import { tickOf } from "./receipts";
import { Requests } from "./requests";
import { TypingStore } from "./typing";
import { MemoryUploadStore, UploadQueue, type UploadStore } from "./uploads";
import { RoomViews } from "./views";
import type { ParleyClient } from "../protocol/client";
import type { MsgFrame, Visibility } from "../protocol/frames";
import { describe, inviteAnswered } from "./words";

export type { Chat, ChatKind, Draft, Invited, Member, Message, Outgoing, OutgoingMedia, Presence, RoomAccess, Tick, View } from "./model";
export { describe, joinError } from "./words";

export class AppState {
  view: View = null;
  connected = false;
  everConnected = false;
  privacy: Visibility | null = null;    // who sees my last seen and online
  groupAdd: Visibility | null = null;   // who may add me to groups (others invite me)
  readonly invites = new Invites();
  invited: Invited | null = null;       // the last create / add that invited people
  devices: Device[] = [];
  notice = "";            // the last error worth telling the user
  maxTextChars = 4096;
  readonly media: MediaCache;           // downloaded photos, previews, files and voice notes
  readonly uploads: UploadQueue;        // media being sent
  readonly myAvatar: MyAvatar;          // my profile photo's media id, as set from this browser
  readonly messageActions: MessageActions;   // edit, delete, react, star, forward; who may
  readonly quotes: Quotes;              // the messages replies quote, as they are now
  readonly finder: Finder;              // search, the starred list, going to a message

  private readonly chatStore: ChatStore;
  private readonly messageStore = new MessageStore();
  private readonly typingStore: TypingStore;
  private readonly presenceStore: PresenceStore;
  private readonly roomViews: RoomViews;
  private readonly requests: Requests;
  private readonly actions: Actions;
  private listeners = new Set<() => void>();
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private typingTimer: ReturnType<typeof setInterval> | null = null;
  private visible = true;
  private seconds = 0;
  private skew = 0;                     // the server's clock minus this page's
  private readonly pages = new Map<number, Promise<void>>();   // chat -> its history page on its way

  constructor(readonly me: number, readonly myPhone: string, readonly api: Api, readonly client: ParleyClient,
    uploadStore: UploadStore = new MemoryUploadStore()) {
    this.chatStore = new ChatStore(me, myPhone);
    const fetch = (path: string, init?: RequestInit) => api.authorized(path, init);
    this.media = new MediaCache(fetch);
    this.uploads = new UploadQueue({
      fetch, client, store: uploadStore, changed: () => this.changed(),
      uploaded: (m, blob) => {
        // The sender shows what it sent without downloading it (a photo's preview is the original).
        if (m.kind !== "image") this.media.seed(m.id, "full", blob);
        else if (/^image\/(jpeg|png|webp|gif)$/.test(blob.type)) this.media.seed(m.id, "preview", blob);
      },
    });
    this.myAvatar = new MyAvatar(typeof localStorage === "undefined" ? undefined : localStorage, `parley.avatar.${me}`);
    this.typingStore = new TypingStore(me, client);
    this.presenceStore = new PresenceStore(client);
    this.roomViews = new RoomViews(client, this.chatStore, this.messageStore);
    this.requests = new Requests(client, this.chatStore);
    const changed = () => this.changed();
    this.quotes = new Quotes(this.messageStore, (chat, before, limit) => api.history(chat, before, limit), changed);
    this.messageActions = new MessageActions({ me, client, chats: this.chatStore, messages: this.messageStore, quotes: this.quotes,
      now: () => Date.now() + this.skew, changed });
    this.finder = new Finder(this, api, this.messageStore, changed);
    this.actions = new Actions(this, {
      api, client, chats: this.chatStore, requests: this.requests, invites: this.invites, typing: this.typingStore, uploads: this.uploads,
    });
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
      if (h.presence?.typing_ms) this.typingStore.typingMs = h.presence.typing_ms;
      this.maxTextChars = h.max_text_chars;
      if (h.server_time > 0) this.skew = h.server_time - Date.now();
      client.privacy();
      void this.loadInvites();
    });
    client.on("message", (m) => this.onMessage(m));
    client.on("changed", (f) => { this.messageActions.onChanged(f); this.finder.onChanged(f); });
    client.on("marked", (f) => { this.messageActions.onMarked(f); this.finder.onMarked(f); });
    client.on("receipt", (r) => { if (this.chatStore.applyReceipt(r)) this.changed(); });
    client.on("ack", (a, request) => {
      // Shown at once, before its `msg` comes back through the log (a media send's object is
      // the one its upload answered; without it, the `msg` brings it). A forward waits for its
      // `msg`: the server copied the text and media.
      const media = this.uploads.acked(a.id);
      if (request && (media || !request.media) && !request.forward)
        this.addMessage({ chat: a.chat, seq: a.seq, from: me, ts: a.ts, text: String(request.text ?? ""), id: a.id, media,
          ...(typeof request.reply_to === "number" ? { reply_to: request.reply_to } : {}) });
      this.requests.answered(a.id, a.chat);
      if (!this.chats.has(a.chat)) this.scheduleRefresh();
      this.changed();
    });
    client.on("done", (d, request) => {
      const code = inviteAnswered(request);
      if (code) this.invites.remove(code);
      if (d.invited?.length && (request?.type === "create" || request?.type === "change"))
        this.invited = { chat: d.chat, users: d.invited };
      this.requests.answered(d.id, d.chat);
      if (!this.chats.has(d.chat)) this.scheduleRefresh();
      this.changed();
    });
    client.on("error", (e, request) => { if (this.actions.onError(e, request)) this.changed(); });
    client.on("presence", (p) => { this.presenceStore.onFrame(p); this.changed(); });
    client.on("typing", (t) => { if (this.typingStore.onFrame(t)) this.changed(); });
    client.on("privacy", (p) => {
      this.privacy = p.last_seen;
      this.groupAdd = p.group_add ?? null;
      this.changed();
    });
    client.on("invite", (f) => { if (this.invites.onFrame(f)) this.changed(); });
    client.on("membership", () => this.scheduleRefresh());
    client.on("reply", (r) => {
      if (r.type === "chat_info") this.chatStore.applyInfo(r);
      else if (r.type === "views") this.roomViews.onReply(r);
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
    this.finder.dispose();
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.roomViews.dispose();
    this.listeners.clear();
  }

  // ------------------------------------------------------------ reading

  get chats(): Map<number, Chat> { return this.chatStore.chats; }
  get phones(): Map<number, string> { return this.chatStore.phones; }
  get messages(): Map<number, Message[]> { return this.messageStore.messages; }   // chat -> loaded messages, by seq
  get complete(): Set<number> { return this.messageStore.complete; }            // chats whose oldest message is loaded
  get presence(): Map<number, Presence> { return this.presenceStore.presence; }
  get typing(): Map<number, Map<number, number>> { return this.typingStore.typing; }   // chat -> user -> until (ms)
  get typingMs(): number { return this.typingStore.typingMs; }
  get views(): Map<number, Map<number, number>> { return this.roomViews.views; }      // room -> seq -> count
  get failed(): Map<string, Outgoing> { return this.requests.failed; }

  /** Chats by last activity, newest first. */
  chatList(): Chat[] { return this.chatStore.list(); }

  name(user: number): string { return this.chatStore.name(user); }

  /** Photos and files being sent to one chat (or a draft's peer), oldest first. */
  outgoingMedia(target: { chat?: number; to?: number }): OutgoingMedia[] {
    return this.uploads.outgoing(target, (to) => this.directWith(to)?.chat);
  }

  /** Sends not yet acknowledged, for one chat (or a draft's peer). */
  outgoing(target: { chat?: number; to?: number }): Outgoing[] { return this.requests.outgoing(target); }

  /** The tick of one of my messages. */
  tick(chat: Chat, seq: number): Tick { return tickOf(chat, seq, this.me); }

  /** Who is typing in a chat now (not me). */
  typists(chat: number): number[] { return this.typingStore.typists(chat); }

  /** Group invites waiting for my answer, newest first. */
  inviteList(): Invite[] { return this.invites.list(); }

  /** An accept or decline of this invite is on its way (or waits for the connection). */
  answering(code: string): boolean { return this.requests.answering(code); }

  directWith(user: number): Chat | undefined { return this.chatStore.directWith(user); }

  canPost(chat: Chat): boolean { return this.chatStore.canPost(chat); }

  // ------------------------------------------------------------ the view

  async start(): Promise<void> {
    await this.refreshChats();
    await this.client.start();
    await this.uploads.load();
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
    this.presenceStore.watch(this.chatStore.merge(list));
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
        this.presenceStore.watch([view.draft.peer]);
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

  /** Loads the page of messages before the oldest loaded one (or waits for the one on its way). */
  loadEarlier(chat: number, limit = PAGE): Promise<void> {
    const before = this.messageStore.beginPage(chat);
    if (before === undefined) return this.pages.get(chat) ?? Promise.resolve();
    const page = (async () => {
      try {
        this.messageStore.addPage(chat, await this.api.history(chat, before, limit), limit);
        this.markRead(chat);
        this.roomViews.ask(chat);
      } catch (e) {
        this.notice = e instanceof ApiError ? e.message : String(e);
      } finally {
        this.messageStore.endPage(chat);
        this.pages.delete(chat);
      }
      this.changed();
    })();
    this.pages.set(chat, page);
    return page;
  }

  markRead(chat: number): void {
    if (!this.visible || !this.view || !("chat" in this.view) || this.view.chat !== chat) return;
    const c = this.chats.get(chat);
    if (!c) return;
    const top = Math.max(c.lastSeq, this.messageStore.newest(chat));
    c.unread = 0;
    if (top > c.read) {
      c.read = top;
      this.client.markRead(chat, top);
    }
  }

  /** Asks for a chat's settings and members again (the info panel opened). */
  refreshInfo(chat: number): void { this.askAbout(chat); }

  /** Called on input in the composer: a typing indicator, renewed at most every 3 s. */
  typed(chat: number): void { this.typingStore.typed(this.chats.get(chat)); }
  stopTyping(chat: number): void { this.typingStore.stop(chat); }

  /** Shows a sentence in the app-wide notice (for an answer whose dialog has gone). */
  notify(text: string): void {
    this.notice = text;
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

  // ------------------------------------------------------------ requests (actions.ts)

  /** Sends text to the open chat (or draft); `replyTo`: the seq of the message it answers. */
  send(text: string, replyTo?: number): void { if (this.actions.send(text, replyTo)) this.changed(); }
  /** Sends files to the open chat (or draft); `caption` goes with the first. */
  sendFiles(files: File[], caption = ""): void { if (this.actions.sendFiles(files, caption)) this.changed(); }
  startChat(phone: string): Promise<void> { return this.actions.startChat(phone); }
  createGroup(name: string, phones: string[]): Promise<void> { return this.actions.createGroup(name, phones); }
  createRoom(name: string, everyonePosts: boolean, access: RoomAccess = "private"): Promise<void> {
    return this.actions.createRoom(name, everyonePosts, access);
  }
  joinRoom(target: string): Promise<number> { return this.actions.joinRoom(target); }
  addMembers(chat: number, phones: string[]): Promise<void> { return this.actions.addMembers(chat, phones); }
  change(chat: number, op: string, users: number[] = [], extra: Record<string, unknown> = {}): void {
    this.actions.change(chat, op, users, extra);
  }
  leave(chat: number): void { this.actions.leave(chat); }
  acceptInvite(code: string): void { this.actions.acceptInvite(code); }
  declineInvite(code: string): void { this.actions.declineInvite(code); }

  // ------------------------------------------------------------ settings, invites, devices

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

  /** Makes `file` my profile photo (uploaded first), or removes it (null); then reads the chat list again. */
  async setMyPhoto(file: File | null): Promise<void> {
    const id = file ? await this.uploadAvatar(file) : "";
    try {
      await this.api.setAvatar(id);
    } catch (e) {
      throw e instanceof ApiError ? new Error(describe(e)) : e;
    }
    this.myAvatar.set(id);
    await this.refreshChats();
  }

  /** Makes `file` a group's or room's photo, or removes it (null); admins only. Rejects with the reason. */
  async setChatPhoto(chat: number, file: File | null): Promise<void> {
    const id = file ? await this.uploadAvatar(file) : "";
    await this.actions.changeAndWait(chat, "avatar", { avatar: id });
  }

  private async uploadAvatar(file: File): Promise<string> {
    const media = await uploadPhoto((path, init) => this.api.authorized(path, init), file);
    if (/^image\/(jpeg|png|webp|gif)$/.test(file.type)) this.media.seed(media.id, "preview", file);   // shown without a download
    return media.id;
  }

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
    this.addMessage(messageOf(m));
    if (m.system && this.view && "chat" in this.view && this.view.chat === m.chat) this.askAbout(m.chat);
    if (this.typingStore.ended(m.chat, m.from)) this.changed();
  }

  private addMessage(msg: Message): void {
    const c = this.chatStore.applyMessage(msg);
    if (!c) this.scheduleRefresh();
    if (this.messageStore.keeps(msg.chat)) this.messageStore.insert(msg);
    this.markRead(msg.chat);
    if (c?.kind === "room") this.roomViews.askSoon(msg.chat);
    this.changed();
  }

  /**
   * Once a second: typing indicators, invites and kept temporary messages expire; an open
   * room's view counts refresh every 5 s.
   */
  private tickSecond(): void {
    if (this.typingStore.expire()) this.changed();
    if (this.invites.expire()) this.changed();
    this.messageActions.expireKept();
    if (++this.seconds % 5 === 0 && this.connected && this.visible && this.view && "chat" in this.view) this.roomViews.ask(this.view.chat);
  }

  private askAbout(chat: number): void {
    const c = this.chats.get(chat);
    if (!c) return;
    if (c.kind !== "direct") this.client.chatInfo(chat);
    if (c.kind === "room") this.roomViews.ask(chat);
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => { this.refreshTimer = null; void this.refreshChats(); }, 100);
  }
}
