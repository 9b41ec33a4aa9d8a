// Requests waiting for their answer, and where they are kept: in memory here; the app keeps
// them in IndexedDB (src/app/outbox.ts) so a reload loses nothing.

/** A request waiting for its ack or done: resent (marked background) after reconnects. */
export interface Pending {
  id: string;
  order: number;
  frame: Record<string, unknown>;
}

/** Where pending requests live; the app keeps them in IndexedDB so a reload loses nothing. */
export interface Outbox {
  load(): Promise<Pending[]>;
  put(p: Pending): Promise<void>;
  remove(id: string): Promise<void>;
}

export class MemoryOutbox implements Outbox {
  private items = new Map<string, Pending>();
  async load() { return [...this.items.values()].sort((a, b) => a.order - b.order); }
  async put(p: Pending) { this.items.set(p.id, p); }
  async remove(id: string) { this.items.delete(id); }
}
