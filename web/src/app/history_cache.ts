// Messages already seen, kept in this browser (IndexedDB, one database per device: see
// history_idb.ts) so a chat opens at once, and opens at all while the server is away, and the
// last chat list the server gave. Per chat it keeps one run of its newest messages without a
// gap (at most `perChat`), that grows with every message this device receives and with the
// history pages read from the server. What the server changes follows: an edit or a reaction
// replaces the copy, a message deleted for everyone keeps only its tombstone, one that expired
// (a disappearing message's timer, a temporary chat's copy dropped) or was hidden leaves, and a
// message whose `expires_at` has passed is never shown from here. Past `total` messages the
// least recently used chats go whole; signing out destroys the database.
//
// Every change of a chat waits for that chat's run to be read, so changes apply in the order
// they were made; writes go out together once the current task ends.
//
// Beside each run goes its head: the newest HEAD messages, written in the same transaction. A
// page opening at a chat reads only the head (`warm`), so its first frame waits for 60 messages
// to be read and deserialised, not 1,000; the run is read when something needs it.

import type { ChatSummary } from "./api";
import { mergeSpan, type Span } from "./messages";
import { summaryNow } from "./chats";
import { messageOf, type Chat, type Message } from "./model";
import type { ChangedFrame, MarkedFrame, MsgFrame } from "../protocol/frames";

/** Where the cache lives: IndexedDB in the browser (history_idb.ts), a Map in tests. */
export interface KeyValue {
  get(key: string): Promise<unknown>;
  put(entries: [string, unknown][], remove: string[]): Promise<void>;   // one transaction
  destroy(): Promise<void>;                                             // all of it, for good
}

/** A KeyValue in memory, for tests. Values are copied, as IndexedDB does. */
export class MemoryKeyValue implements KeyValue {
  readonly data = new Map<string, unknown>();
  async get(key: string) { return structuredClone(this.data.get(key)); }
  async put(entries: [string, unknown][], remove: string[]) {
    for (const [k, v] of entries) this.data.set(k, structuredClone(v));
    for (const k of remove) this.data.delete(k);
  }
  async destroy() { this.data.clear(); }
}

/** A chat's kept run: its newest messages by seq, without a gap; `complete`: back to its first. */
interface Run { messages: Message[]; complete: boolean; used: number }

/** How many messages of a chat are kept, and when it was last used (for eviction). */
interface Use { count: number; used: number }

/** A run's newest HEAD messages; `complete`: they are the whole run and it reaches the chat's first; `count`: the run's length. */
interface Head { messages: Message[]; complete: boolean; count: number }

/** What `newest` answers: the messages to show, whether they reach the chat's first, and the run's extent. */
export interface Kept { messages: Message[]; complete: boolean; high: number; count: number }

/** The part of the protocol client the cache follows. */
export interface UpdateSource {
  on(event: "message", h: (m: MsgFrame) => void): unknown;
  on(event: "changed", h: (f: ChangedFrame) => void): unknown;
  on(event: "marked", h: (f: MarkedFrame) => void): unknown;
}

export interface HistoryCacheOptions {
  perChat?: number;        // messages kept per chat (the newest)
  total?: number;          // messages kept in all; past it, whole chats go, least recently used first
  now?: () => number;      // the server's clock as this page knows it (for `expires_at`)
}

const LIST = "chats";
const INDEX = "index";
const runKey = (chat: number) => `chat:${chat}`;
const headKey = (chat: number) => `head:${chat}`;
/** Messages in a head: a page (PAGE, 50) and a few, so a chat opening at its end needs nothing else. */
export const HEAD = 60;
/** How long a write that can wait waits (`flushLater`). */
const LATER_MS = 2000;

