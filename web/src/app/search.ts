// Searching: chat names on this page, and messages on the server (GET /v1/search), across all
// chats or in one. A query goes 300 ms after the last keystroke (the server allows 30 searches
// a minute); an answer to an older query is dropped. Pages follow with `more()`.

import { ApiError, type SearchPage } from "./api";
import { messageOf, type Message } from "./model";

export interface SearchHit { message: Message; snippet: string[] }

export type SearchRun = (q: string, opts: { chat?: number; offset?: number }) => Promise<SearchPage>;

/** Whether a chat's name matches what was typed: any case, and a phone number by its digits too. */
export function nameMatches(name: string, query: string): boolean {
  const q = query.trim().toLocaleLowerCase();
  if (!q) return true;
  if (name.toLocaleLowerCase().includes(q)) return true;
  const digits = q.replace(/[^\d]/g, "");
  return digits.length >= 3 && digits.length === q.replace(/[\s+()-]/g, "").length && name.replace(/\D/g, "").includes(digits);
}

export class MessageSearch {
  query = "";
  results: SearchHit[] = [];
  loading = false;
  /** The query's results are all here (no further page). */
  done = false;
  error = "";
  private next = 0;
  private generation = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  /** `chat`: search in that chat only. */
  constructor(private readonly run: SearchRun, private readonly changed: () => void, readonly chat?: number, private readonly delayMs = 300) {}

  /** What is typed now: the search goes once typing pauses; an empty query clears the results. */
  set(query: string): void {
    if (query === this.query) return;
    this.query = query;
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.results = [];
    this.error = "";
    this.next = 0;
    this.done = !query.trim();
    this.loading = !this.done;
    if (!this.done) this.timer = setTimeout(() => { this.timer = null; void this.fetch(); }, this.delayMs);
    this.changed();
  }

  /** The next page of results. */
  more(): void {
    if (this.loading || this.done || !this.query.trim()) return;
    this.loading = true;
    this.changed();
    void this.fetch();
  }

  /** A message left the view (hidden, expired): it leaves the results too. */
  drop(chat: number, seq: number): void {
    const before = this.results.length;
    this.results = this.results.filter((h) => h.message.chat !== chat || h.message.seq !== seq);
    if (this.results.length !== before) this.changed();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.generation++;
  }

  private async fetch(): Promise<void> {
    const gen = this.generation;
    try {
      const page = await this.run(this.query.trim(), { chat: this.chat, offset: this.next || undefined });
      if (gen !== this.generation) return;
      this.results = [...this.results, ...page.results.map((r) => ({ message: messageOf(r.message), snippet: r.snippet }))];
      this.next = page.next_offset ?? 0;
      this.done = page.next_offset === undefined;
    } catch (e) {
      if (gen !== this.generation) return;
      this.error = e instanceof ApiError && e.status === 429 ? "Too many searches. Wait a moment and try again."
        : e instanceof ApiError && e.code !== "network" ? `Search failed: ${e.message}` : "Search needs a connection to the server.";
    }
    this.loading = false;
    this.changed();
  }
}
