// The IndexedDB databases public/early-open.js began to open before the bundle loaded. A
// store takes its database from there when it is at the version the store needs and has its
// object stores; otherwise (a first visit, an older version) it closes it and opens its own.

declare global {
  // Set by public/early-open.js.
  var parleyEarlyOpen: { device: number; history: Promise<IDBDatabase | null>; outbox: Promise<IDBDatabase | null> } | undefined;
}

/** The early openings for `device`, if the page made them for that device. */
export function earlyOpenings(device: number): { history?: Promise<IDBDatabase | null>; outbox?: Promise<IDBDatabase | null> } {
  const early = globalThis.parleyEarlyOpen;
  if (!early || early.device !== device) return {};
  globalThis.parleyEarlyOpen = undefined;   // taken once
  return { history: early.history, outbox: early.outbox };
}

/** The database `opening` gives, if it is at `version` with every store of `stores`; else null (and closed). */
export async function adopt(opening: Promise<IDBDatabase | null> | undefined, version: number, stores: string[]): Promise<IDBDatabase | null> {
  const db = opening ? await opening.catch(() => null) : null;
  if (!db) return null;
  if (db.version === version && stores.every((s) => db.objectStoreNames.contains(s))) return db;
  db.close();
  return null;
}
