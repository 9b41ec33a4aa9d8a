// The actions that talk to the server: sending, starting chats, creating, joining, changing and
// leaving groups and rooms, answering invites; and what a refusal of any of them shows. Each
// registers in `Requests` what its answer does. They notify no one: the caller (`AppState`)
// tells its listeners when one returns true, and the answers' callbacks go through its methods.

import type { Api } from "./api";
import type { ChatStore } from "./chats";
import type { Invites } from "./invites";
import type { People } from "./people";
import type { RoomAccess, View } from "./model";
import type { Requests } from "./requests";
import type { TypingStore } from "./typing";
import type { UploadQueue } from "./uploads";
import type { ParleyClient } from "../protocol/client";
import type { ErrorFrame } from "../protocol/frames";
import { actionError, describe, inviteAnswered, joinError } from "./words";
import { checkPhone, checkPhones } from "./phone_input";

/** What the actions read and move in the app state around them. */
export interface ActionHost {
  view: View;
  notice: string;
  open(view: View): void;
  refreshChats(): Promise<void>;
  refreshInfo(chat: number): void;
}

export interface ActionParts {
  api: Api;
  client: ParleyClient;
  chats: ChatStore;
  people: People;
  requests: Requests;
  invites: Invites;
  typing: TypingStore;
  uploads: UploadQueue;
}

export class Actions {
  private readonly api: Api;
  private readonly client: ParleyClient;
  private readonly chats: ChatStore;
  private readonly people: People;
  private readonly requests: Requests;
  private readonly invites: Invites;
  private readonly typing: TypingStore;
  private readonly uploads: UploadQueue;

  constructor(private readonly host: ActionHost, parts: ActionParts) {
    this.api = parts.api;
    this.client = parts.client;
    this.chats = parts.chats;
    this.people = parts.people;
    this.requests = parts.requests;
    this.invites = parts.invites;
    this.typing = parts.typing;
    this.uploads = parts.uploads;
  }

  /**
   * Sends to the open chat (a reply to message `replyTo` of it), or to a draft's peer (the draft
   * becomes the chat). False if nothing was sent.
   */
  send(text: string, replyTo?: number): boolean {
    const body = text.trim() ? text.replace(/\s+$/, "") : "";
    const host = this.host;
    if (!body || !host.view) return false;
    if ("chat" in host.view) {
      if (replyTo) this.client.reply(host.view.chat, replyTo, body);
      else this.client.sendToChat(host.view.chat, body);
      this.typing.stop(host.view.chat);
    } else {
      const id = this.client.sendToUser(host.view.draft.peer, body);
      const peer = host.view.draft.peer;
      this.requests.whenAnswered(id, (chat) => {
        void host.refreshChats().then(() => {
          if (host.view && "draft" in host.view && host.view.draft.peer === peer) host.open({ chat });
        });
      });
    }
    return true;
  }

  /** Uploads files and sends them to the open chat or draft (the caption goes with the first). False if there is none. */
  sendFiles(files: File[], caption: string): boolean {
    const view = this.host.view;
    if (!files.length || !view) return false;
    const text = caption.trim() ? caption.replace(/\s+$/, "") : "";
    if ("chat" in view) {
      this.uploads.add({ chat: view.chat }, files, text);
      this.typing.stop(view.chat);
    } else {
      const peer = view.draft.peer;
      const [first] = this.uploads.add({ to: peer }, files, text);
      const host = this.host;
      this.requests.whenAnswered(first, (chat) => {
        void host.refreshChats().then(() => {
          if (host.view && "draft" in host.view && host.view.draft.peer === peer) host.open({ chat });
        });
      });
    }
    return true;
  }

  /** Finds a user by phone number: a chat with them, or a draft. Throws a readable error (an invalid number before asking). */
  async startChat(typed: string): Promise<void> {
    const phone = checkPhone(typed, this.people.myPhone);
    const found = await this.api.lookup([phone]);
    if (!found.length) throw new Error(`${phone} is not on parley yet.`);
    const { user, phone: normalised } = found[0];
    this.people.take(found[0]);
    const c = this.chats.directWith(user);
    this.host.open(c ? { chat: c.chat } : { draft: { peer: user, phone: normalised } });
  }

  /** Opens my chat with a user I know (a contact), or a draft of it. */
  openChatWith(user: number): void {
    const c = this.chats.directWith(user);
    this.host.open(c ? { chat: c.chat } : { draft: { peer: user, phone: this.chats.phones.get(user) ?? "" } });
  }

  /** Creates a group of the registered numbers among `phones`; opens it when done. */
  async createGroup(name: string, phones: string[]): Promise<void> {
    const users = await this.resolve(phones);
    const id = this.client.createChat("group", name, users);
    this.requests.whenAnswered(id, (chat) => this.refreshAndOpen(chat));
  }

