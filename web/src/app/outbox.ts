// The client's queue of unanswered requests (sends, group changes), kept in IndexedDB so a
// message typed while offline survives a reload and is sent when the server is reachable. The
// same database keeps the photos and files being sent, with their bytes (`uploads`).

import type { Outbox, Pending } from "../protocol/client";
import type { OutgoingMedia } from "./model";
import type { UploadStore } from "./uploads";

const PENDING = "pending";
const UPLOADS = "uploads";

function promised<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export class IndexedDbOutbox implements Outbox {
  private db: Promise<IDBDatabase>;
  private early: { pending?: Promise<Pending[]>; uploads?: Promise<OutgoingMedia[]> } = {};   // reads `warm` started
  /** Outgoing media, in the same database. */
  readonly uploads: UploadStore;

  /** One database per signed-in device: `parley-outbox-<device>`. */
  constructor(readonly name: string) {
    this.db = new Promise((resolve, reject) => {
      const open = indexedDB.open(name, 2);
      open.onupgradeneeded = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains(PENDING)) db.createObjectStore(PENDING, { keyPath: "id" });
        if (!db.objectStoreNames.contains(UPLOADS)) db.createObjectStore(UPLOADS, { keyPath: "id" });
      };
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    this.uploads = {
      load: () => {
        const read = this.early.uploads ?? this.all<OutgoingMedia>(UPLOADS);
        delete this.early.uploads;
        return read;
      },
      put: (item) => this.write(UPLOADS, (s) => s.put(item)),
      remove: (id) => this.write(UPLOADS, (s) => s.delete(id)),
    };
  }

  /** Starts reading what the first `load` and `uploads.load` will ask for, while the app loads. */
  warm(): void {
    this.early = { pending: this.all<Pending>(PENDING), uploads: this.all<OutgoingMedia>(UPLOADS) };
    for (const read of Object.values(this.early)) read.catch(() => undefined);   // (the load that takes it reports a failure)
  }

  async load(): Promise<Pending[]> {
    const read = this.early.pending ?? this.all<Pending>(PENDING);
    delete this.early.pending;
    return (await read).sort((a, b) => a.order - b.order);
  }

  async put(p: Pending): Promise<void> { await this.write(PENDING, (s) => s.put(p)); }
  async remove(id: string): Promise<void> { await this.write(PENDING, (s) => s.delete(id)); }

  /** Drops the database (sign-out). */
  async destroy(): Promise<void> {
    (await this.db).close();
    await promised(indexedDB.deleteDatabase(this.name) as IDBRequest<unknown>);
  }

  private async all<T>(store: string): Promise<T[]> {
    const db = await this.db;
    return promised(db.transaction(store).objectStore(store).getAll() as IDBRequest<T[]>);
  }

  private async write(store: string, op: (s: IDBObjectStore) => IDBRequest): Promise<void> {
    const db = await this.db;
    const tx = db.transaction(store, "readwrite");
    op(tx.objectStore(store));
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }
}
