// What the app shows, kept up to date from the protocol client and the HTTP API: the chat
// list, each open chat's messages, ticks, presence, typing, members, group invites, people's
// names and photos, my account and my settings of each chat. The UI reads it and calls its
// actions; it knows nothing of the DOM, so it is tested with a fake socket (test/).
//
// This is the facade the UI imports: it routes the client's events to one store per concern
// (chats.ts, messages.ts and history.ts with the copy kept in the browser in history_cache.ts,
// receipts.ts, typing.ts, presence.ts, views.ts, requests.ts; media being sent in uploads.ts,
// downloaded media in media_cache.ts; edits,
// deletes, reactions, stars and forwards in message_actions.ts, quoted messages in quotes.ts,
// search, the starred list and going to a message in finder.ts; message info in message_info.ts; profiles, contacts and blocks
// in people.ts, my profile, privacy and devices in account.ts, mute, archive and pin in
// chat_prefs.ts, the notifications setting in push.ts), keeps the open view and the notice,
// and hands the requests to the server to actions.ts. Every change, whichever store holds it,
// is told to the listeners from here.

import { Account } from "./account";
import { Actions } from "./actions";
import type { Api, ChatSummary } from "./api";
import { ChatPrefs } from "./chat_prefs";
import { ChatList } from "./chat_list";
import { ChatStore } from "./chats";
import { HistoryPages } from "./history";
import type { HistoryCache } from "./history_cache";
import { Invites, type Invite } from "./invites";
import { Finder } from "./finder";
import { MediaCache } from "./media_cache";
import { MessageActions } from "./message_actions";
import { MessageInfo } from "./message_info";
import { MessageStore, PAGE } from "./messages";
import { People } from "./people";
import { NO_PUSH, Notifications, type PushEnv } from "./push";
import { messageOf, type Chat, type Invited, type Message, type Outgoing, type OutgoingMedia, type Presence, type RoomAccess, type Tick, type View } from "./model";
import { PresenceStore } from "./presence";
import { Quotes } from "./quotes";
import { Reading } from "./reading";
import { tickOf } from "./receipts";
import { Requests } from "./requests";
import { TypingStore } from "./typing";
import { MemoryUploadStore, UploadQueue, type UploadStore } from "./uploads";
import { RoomViews } from "./views";
import type { ParleyClient } from "../protocol/client";
import type { AccountFrame, MsgFrame } from "../protocol/frames";
import { inviteAnswered } from "./words";

export type { Chat, ChatKind, Draft, Invited, Member, Message, Outgoing, OutgoingMedia, Presence, RoomAccess, Tick, View } from "./model";
export { describe, joinError } from "./words";

export class AppState {
  view: View = null;
  connected = false;
  everConnected = false;
  readonly invites = new Invites();
  invited: Invited | null = null;       // the last create / add that invited people
  notice = "";            // the last error worth telling the user
  /** Resolves once a chat list shows (the server's, or the one saved here when read first) with the outbox read. */
  readonly listed: Promise<void>;
  private listedNow!: () => void;
  maxTextChars = 4096;
  readonly media: MediaCache;           // downloaded photos, previews, files and voice notes
  readonly uploads: UploadQueue;        // media being sent
  readonly people: People;              // names, photos, contacts and blocks of the people I know
  readonly account: Account;            // my profile, privacy settings and devices
  readonly prefs: ChatPrefs;            // my settings of each chat: muted, archived, pinned
  readonly notifications: Notifications;   // this browser's "Notifications" setting (push)
  readonly messageActions: MessageActions;   // edit, delete, react, star, forward; who may
  readonly quotes: Quotes;              // the messages replies quote, as they are now
  readonly finder: Finder;              // search, the starred list, going to a message
  readonly messageInfo: MessageInfo;    // who got and read one of my messages, and when
  readonly reading: Reading;            // the unread line of the chat just opened; marking a chat read

  private readonly chatStore: ChatStore;
  private readonly messageStore = new MessageStore();
  private readonly typingStore: TypingStore;
  private readonly presenceStore: PresenceStore;
  private readonly roomViews: RoomViews;
  private readonly requests: Requests;
  private readonly actions: Actions;
  private readonly history: HistoryPages;
  private listeners = new Set<() => void>();
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly listSource: ChatList;
  private typingTimer: ReturnType<typeof setInterval> | null = null;
  private visible = true;
  private seconds = 0;
  private skew = 0;                     // the server's clock minus this page's

