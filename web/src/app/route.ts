// Where the app is, in the browser's address and history: `/chat/42` is chat 42 open, `/` the
// chat list, `/join/<code>` a room's invite link (`/?chat=42`, the address older notifications
// open, still works). Opening a chat from the list pushes a history entry, and so does a panel
// the UI wants Back to close (on a phone), so the browser's Back button steps back through the
// app instead of leaving it. No DOM here: the History API comes in behind `HistoryEnv`.

/** What an address names: a chat (0: none) and a room invite code ("" : none). */
export interface Route { chat: number; join: string }

/**
 * What the screen shows, as far as history cares: the open chat (0: the list; -1: a chat being
 * started, which has no id yet) and a layer over it ("": none).
 */
export interface Place { chat: number; layer: string }

/** The browser's History API, as the Navigator uses it. */
export interface HistoryEnv {
  state(): unknown;
  address(): { path: string; search: string };
  push(state: Entry, url: string): void;
  replace(state: Entry | null, url: string): void;
  go(delta: number): void;
  /** Calls `listener` on every popstate; returns the function that stops it. */
  onPop(listener: () => void): () => void;
}

/** A history entry of ours: its depth (0 the list, 1 a chat, 2 a layer over the chat), chat and layer. */
export interface Entry { parley: number; chat: number; layer: string }

const CHAT_PATH = /^\/chat\/(\d{1,15})\/?$/;
const JOIN_PATH = /^\/join\/([A-Za-z0-9_-]{1,100})\/?$/;

export function parseRoute(path: string, search = ""): Route {
  const chat = CHAT_PATH.exec(path)?.[1] ?? new URLSearchParams(search).get("chat") ?? "";
  const n = /^\d{1,15}$/.test(chat) ? Number(chat) : 0;
  return { chat: n, join: JOIN_PATH.exec(path)?.[1] ?? "" };
}

/** The address of a chat (0: the list). */
export function chatPath(chat: number): string { return chat > 0 ? `/chat/${chat}` : "/"; }

const LIST: Entry = { parley: 0, chat: 0, layer: "" };

/** The entries from the list up to `place`: the list, the chat's if one is open, the layer's if there is one. */
export function stackOf(place: Place): Entry[] {
  const stack = [LIST];
  if (place.chat !== 0) stack.push({ parley: 1, chat: place.chat, layer: "" });
  if (place.layer) stack.push({ parley: stack.length, chat: place.chat, layer: place.layer });
  return stack;
}

function entryOf(state: unknown): Entry | null {
  const e = state as Partial<Entry> | null;
  return e && typeof e.parley === "number" && typeof e.chat === "number" && typeof e.layer === "string" ? e as Entry : null;
}

const same = (a: Entry, b: Entry) => a.parley === b.parley && a.chat === b.chat && a.layer === b.layer;

/**
 * Keeps the history in step with the screen (`show`) and the screen with Back and Forward
 * (`onPlace`). The app's entries are always the list, then maybe a chat, then maybe a layer;
 * going back in the app (closing a chat or a panel) goes back in history too, so Back from the
 * list leaves the app as it should.
 */
export class Navigator {
  /** What the address named when the page opened (a deep link, a notification, an invite link). */
  readonly linked: Route;
  private started = false;
  private goingBack = false;            // a go(-n) of ours whose popstate has not come yet
  private wanted: Place = { chat: 0, layer: "" };
  private readonly listeners = new Set<(place: Place) => void>();
  private readonly stopPop: () => void;

  constructor(private readonly env: HistoryEnv) {
    const a = env.address();
    this.linked = parseRoute(a.path, a.search);
    this.stopPop = env.onPop(() => this.popped());
  }

  /**
   * Starts following the screen (at `place`, else where `show` said last), once the linked chat
   * was opened or found not to be mine. A page opened at an address of its own gets the list's
   * entry under it, so Back shows the list.
   */
  start(place?: Place): void {
    if (this.started) return;
    this.started = true;
    if (place) this.wanted = place;
    if (!entryOf(this.env.state())) this.env.replace(LIST, "/");
    this.sync();
  }

  /** The screen shows `place` now: history follows. */
  show(place: Place): void {
    this.wanted = place;
    if (this.started && !this.goingBack) this.sync();
  }

  /** Calls `listener` with the place Back or Forward went to; returns the function that stops it. */
  onPlace(listener: (place: Place) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops following (signed out): the address goes back to the list. */
  dispose(): void {
    this.stopPop();
    this.listeners.clear();
    if (this.started) this.env.replace(null, "/");
    this.started = false;
  }

  /** The current entry: ours, or (an entry we did not make, such as a `#fragment`) what its address names. */
  private current(): Entry {
    const e = entryOf(this.env.state());
    if (e) return e;
    const a = this.env.address();
    const chat = parseRoute(a.path, a.search).chat;
    return chat ? { parley: 1, chat, layer: "" } : LIST;
  }

  private sync(): void {
    const want = stackOf(this.wanted);
    const cur = this.current();
    const top = want.length - 1;
    if (top < cur.parley) {
      // Back in the app is back in history: the entries above go, and popped() syncs again.
      this.goingBack = true;
      this.env.go(top - cur.parley);
      return;
    }
    if (!same(cur, want[cur.parley]) || !entryOf(this.env.state())) this.env.replace(want[cur.parley], chatPath(want[cur.parley].chat));
    for (let i = cur.parley + 1; i <= top; i++) this.env.push(want[i], chatPath(want[i].chat));
  }

  private popped(): void {
    if (!this.started) return;
    if (this.goingBack) {
      this.goingBack = false;
      this.sync();
      return;
    }
    const e = this.current();
    this.wanted = { chat: e.chat, layer: e.layer };
    for (const l of this.listeners) l(this.wanted);
  }
}
