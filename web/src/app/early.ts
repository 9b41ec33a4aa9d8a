// The signed-in device's first IndexedDB reads, begun as soon as the bundle starts to run:
// main.tsx imports this module first, so its body runs before the rest of the app's modules
// are evaluated. The history cache reads the saved chat list and the kept messages of the chat
// the address names, the outbox the messages and files still to send; the databases take tens
// of milliseconds to open, about as long as the app's code takes to run. main.tsx takes them.

import { HistoryCache } from "./history_cache";
import { IndexedDbKeyValue } from "./history_idb";
import { IndexedDbOutbox } from "./outbox";
import { parseRoute } from "./route";
import { loadSession } from "./session";

export interface EarlyStores { device: number; cache: HistoryCache; outbox: IndexedDbOutbox }

let early: EarlyStores | null = null;

if (typeof indexedDB !== "undefined" && typeof localStorage !== "undefined") {
  const session = loadSession();
  if (session) {
    early = {
      device: session.device,
      cache: new HistoryCache(new IndexedDbKeyValue(`parley-history-${session.device}`)),
      outbox: new IndexedDbOutbox(`parley-outbox-${session.device}`),
    };
    early.cache.warm(parseRoute(location.pathname, location.search).chat);
    early.outbox.warm();
  }
}

/** The stores begun for `device`, taken (once); null when none were, or for another device. */
export function takeEarly(device: number): EarlyStores | null {
  const stores = early?.device === device ? early : null;
  early = null;
  return stores;
}
