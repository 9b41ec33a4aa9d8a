// The client's queue of unanswered requests (sends, group changes), kept in IndexedDB so a
// message typed while offline survives a reload and is sent when the server is reachable.

import type { Outbox, Pending } from "../protocol/client";

const STORE = "pending";

function promised<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export class IndexedDbOutbox implements Outbox {
  private db: Promise<IDBDatabase>;

  /** One database per signed-in device: `parley-outbox-<device>`. */
  constructor(readonly name: string) {
    this.db = new Promise((resolve, reject) => {
      const open = indexedDB.open(name, 1);
      open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: "id" });
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
  }

  async load(): Promise<Pending[]> {
    const db = await this.db;
    const all = await promised(db.transaction(STORE).objectStore(STORE).getAll() as IDBRequest<Pending[]>);
    return all.sort((a, b) => a.order - b.order);
  }

  async put(p: Pending): Promise<void> { await this.write((s) => s.put(p)); }
  async remove(id: string): Promise<void> { await this.write((s) => s.delete(id)); }

  /** Drops the database (sign-out). */
  async destroy(): Promise<void> {
    (await this.db).close();
    await promised(indexedDB.deleteDatabase(this.name) as IDBRequest<unknown>);
  }

  private async write(op: (s: IDBObjectStore) => IDBRequest): Promise<void> {
    const db = await this.db;
    const tx = db.transaction(STORE, "readwrite");
    op(tx.objectStore(STORE));
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }
}