  constructor(readonly me: number, readonly myPhone: string, readonly api: Api, readonly client: ParleyClient,
    uploadStore: UploadStore = new MemoryUploadStore(), push: PushEnv = NO_PUSH, private readonly cache?: HistoryCache) {
    this.chatStore = new ChatStore(me, myPhone);
    this.listed = new Promise((resolve) => { this.listedNow = resolve; });
    const changed = () => this.changed();
    const storage = typeof localStorage === "undefined" ? undefined : localStorage;
    this.people = new People(me, api, this.chatStore.phones, changed);
    this.prefs = new ChatPrefs({ api, chats: this.chatStore, now: () => Date.now() + this.skew, changed, notify: (t) => this.notify(t) });
    this.notifications = new Notifications(api, push, storage, `parley.notifications.${me}`, changed);
    const fetch = (path: string, init?: RequestInit) => api.authorized(path, init);
    this.media = new MediaCache(fetch);
    this.uploads = new UploadQueue({
      fetch, client, store: uploadStore, changed, uploaded: (m, blob) => this.media.seedSent(m, blob),
    });
    this.account = new Account({ me, api, client, media: this.media, changed, refreshChats: () => this.refreshChats() });
    this.typingStore = new TypingStore(me, client);
    this.presenceStore = new PresenceStore(client);
    this.roomViews = new RoomViews(client, this.chatStore, this.messageStore);
    this.requests = new Requests(client, this.chatStore);
    this.history = new HistoryPages(api, this.messageStore, (chat) => { this.markRead(chat); this.roomViews.ask(chat); },
      (text) => { this.notice = text; }, changed, cache && { cache, chat: (id) => this.chats.get(id) });
    cache?.follow(client);
    this.listSource = new ChatList({
      api, chats: this.chatStore, cache, changed, merged: (peers, list) => this.onList(peers, list),
      behind: () => { for (const chat of this.messageStore.messages.keys()) this.history.behind(chat); },
    });
    this.quotes = new Quotes(this.messageStore, (chat, before, limit) => api.history(chat, before, limit), changed);
    this.messageActions = new MessageActions({ me, client, chats: this.chatStore, messages: this.messageStore, quotes: this.quotes,
      now: () => Date.now() + this.skew, changed });
    this.finder = new Finder(this, api, this.messageStore, changed);
    this.reading = new Reading({ me, messages: this.messageStore, loadEarlier: (c, limit) => this.loadEarlier(c, limit),
      markRead: (c, seq) => { if (!this.chats.get(c)?.ended) client.markRead(c, seq); }, changed });
    this.messageInfo = new MessageInfo(client, changed);
    this.actions = new Actions(this, {
      api, client, chats: this.chatStore, people: this.people, requests: this.requests, invites: this.invites, typing: this.typingStore,
      uploads: this.uploads,
    });
    client.on("state", (up) => {
      this.connected = up;
      if (up) {
        this.everConnected = true;
        this.notice = "";
        void this.refreshChats();
        this.history.retry();
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
      // Profiles, contacts, blocks and my profile come live only: read again after each hello.
      void this.account.load();
      void this.people.refresh();
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
    client.on("privacy", (p) => { this.account.onPrivacy(p); this.changed(); });
    client.on("account", (f) => this.onAccount(f));
    client.on("invite", (f) => { if (this.invites.onFrame(f)) this.changed(); });
    client.on("membership", () => this.scheduleRefresh());
    client.on("reply", (r) => {
      if (r.type === "chat_info") this.chatStore.applyInfo(r);
      else if (r.type === "views") this.roomViews.onReply(r);
      else if (r.type === "receipts") this.messageInfo.onReply(r);
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
  private changed(): void {
    this.cache?.chatsMoved(this.chats);   // the saved chat list follows (a second later)
    this.listeners.forEach((l) => l());
  }

  dispose(): void {
    if (this.typingTimer) clearInterval(this.typingTimer);
    this.finder.dispose();
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.roomViews.dispose();
    this.messageInfo.close();
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

  /** Whom a user is to me: the name I saved, else theirs, else the number, else "User N" ("You" for me). */
  name(user: number): string { return this.people.name(user); }

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
    // The outbox and the files being sent are read from IndexedDB while the chat list is asked
    // for (a page opening at a chat shows it once all three are in); the client connects after.
    // The list this browser saved shows meanwhile if it is read before the server answers.
    const uploads = this.uploads.load();
    const outbox = this.client.loadOutbox();
    const server = this.refreshChats();
    void (async () => {
      if (await this.listSource.showSaved(false, server)) { await Promise.all([outbox, uploads]); this.listedNow(); }
    })().catch(() => undefined);
    await server;
    await outbox;
    await this.client.start();
    await uploads;
    this.listedNow();
    void this.notifications.restore();
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    this.client.setForeground(visible);
    if (visible && this.view && "chat" in this.view) this.markRead(this.view.chat);
  }

  refreshChats(): Promise<void> { return this.listSource.refresh(); }

  /** The chat list is the one this browser saved (opened offline), not the server's yet. */
  get savedList(): boolean { return this.listSource.saved === "offline"; }
  /** The same, shown while the server's is on its way (a slow network): not offline. */
  get earlyList(): boolean { return this.listSource.saved === "early"; }

  private onList(peers: number[], list: ChatSummary[]): void {
    this.presenceStore.watch(peers);
    for (const s of list) if (s.kind === "direct" && s.peer !== undefined) this.people.named(s.peer, s.peer_name, s.peer_contact_name);
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
        if (view.draft.phone) this.phones.set(view.draft.peer, view.draft.phone);
        this.presenceStore.watch([view.draft.peer]);
      }
    }
    if (this.view && "chat" in this.view) {
      const chat = this.view.chat;
      if (!this.messages.has(chat)) void this.loadEarlier(chat);
      this.askAbout(chat);
      this.reading.opened(this.chats.get(chat));   // before it is marked read: where the unread line goes
      this.markRead(chat);
    } else this.reading.opened(undefined);
    this.changed();
  }

  /** Loads the page of messages before the oldest loaded one (or waits for the one on its way). */
  loadEarlier(chat: number, limit = PAGE): Promise<void> { return this.history.loadEarlier(chat, limit); }

  markRead(chat: number): void {
    if (!this.visible || !this.view || !("chat" in this.view) || this.view.chat !== chat) return;
    const c = this.chats.get(chat);
    if (!c) return;
    const top = Math.max(c.lastSeq, this.messageStore.newest(chat));
    c.unread = 0;
    if (top > c.read) {
      c.read = top;
      if (!c.ended) this.client.markRead(chat, top);   // a group I am no longer in takes no receipts
    }
  }

  /** Asks for a chat's settings and members again (the info panel opened). */
  refreshInfo(chat: number): void { this.askAbout(chat); }

  /** Called on input in the composer: a typing indicator, renewed at most every 3 s. */
  typed(chat: number): void { this.typingStore.typed(this.chats.get(chat)); }
  stopTyping(chat: number): void { this.typingStore.stop(chat); }

  /** Shows a sentence in the app-wide notice (for an answer whose dialog has gone). */
  notify(text: string): void { this.notice = text; this.changed(); }
  dismissNotice(): void { this.notify(""); }
  dismissInvited(): void { this.invited = null; this.changed(); }
  dismissFailed(id: string): void { this.failed.delete(id); this.changed(); }

  // ------------------------------------------------------------ requests (actions.ts)

  /** Sends text to the open chat (or draft); `replyTo`: the seq of the message it answers. */
  send(text: string, replyTo?: number): void { if (this.actions.send(text, replyTo)) this.changed(); }
  /** Sends files to the open chat (or draft); `caption` goes with the first. */
  sendFiles(files: File[], caption = ""): void { if (this.actions.sendFiles(files, caption)) this.changed(); }
  startChat(phone: string): Promise<void> { return this.actions.startChat(phone); }
  openChatWith(user: number): void { this.actions.openChatWith(user); }
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

  // ------------------------------------------------------------ invites, photos

  /** Reads the pending invites (after each `hello`: invite frames are not in the update log). */
  async loadInvites(): Promise<void> { if (await this.invites.load(() => this.api.invites())) this.changed(); }

  /** Makes `file` a group's or room's photo, or removes it (null); admins only. Rejects with the reason. */
  async setChatPhoto(chat: number, file: File | null): Promise<void> {
    const id = file ? await this.account.upload(file) : "";
    await this.actions.changeAndWait(chat, "avatar", { avatar: id });
  }

  // ------------------------------------------------------------ incoming

  /** Profiles, my settings of a chat, my contacts and blocks, changed (here or on another device). */
  private onAccount(f: AccountFrame): void {
    if (f.type === "profile") {
      if (f.user === this.me) this.account.onProfile(f);
      else this.people.onProfile(f);
      const c = this.directWith(f.user);
      if (c) c.avatar = f.avatar;
    } else if (f.type === "chat_state") this.prefs.onFrame(f);
    else if (f.type === "contact") this.people.onContact(f);
    else this.people.onBlocks(f);
    this.changed();
  }

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
    if (!c || c.ended) return;   // a former member may not ask: what the group is now is not theirs to know
    if (c.kind !== "direct") this.client.chatInfo(chat);
    if (c.kind === "room") this.roomViews.ask(chat);
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => { this.refreshTimer = null; void this.refreshChats(); }, 100);
  }
}
