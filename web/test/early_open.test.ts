// The databases opened before the bundle (public/early-open.js) and how the stores take them
// (app/idb_early.ts): only a signed-in page opens, only what exists is opened, and a store
// takes a database only at its own version with its own object stores.
import { afterEach, describe, expect, it, vi } from "vitest";

import { adopt, earlyOpenings } from "../src/app/idb_early";
import earlySource from "../public/early-open.js?raw";

interface FakeRequest {
  result: FakeDb;
  transaction: { abort: () => void };
  onsuccess?: () => void;
  onerror?: (e: { preventDefault(): void }) => void;
  onupgradeneeded?: () => void;
}
interface FakeDb { name: string; version: number; objectStoreNames: { contains(s: string): boolean }; close: () => void; onversionchange?: () => void }

const db = (name: string, version: number, stores: string[]): FakeDb =>
  ({ name, version, objectStoreNames: { contains: (s: string) => stores.includes(s) }, close: vi.fn() });

/** Runs early-open.js with `session` stored; returns the open requests it made, by name. */
function runEarly(session: unknown): Map<string, FakeRequest> {
  const requests = new Map<string, FakeRequest>();
  const storage = new Map<string, string>();
  if (session !== undefined) storage.set("parley.session", JSON.stringify(session));
  vi.stubGlobal("localStorage", { getItem: (k: string) => storage.get(k) ?? null });
  vi.stubGlobal("indexedDB", {
    open: (name: string) => {
      const req = { result: db(name, 0, []), transaction: { abort: vi.fn() } } as FakeRequest;
      requests.set(name, req);
      return req;
    },
  });
  new Function(earlySource)();
  return requests;
}

afterEach(() => {
  vi.unstubAllGlobals();
  globalThis.parleyEarlyOpen = undefined;
});

describe("early-open.js", () => {
  it("opens the signed-in device's history and outbox, and nothing when signed out", () => {
    expect(runEarly(undefined).size).toBe(0);
    expect(globalThis.parleyEarlyOpen).toBeUndefined();
    const requests = runEarly({ token: "t", user: 1, device: 7 });
    expect([...requests.keys()]).toEqual(["parley-history-7", "parley-outbox-7"]);
    expect(globalThis.parleyEarlyOpen?.device).toBe(7);
  });

  it("hands over an open database, and makes none that does not exist", async () => {
    const requests = runEarly({ token: "t", user: 1, device: 7 });
    const history = requests.get("parley-history-7")!, outbox = requests.get("parley-outbox-7")!;
    history.result = db("parley-history-7", 1, ["kv"]);
    history.onsuccess!();
    outbox.onupgradeneeded!();   // a first visit: no database yet
    expect(outbox.transaction.abort).toHaveBeenCalled();
    outbox.onerror!({ preventDefault: () => {} });
    const early = earlyOpenings(7);
    expect(await early.history).toBe(history.result);
    expect(await early.outbox).toBeNull();
    // Until a store takes it, it gives way to another page's upgrade or sign-out.
    history.result.onversionchange!();
    expect(history.result.close).toHaveBeenCalled();
  });

  it("is taken once, and only for the device that opened it", () => {
    runEarly({ token: "t", user: 1, device: 7 });
    expect(earlyOpenings(8)).toEqual({});
    expect(earlyOpenings(7).history).toBeDefined();
    expect(earlyOpenings(7)).toEqual({});
  });
});

describe("adopt", () => {
  it("takes a database at the store's version with its stores; closes any other", async () => {
    const good = db("h", 1, ["kv"]);
    expect(await adopt(Promise.resolve(good as unknown as IDBDatabase), 1, ["kv"])).toBe(good);
    const older = db("o", 1, ["pending"]);
    expect(await adopt(Promise.resolve(older as unknown as IDBDatabase), 2, ["pending", "uploads"])).toBeNull();
    expect(older.close).toHaveBeenCalled();
    const missing = db("h", 1, []);
    expect(await adopt(Promise.resolve(missing as unknown as IDBDatabase), 1, ["kv"])).toBeNull();
    expect(await adopt(Promise.resolve(null), 1, ["kv"])).toBeNull();
    expect(await adopt(undefined, 1, ["kv"])).toBeNull();
    expect(await adopt(Promise.reject(new Error("no")), 1, ["kv"])).toBeNull();
  });
});
