// The HTTP half of the protocol (docs/protocol.md §7): sign-in, chat list, history, search,
// starred messages, devices, contact lookup, pending group invites, my avatar and profile,
// others' profiles, saved contacts, blocks, my settings of a chat, push targets. Every failure
// is an ApiError with the server's code and a sentence for the user. The media routes read
// their answers themselves through `authorized`.

import type { MediaKind, MsgFrame } from "../protocol/frames";
import { errorText, retryAfterMs } from "./error_text";

/**
 * A refused or failed request. `message` is the sentence for the user (`error_text.ts`), with the
 * wait in words where the server gave one; `serverMessage` is the server's own text, for logs.
 */
export class ApiError extends Error {
  readonly retry_after_ms?: number;
  constructor(readonly status: number, readonly code: string, readonly serverMessage: string) {
    super(errorText({ code, message: serverMessage, status }));
    this.retry_after_ms = retryAfterMs({ code, message: serverMessage });
  }
}

export interface ChatSummary {
  chat: number;
  kind: "direct" | "group" | "room";
  last_seq: number;
  last_ts: number;
  last_text: string;
  last_sender: number;
  read: number;
  name?: string;
  member_count?: number;
  peer?: number;
  peer_phone?: string;     // absent when I may not see the peer's number
  peer_delivered?: number;
  peer_read?: number;
  /** The last message's media, when it has one: what the list names ("📷 Photo", "📄 name"). */
  last_media?: { id: string; kind: MediaKind; name?: string; duration_ms?: number };
  avatar?: string;         // groups and rooms: the chat's avatar (a media id)
  peer_avatar?: string;    // one-to-one chats: the other member's avatar (a media id)
  temporary?: boolean;     // direct chats and groups: the chat's mode
  disappear?: number;      // seconds; absent: off
  peer_name?: string;      // one-to-one chats: the peer's display name, when I may see it
  peer_contact_name?: string;   // ... and the name I saved them under
  muted_until?: number;    // my settings of the chat, each only when set: -1 muted for ever, else ms
  archived?: boolean;
  pinned?: boolean;
  /** Groups I am in: every member has delivered / read up to (the `receipt` frame's `all: true`). */
  all_delivered?: number;
  all_read?: number;
  /** `false`: a group I left or was removed from (listed with `?former=1`), as it was then; `ended` says how. */
  member?: boolean;
  ended?: "left" | "removed";
}

/**
 * A user's profile as I may see it (GET /v1/users/{id}, POST /v1/users, contacts, lookups): a
 * field is absent when it is not set or hidden from me.
 */
export interface Profile {
  user: number;
  name?: string;
  about?: string;
  avatar?: string;
  phone?: string;
  contact_name?: string;   // the name I saved them under
  blocked?: boolean;       // I block them
}

/** My own profile (GET /v1/me/profile); `previews`: push notifications show the sender and text. */
export interface MyProfile { user: number; phone: string; name?: string; about?: string; avatar?: string; previews: boolean }
export type ProfileChange = Partial<Pick<MyProfile, "name" | "about" | "previews">>;

/** My settings of one chat, as PUT /v1/chats/{id}/settings answers them (and `chat_state` carries). */
export interface ChatSettings { chat: number; muted_until: number; archived: boolean; pinned: boolean }
export type Mute = "8h" | "1w" | "always" | "off";
export interface ChatSettingsChange { mute?: Mute; archived?: boolean; pinned?: boolean }

/** The push providers the server sends through; the VAPID key when Web Push is on. */
export interface PushConfig { providers: string[]; vapid_public_key?: string }
/** What a device registers to get notifications (here: a Web Push subscription). */
export type PushTarget = { provider: "webpush"; subscription: unknown } | { provider: string; token: string };

/** A search hit: the message (without pts) and its snippet, plain at even places, matched words at odd ones. */
export interface SearchResult { message: Omit<MsgFrame, "type">; snippet: string[] }
export interface SearchPage { results: SearchResult[]; next_offset?: number }
export interface StarredPage { messages: Omit<MsgFrame, "type">[]; next_offset?: number }

export interface Device {
  device: number;
  name: string;
  created_at: number;
  last_active_at: number;
  position: number;
  current: boolean;
}

/** A pending, unexpired invite to a group (GET /v1/invites); `from` is the inviter. */
export interface InviteSummary { chat: number; name: string; from: number; code: string; expires_at: number }

export interface Verified { user: number; phone: string; device: number; token: string }

export class Api {
  constructor(private readonly base = "", private token = "") {}

  setToken(token: string): void { this.token = token; }