export class HistoryCache {
  private readonly perChat: number;
  private readonly total: number;
  private readonly now: () => number;
  private readonly runs = new Map<number, Promise<Run>>();   // read once, then changed here and written
  private readonly loaded = new Map<number, Run>();          // those of `runs` read by now (for `newestNow`)
  private readonly heads = new Map<number, Promise<Head | undefined>>();   // heads read by `warm`, before their run
  private readonly headsNow = new Map<number, Head>();       // those of `heads` read by now
  private readonly headUsed = new Map<number, number>();     // chats shown from their head: when (the run's `used` once read)
  private readonly headless = new Set<number>();             // runs of an older page, kept without a head: one is written
  private index: Promise<Map<number, Use>> | null = null;    // every kept chat, for eviction
  private readonly dirty = new Set<number>();
  private list: ChatSummary[] | null = null;          // the server's last chat list
  private saved: Promise<ChatSummary[] | undefined> | null = null;   // the list saved by an earlier page
  private listToWrite: ChatSummary[] | null = null;
  private listWritten = "";
  private moveTimer: ReturnType<typeof setTimeout> | null = null;
  private laterTimer: ReturnType<typeof setTimeout> | null = null;
  private flushing: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly store: KeyValue, o: HistoryCacheOptions = {}) {
    this.perChat = o.perChat ?? 1000;
    this.total = o.total ?? 20_000;
    this.now = o.now ?? Date.now;
  }

  /** Keeps up with the server's messages and changes as the client receives them. */
  follow(client: UpdateSource): void {
    client.on("message", (m) => { if (!m.expired) void this.add(messageOf(m)); });
    client.on("changed", (f) => void this.change(f.chat, f.seq, f.expired ? null : messageOf(f)));
    client.on("marked", (f) => void (f.hidden ? this.change(f.chat, f.seq, null) : this.star(f.chat, f.seq, f.starred)));
  }

  // ------------------------------------------------------------ reading

  /** The chat list the server gave last, if any (read once). */
  chats(): Promise<ChatSummary[] | undefined> {
    this.saved ??= this.store.get(LIST).then((list) => (Array.isArray(list) ? list as ChatSummary[] : undefined), () => undefined);
    return this.saved;
  }

  /** Starts reading what a page opening at `chat` (0: the list) will ask for, while the app loads. */
  warm(chat = 0): void {
    void this.chats();
    if (chat > 0 && !this.runs.has(chat)) void this.head(chat);
  }

  /** Resolves once a chat's newest kept messages are read (`warm` starts it), kept or not. */
  async read(chat: number): Promise<void> {
    if (!this.runs.has(chat) && (await this.head(chat))) return;
    await this.run(chat);
  }

  /** The newest `limit` messages kept of a chat; undefined when none is. */
  async newest(chat: number, limit: number): Promise<Kept | undefined> {
    return this.newestOf(chat, await this.run(chat), limit);
  }

  /**
   * What `newest` answers, at once, when the chat's run has been read by now (`warm`): a chat
   * opened then shows its messages in its first frame. Null when it has not been read yet.
   */
  newestNow(chat: number, limit: number): Kept | undefined | null {
    const run = this.loaded.get(chat);
    if (run) return this.newestOf(chat, run, limit);
    const head = this.runs.has(chat) ? undefined : this.headsNow.get(chat);
    return head && (limit <= head.messages.length || head.complete) ? this.newestOfHead(chat, head, limit) : null;
  }

  /** `newestOf` from a head; null when its messages have all expired (the run may keep older ones). */
  private newestOfHead(chat: number, head: Head, limit: number): Kept | null {
    const now = this.now();
    const live = unexpired(head.messages, now);
    if (!live.length) return null;
    this.headUsed.set(chat, now);
    this.used(chat, now);
    return keptOf(live, head.complete, head.count - (head.messages.length - live.length), limit);
  }

  private newestOf(chat: number, run: Run, limit: number): Kept | undefined {
    this.dropExpired(chat, run);
    if (!run.messages.length) return undefined;
    run.used = this.now();
    this.used(chat, run.used);
    return keptOf(run.messages, run.complete, run.messages.length, limit);
  }

  /**
   * Up to `limit` kept messages before `seq`, when the run reaches there (the oldest loaded
   * message, `seq`, is in it); undefined when the server must be asked.
   */
  async before(chat: number, seq: number, limit: number): Promise<{ messages: Message[]; complete: boolean } | undefined> {
    const run = await this.run(chat);
    this.dropExpired(chat, run);
    const list = run.messages;
    if (!list.length || list[0].seq > seq || list[list.length - 1].seq < seq) return undefined;
    const older = list.filter((m) => m.seq < seq);
    if (!older.length && !run.complete) return undefined;
    const messages = older.slice(-limit);
    return { messages, complete: run.complete && messages.length === older.length };
  }

  // ------------------------------------------------------------ writing

  /** Keeps the server's chat list; chats no longer in it are forgotten. */
  async saveChats(list: ChatSummary[]): Promise<void> {
    this.list = this.listToWrite = list;
    const listed = new Set(list.map((s) => s.chat));
    const index = await this.loadIndex();
    for (const chat of [...index.keys()]) if (!listed.has(chat)) this.forget(chat, index);
    this.flushSoon();
  }

  /**
   * The chats moved since the server's list (messages, reads, ticks, my settings): the saved
   * list follows, at most once a second, so a page opened offline shows them as they were.
   */
  chatsMoved(current: Map<number, Chat>): void {
    if (!this.list || this.moveTimer || this.stopped) return;
    this.moveTimer = setTimeout(() => {
      this.moveTimer = null;
      if (!this.list || this.stopped) return;
      this.listToWrite = this.list.map((s) => summaryNow(s, current.get(s.chat)));
      this.flushSoon();
    }, 1000);
  }

  /** A new message (or one seen again): into its chat's run, which it starts if there is none. */
  async add(msg: Message): Promise<void> {
    const run = await this.run(msg.chat);
    const list = run.messages;
    if (list.length && msg.seq < list[0].seq) return;   // before the run: it would leave a gap
    if (!list.length) run.complete = msg.seq === 1;
    const i = place(list, msg.seq);
    if (i > 0 && list[i - 1].seq === msg.seq) list[i - 1] = { ...list[i - 1], ...msg };
    else list.splice(i, 0, msg);
    run.used = this.now();
    this.touched(msg.chat, run);
  }

  /** A message as it is now (edited, deleted for everyone, reacted to), or gone (null: expired, hidden). */
  async change(chat: number, seq: number, now: Message | null): Promise<void> {
    const run = await this.run(chat);
    const i = place(run.messages, seq) - 1;
    if (i < 0 || run.messages[i].seq !== seq) return;
    if (!now) run.messages.splice(i, 1);
    else run.messages[i] = { ...now, ...(run.messages[i].starred && now.starred === undefined ? { starred: true } : {}) };
    this.touched(chat, run);
  }

  /** I starred or unstarred a message. */
  async star(chat: number, seq: number, starred: boolean): Promise<void> {
    const run = await this.run(chat);
    const i = place(run.messages, seq) - 1;
    if (i < 0 || run.messages[i].seq !== seq) return;
    run.messages[i] = { ...run.messages[i], starred: starred || undefined };
    this.touched(chat, run);
  }

  /**
   * The newest messages as read from the server and loaded (`page`, covering `span`): see
   * mergeSpan. `onlyNewer`: what the run kept before the span goes (it may be out of date).
   */
  async putSpan(chat: number, page: Message[], span: Span, onlyNewer = false): Promise<void> {
    const run = await this.run(chat);
    const merged = mergeSpan(run.messages, run.complete, page, span);
    run.messages = onlyNewer ? merged.list.filter((m) => span.whole || m.seq >= span.low) : merged.list;
    run.complete = merged.complete;
    run.used = this.now();
    this.touched(chat, run);
  }

  /** A page read from the server before `seq`: it extends the run when the run starts at `seq`. */
  async addOlder(chat: number, seq: number, page: Message[], complete: boolean): Promise<void> {
    const run = await this.run(chat);
    if (run.messages[0]?.seq !== seq) return;
    run.messages = [...page.filter((m) => m.seq < seq).sort((a, b) => a.seq - b.seq), ...run.messages];
    run.complete = complete;
    this.touched(chat, run);
  }

  /** Forgets everything and deletes the database (sign-out). Nothing is written after. */
  async wipe(): Promise<void> {
    this.stopped = true;
    if (this.moveTimer) clearTimeout(this.moveTimer);
    if (this.laterTimer) clearTimeout(this.laterTimer);
    this.runs.clear();
    this.loaded.clear();
    this.heads.clear();
    this.headsNow.clear();
    await this.flushing?.catch(() => undefined);
    await this.store.destroy();
  }

  // ------------------------------------------------------------ inside

  private run(chat: number): Promise<Run> {
    let run = this.runs.get(chat);
    if (!run) {
      this.headsNow.delete(chat);   // the run answers from now on
      const reading: Promise<Run> = this.store.get(runKey(chat)).then((r) => (r as Run | undefined) ?? null, () => null)
        .then((r) => r && Array.isArray(r.messages) ? r : { messages: [], complete: false, used: 0 })
        .then((r) => {
          r.used = Math.max(r.used, this.headUsed.get(chat) ?? 0);
          if (this.runs.get(chat) !== reading) return r;
          this.loaded.set(chat, r);
          if (this.headless.delete(chat) && r.messages.length) { this.dirty.add(chat); this.flushLater(); }
          return r;
        });
      this.runs.set(chat, run = reading);
    }
    return run;
  }

  /** A chat's head, read once (before its run is); undefined when it has none. */
  private head(chat: number): Promise<Head | undefined> {
    let head = this.heads.get(chat);
    if (!head) {
      head = this.store.get(headKey(chat)).then((h) => (h as Head | undefined) ?? undefined, () => undefined)
        .then((h) => {
          const valid = h && Array.isArray(h.messages) && h.messages.length ? h : undefined;
          if (!valid) this.headless.add(chat);
          else if (!this.runs.has(chat)) this.headsNow.set(chat, valid);
          return valid;
        });
      this.heads.set(chat, head);
    }
    return head;
  }

  /** The chat was shown now: its use in the index (for eviction), written when writing can wait. */
  private used(chat: number, at: number): void {
    void this.loadIndex().then((index) => {
      const use = index.get(chat);
      if (use) use.used = Math.max(use.used, at);
      this.flushLater();
    });
  }

  private loadIndex(): Promise<Map<number, Use>> {
    this.index ??= this.store.get(INDEX).then((v) => new Map(Array.isArray(v) ? v as [number, Use][] : []), () => new Map());
    return this.index;
  }

  /** Messages whose disappearing timer ran out leave (the server's `changed` may not have come yet). */
  private dropExpired(chat: number, run: Run): void {
    const live = unexpired(run.messages, this.now());
    if (live.length === run.messages.length) return;
    run.messages = live;
    this.touched(chat, run);
  }

  private touched(chat: number, run: Run): void {
    if (run.messages.length > this.perChat) {
      run.messages = run.messages.slice(-this.perChat);
      run.complete = false;
    }
    this.dirty.add(chat);
    this.flushSoon();
  }

  private forget(chat: number, index: Map<number, Use>): void {
    index.delete(chat);
    const empty: Run = { messages: [], complete: false, used: 0 };
    this.runs.set(chat, Promise.resolve(empty));
    this.loaded.set(chat, empty);
    this.headsNow.delete(chat);
    this.dirty.add(chat);
  }

  /**
   * A write that can wait (when a chat was read, for eviction): not in the frames just after a
   * chat opens, where writing the index would hold up the page (a write due before goes with it).
   */
  private flushLater(): void {
    if (this.laterTimer || this.stopped) return;
    this.laterTimer = setTimeout(() => { this.laterTimer = null; this.flushSoon(); }, LATER_MS);
  }

  private flushSoon(): void {
    if (this.stopped || this.flushing) return;
    this.flushing = new Promise<void>((resolve) => setTimeout(resolve, 0)).then(() => this.flush()).catch(() => undefined)
      .finally(() => {
        this.flushing = null;
        if (this.dirty.size || this.listToWrite) this.flushSoon();
      });
  }

  /** Writes the changed runs, the index and the list in one transaction, evicting past `total`. */
  private async flush(): Promise<void> {
    const index = await this.loadIndex();
    const chats = [...this.dirty];
    this.dirty.clear();
    const runs = new Map<number, Run>();
    for (const chat of chats) runs.set(chat, await this.run(chat));
    for (const [chat, run] of runs) {
      if (run.messages.length) index.set(chat, { count: run.messages.length, used: run.used });
      else index.delete(chat);
    }
    const remove = this.evict(index, runs);
    const entries: [string, unknown][] = [];
    for (const [chat, run] of runs) {
      if (run.messages.length) entries.push([runKey(chat), run], [headKey(chat), headOf(run)]);
      else remove.push(runKey(chat), headKey(chat));
    }
    entries.push([INDEX, [...index]]);
    const list = this.listToWrite && JSON.stringify(this.listToWrite);
    if (list && list !== this.listWritten) entries.push([LIST, this.listToWrite]);
    this.listToWrite = null;
    if (this.stopped) return;
    await this.store.put(entries, remove);
    if (list) this.listWritten = list;
  }

  /** Past `total` messages, the least recently used chats go (the ones just written too, if they are the oldest). */
  private evict(index: Map<number, Use>, runs: Map<number, Run>): string[] {
    let sum = 0;
    for (const u of index.values()) sum += u.count;
    const gone: string[] = [];
    for (const [chat, u] of [...index].sort((a, b) => a[1].used - b[1].used)) {
      if (sum <= this.total) break;
      sum -= u.count;
      index.delete(chat);
      runs.delete(chat);
      this.runs.delete(chat);
      this.loaded.delete(chat);
      this.headsNow.delete(chat);
      gone.push(runKey(chat), headKey(chat));
    }
    return gone;
  }
}

/** The messages whose disappearing timer has not run out by `now`. */
function unexpired(list: Message[], now: number): Message[] {
  return list.filter((m) => !m.expires_at || m.expires_at > now);
}

/** The newest `limit` of `list` (not empty; the newest of a run or a head, `whole`: reaching the chat's first), a run of `count`. */
function keptOf(list: Message[], whole: boolean, count: number, limit: number): Kept {
  const messages = list.slice(-limit);
  return { messages, complete: whole && messages.length === list.length, high: list[list.length - 1].seq, count };
}

/** What a run's head keeps: its newest HEAD messages. */
function headOf(run: Run): Head {
  const messages = run.messages.slice(-HEAD);
  return { messages, complete: run.complete && messages.length === run.messages.length, count: run.messages.length };
}

/** Where `seq` goes in a list by seq: after every message with a seq at most `seq`. */
function place(list: Message[], seq: number): number {
  let i = list.length;
  while (i > 0 && list[i - 1].seq > seq) i--;
  return i;
}
