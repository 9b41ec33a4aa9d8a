// The HTTP half of the protocol (docs/protocol.md §7): sign-in, chat list, history, search,
// starred messages, devices, contact lookup, pending group invites, my avatar. Every failure is an ApiError with the server's code
// and message. The media routes read their answers themselves through `authorized`.

import type { MediaKind, MsgFrame } from "../protocol/frames";

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
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
}

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
  async chats(): Promise<ChatSummary[]> { return (await this.call<{ chats: ChatSummary[] }>("GET", "/v1/chats")).chats; }
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
  async lookup(phones: string[]): Promise<{ phone: string; user: number }[]> {
    return (await this.call<{ users: { phone: string; user: number }[] }>("POST", "/v1/contacts/lookup", { phones })).users;
  }

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