  /** Creates a room, private (joined by invite code only) unless `access` is public; opens it when done. */
  async createRoom(name: string, everyonePosts: boolean, access: RoomAccess = "private"): Promise<void> {
    const id = this.client.createChat("room", name, [], { everyone_posts: everyonePosts, public: access === "public" });
    this.requests.whenAnswered(id, (chat) => this.refreshAndOpen(chat));
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
      this.requests.whenAnswered(
        id,
        (chat) => void this.host.refreshChats().then(() => { this.host.open({ chat }); resolve(chat); }),
        (e) => reject(new Error(joinError(e, by))),
      );
    });
  }

  async addMembers(chat: number, phones: string[]): Promise<void> {
    const users = await this.resolve(phones);
    this.change(chat, "add", users);
  }

  change(chat: number, op: string, users: number[] = [], extra: Record<string, unknown> = {}): void {
    const id = this.client.changeChat(chat, op, users, extra);
    this.requests.whenAnswered(id, () => this.host.refreshInfo(chat));
  }

  /** A `change` whose caller waits: resolves once done (info and list read again), rejects with the reason in words. */
  changeAndWait(chat: number, op: string, extra: Record<string, unknown>): Promise<void> {
    const id = this.client.changeChat(chat, op, [], extra);
    return new Promise<void>((resolve, reject) => {
      this.requests.whenAnswered(id, () => {
        this.host.refreshInfo(chat);
        void this.host.refreshChats().then(resolve);
      }, (e) => reject(new Error(describe(e))));
    });
  }

  leave(chat: number): void {
    const id = this.client.leaveChat(chat);
    this.requests.whenAnswered(id, () => {
      const host = this.host;
      if (host.view && "chat" in host.view && host.view.chat === chat) host.view = null;
      void host.refreshChats();
    });
  }

  /** Joins the group the invite is for, and opens it once joined. */
  acceptInvite(code: string): void {
    const id = this.client.joinByInvite(code);
    this.requests.whenAnswered(id, (chat) => this.refreshAndOpen(chat));
  }

  declineInvite(code: string): void { this.client.decline(code); }

  /**
   * The server refused a request: its caller shows the error, or the notice does; a refused
   * invite leaves the list, a refused send stays visible as failed. False if the client retries
   * it (nothing changed).
   */
  onError(e: ErrorFrame, request?: Record<string, unknown>): boolean {
    if (e.code === "rate_limited" || e.code === "unavailable") return false;  // the client retries
    const host = this.host;
    const refused = this.requests.refused(e.id);
    const code = inviteAnswered(request);
    if (refused) {
      // A join from the Rooms dialog: it shows the error itself, next to what was typed.
      if (code) this.invites.remove(code);
      refused(e);
      return true;
    }
    if (code && (this.invites.has(code) || request?.type === "decline")) {
      // The server forgets an invite it refused to honour: so do we. A decline of one that is
      // gone already (expired, answered elsewhere) has nothing to tell.
      this.invites.remove(code);
      if (request?.type === "join") host.notice = e.code === "not_found" ? "This invitation is no longer valid." : describe(e);
      else if (e.code !== "not_found") host.notice = describe(e);
      return true;
    }
    const action = actionError(e, request);
    if (action) {   // an edit, delete, reaction, star or forward: nothing on screen changed, the notice says why
      host.notice = action;
      return true;
    }
    if (request?.type === "join") {
      // Answered after a reload, or after its dialog closed: the notice says it.
      host.notice = joinError(e, request);
      return true;
    }
    if (e.id && request?.type === "send" && request.media && this.uploads.refused(e.id, describe(e))) {
      host.notice = describe(e);
      return true;
    }
    if (e.id && request?.type === "send") {
      const chat = typeof request.chat === "number" ? request.chat : undefined;
      const to = typeof request.to === "number" ? request.to : undefined;
      this.requests.failed.set(e.id, { id: e.id, text: String(request.text ?? ""), chat, to, failed: describe(e) });
      return true;   // its bubble says why, once: not the notice too
    }
    host.notice = describe(e);
    return true;
  }

  private refreshAndOpen(chat: number): void {
    void this.host.refreshChats().then(() => this.host.open({ chat }));
  }

  /** The users of the numbers typed (blanks ignored); throws naming those not valid, else those not on parley. */
  private async resolve(phones: string[]): Promise<number[]> {
    const list = checkPhones(phones, this.people.myPhone);
    if (!list.length) return [];
    const found = await this.api.lookup(list);
    if (found.length < list.length) {
      const known = new Set(found.map((f) => f.phone));
      throw new Error(`Not on parley: ${list.filter((p) => !known.has(p)).join(", ")}`);
    }
    for (const f of found) this.people.take(f);
    return found.map((f) => f.user);
  }
}
