// Downloaded media: one download per object however many ask, blob URLs made once, the least
// recently used dropped past the budget (their URLs revoked) unless something on screen holds them.
import { describe, expect, it } from "vitest";

import { MediaCache } from "../src/app/media_cache";

function setup(maxBytes = 25) {
  const fetched: string[] = [];
  const revoked: string[] = [];
  let n = 0;
  const fetch = async (path: string) => {
    fetched.push(path);
    if (path.includes("missing")) return new Response("{}", { status: 404 });
    return new Response(new Blob([new Uint8Array(10)]));
  };
  const cache = new MediaCache(fetch, maxBytes, { create: () => `blob:${++n}`, revoke: (u) => revoked.push(u) });
  return { cache, fetched, revoked };
}

describe("MediaCache", () => {
  it("downloads an object once, whoever asks, and names the variant's route", async () => {
    const { cache, fetched } = setup();
    const [a, b] = await Promise.all([cache.url("aa", "preview"), cache.url("aa", "preview")]);
    expect(a).toBe(b);
    expect(cache.peek("aa", "preview")).toBe(a);
    await cache.blob("aa", "full");
    expect(fetched).toEqual(["/v1/media/aa/preview", "/v1/media/aa"]);
  });

  it("drops the least recently used past its budget and revokes their URLs, but not what is held", async () => {
    const { cache, revoked } = setup(25);
    const release = cache.hold("a", "full");
    const a = await cache.url("a", "full");
    const b = await cache.url("b", "full");
    const c = await cache.url("c", "full");  // 30 bytes: b goes (a is held)
    expect(revoked).toEqual([b]);
    expect(cache.peek("b", "full")).toBeUndefined();
    release();                               // a is idle now, but used less recently than c
    await cache.url("d", "full");
    expect(revoked).toEqual([b, a]);
    expect(cache.peek("c", "full")).toBe(c);
    expect(cache.bytes).toBe(20);
  });

  it("keeps nothing of a failed download, so the next try fetches again", async () => {
    const { cache, fetched } = setup();
    await expect(cache.url("missing", "full")).rejects.toThrow("no longer available");
    await expect(cache.url("missing", "full")).rejects.toThrow();
    expect(fetched).toHaveLength(2);
  });

  it("takes bytes this client already has without downloading them", async () => {
    const { cache, fetched } = setup();
    cache.seed("mine", "preview", new Blob(["x"]));
    expect(await cache.url("mine", "preview")).toMatch(/^blob:/);
    expect(fetched).toEqual([]);
  });
});
