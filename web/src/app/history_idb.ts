// The history cache's storage in the browser: one IndexedDB database per signed-in device
// (`parley-history-<device>`), one object store of keys and values. Deleted on sign-out.

import type { KeyValue } from "./history_cache";

const STORE = "kv";

function promised<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export class IndexedDbKeyValue implements KeyValue {
  private db: Promise<IDBDatabase> | null = null;

  constructor(readonly name: string) {}

  async get(key: string): Promise<unknown> {
    const db = await this.open();
    return promised(db.transaction(STORE).objectStore(STORE).get(key));
  }

  async put(entries: [string, unknown][], remove: string[]): Promise<void> {
    const db = await this.open();
    const tx = db.transaction(STORE, "readwrite");
    const store = tx.objectStore(STORE);
    for (const [key, value] of entries) store.put(value, key);
    for (const key of remove) store.delete(key);
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }

  async destroy(): Promise<void> {
    if (this.db) (await this.db.catch(() => null))?.close();
    this.db = null;
    await promised(indexedDB.deleteDatabase(this.name) as IDBRequest<unknown>);
  }

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise((resolve, reject) => {
      const open = indexedDB.open(this.name, 1);
      open.onupgradeneeded = () => { if (!open.result.objectStoreNames.contains(STORE)) open.result.createObjectStore(STORE); };
      open.onsuccess = () => {
        // Another page deletes the database (sign-out): let it, rather than block it.
        open.result.onversionchange = () => { open.result.close(); this.db = null; };
        resolve(open.result);
      };
      open.onerror = () => reject(open.error);
    });
    return this.db;
  }
}