  requestCode(phone: string): Promise<{ phone: string; expires_in_s: number }> {
    return this.call("POST", "/v1/auth/code", { phone });
  }
  verify(phone: string, code: string, deviceName: string): Promise<Verified> {
    return this.call("POST", "/v1/auth/verify", { phone, code, device_name: deviceName });
  }
  /** My chats, and the groups I left or was removed from (read-only, as they were then). */
  async chats(): Promise<ChatSummary[]> { return (await this.call<{ chats: ChatSummary[] }>("GET", "/v1/chats?former=1")).chats; }
  async history(chat: number, before = 0, limit = 50): Promise<MsgFrame[]> {
    const q = `?limit=${limit}` + (before > 0 ? `&before=${before}` : "");
    return (await this.call<{ messages: MsgFrame[] }>("GET", `/v1/chats/${chat}/messages${q}`)).messages;
  }
  /** Full-text search over my chats (or one `chat`); the last word matches as a prefix. */
  search(q: string, opts: { chat?: number; offset?: number; limit?: number } = {}): Promise<SearchPage> {
    let query = `q=${encodeURIComponent(q)}`;   // spaces as %20, not "+"
    if (opts.chat) query += `&chat=${opts.chat}`;
    if (opts.offset) query += `&offset=${opts.offset}`;
    if (opts.limit) query += `&limit=${opts.limit}`;
    return this.call("GET", `/v1/search?${query}`);
  }
  /** The messages I starred, newest star first. */
  starred(offset = 0, limit = 50): Promise<StarredPage> {
    return this.call("GET", `/v1/starred?limit=${limit}` + (offset ? `&offset=${offset}` : ""));
  }
  async devices(): Promise<Device[]> { return (await this.call<{ devices: Device[] }>("GET", "/v1/devices")).devices; }
  revoke(device: number): Promise<{ revoked: number }> { return this.call("DELETE", `/v1/devices/${device}`); }
  async invites(): Promise<InviteSummary[]> {
    return (await this.call<{ invites: InviteSummary[] }>("GET", "/v1/invites")).invites;
  }
  /** Makes an image I uploaded my avatar (`""` removes it). */
  setAvatar(avatar: string): Promise<{ avatar: string }> { return this.call("PUT", "/v1/me/avatar", { avatar }); }
  /** The registered numbers among `phones`, with the profile fields I may see. */
  async lookup(phones: string[]): Promise<(Profile & { phone: string })[]> {
    return (await this.call<{ users: (Profile & { phone: string })[] }>("POST", "/v1/contacts/lookup", { phones })).users;
  }

  myProfile(): Promise<MyProfile> { return this.call("GET", "/v1/me/profile"); }
  setProfile(change: ProfileChange): Promise<MyProfile> { return this.call("PUT", "/v1/me/profile", change); }
  /** The profiles of those among `users` (at most 256) I know, in order; the others are left out. */
  async users(users: number[]): Promise<Profile[]> { return (await this.call<{ users: Profile[] }>("POST", "/v1/users", { users })).users; }

  async contacts(): Promise<Profile[]> { return (await this.call<{ contacts: Profile[] }>("GET", "/v1/contacts")).contacts; }
  /** Saves a contact (or renames it) by phone number; answers their profile. */
  saveContact(phone: string, name: string): Promise<Profile> { return this.call("PUT", "/v1/contacts", { phone, name }); }
  removeContact(user: number): Promise<{ removed: number }> { return this.call("DELETE", `/v1/contacts/${user}`); }

  async blocks(): Promise<number[]> { return (await this.call<{ blocked: number[] }>("GET", "/v1/blocks")).blocked; }
  /** Blocks (or unblocks) a user; answers my whole block list. */
  async block(user: number, blocked: boolean): Promise<number[]> {
    return (await this.call<{ blocked: number[] }>(blocked ? "PUT" : "DELETE", `/v1/blocks/${user}`)).blocked;
  }

  /** Mutes, archives or pins a chat for me. */
  chatSettings(chat: number, change: ChatSettingsChange): Promise<ChatSettings> {
    return this.call("PUT", `/v1/chats/${chat}/settings`, change);
  }

  pushConfig(): Promise<PushConfig> { return this.call("GET", "/v1/push/config"); }
  /** Registers this device's push target (one per provider: a new one replaces it). */
  registerPush(target: PushTarget): Promise<{ target: number; provider: string }> { return this.call("POST", "/v1/push/targets", target); }
  removePushTarget(target: number): Promise<{ removed: number }> { return this.call("DELETE", `/v1/push/targets/${target}`); }

  /**
   * A request with this device's token whose answer the caller reads itself (media bytes,
   * uploads). A network failure rejects, as `fetch` does.
   */
  authorized(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.token) headers.set("Authorization", `Bearer ${this.token}`);
    return fetch(this.base + path, { ...init, headers });
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (this.token && !path.startsWith("/v1/auth/")) headers.Authorization = `Bearer ${this.token}`;
    let res: Response;
    try {
      res = await fetch(this.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError(0, "network", "The server cannot be reached. Check your connection and try again.");
    }
    let data: unknown = null;
    try {
      data = await res.json();
    } catch {
      /* not JSON */
    }
    if (!res.ok) {
      const e = (data ?? {}) as { error?: string; message?: string };
      throw new ApiError(res.status, e.error ?? "http_" + res.status, e.message ?? res.statusText);
    }
    return data as T;
  }
}
