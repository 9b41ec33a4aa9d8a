// The service worker's app shell (public/sw.js, stamped as the build stamps it): what it caches
// when installed, which caches it deletes, and how it answers navigations, the build's files and
// everything else (the API is never touched).
import { describe, expect, it, vi } from "vitest";

import { stampServiceWorker } from "../plugins/sw_build.mjs";
import swSource from "../public/sw.js?raw";

const BUILD = { id: "b2", files: ["/assets/index-abc.js", "/assets/index-def.css", "/manifest.webmanifest"] };

interface FakeResponse { status: number; ok: boolean; body: string; clone(): FakeResponse }
const response = (body: string, status = 200): FakeResponse => ({ status, ok: status < 400, body, clone: () => response(body, status) });

class FakeRequest {
  constructor(readonly url: string, readonly init: { cache?: string } = {}) {}
}

/** sw.js over fake caches and a fake network; `network` answers a path (or throws: the server is down). */
function worker(source: string, network: (path: string) => FakeResponse) {
  const handlers = new Map<string, (e: Record<string, unknown>) => void>();
  const stores = new Map<string, Map<string, FakeResponse>>([["parley-shell-old", new Map()], ["someone-else", new Map()]]);
  const open = async (name: string) => {
    const store = stores.get(name) ?? new Map<string, FakeResponse>();
    stores.set(name, store);
    return {
      addAll: async (reqs: FakeRequest[]) => { for (const r of reqs) store.set(r.url, network(r.url)); },
      match: async (path: string) => store.get(path),
      put: async (path: string, res: FakeResponse) => void store.set(path, res),
    };
  };
  const fetched: string[] = [];
  const scope = {
    addEventListener: (type: string, h: (e: Record<string, unknown>) => void) => handlers.set(type, h),
    location: new URL("https://parley.example/sw.js"),
    caches: { open, keys: async () => [...stores.keys()], delete: async (name: string) => stores.delete(name) },
    fetch: vi.fn(async (req: { url: string }) => {
      const path = new URL(req.url).pathname;
      fetched.push(path);
      return network(path);
    }),
    clients: { claim: vi.fn(async () => {}) },
    skipWaiting: vi.fn(async () => {}),
  };
  new Function("self", "Request", source)(scope, FakeRequest);
  async function lifecycle(type: "install" | "activate") {
    let done: Promise<unknown> = Promise.resolve();
    handlers.get(type)!({ waitUntil: (p: Promise<unknown>) => { done = p; } });
    await done;
  }
  /** A GET of `path` (a navigation or not): what the worker answers, or undefined when it leaves it to the browser. */
  async function get(path: string, mode = "no-cors"): Promise<FakeResponse | undefined> {
    let answer: Promise<FakeResponse> | undefined;
    handlers.get("fetch")!({ request: { method: "GET", mode, url: `https://parley.example${path}` }, respondWith: (p: Promise<FakeResponse>) => { answer = p; } });
    return answer;
  }
  return { lifecycle, get, stores, fetched, scope };
}

describe("the service worker's app shell", () => {
  it("caches index.html and the build's files when installed, then deletes only its older caches", async () => {
    const sw = worker(stampServiceWorker(swSource, BUILD), (p) => response(`net ${p}`));
    await sw.lifecycle("install");
    expect([...sw.stores.get("parley-shell-b2")!.keys()]).toEqual(["/index.html", ...BUILD.files]);
    expect(sw.scope.skipWaiting).toHaveBeenCalled();
    await sw.lifecycle("activate");
    expect([...sw.stores.keys()].sort()).toEqual(["parley-shell-b2", "someone-else"]);
    expect(sw.scope.clients.claim).toHaveBeenCalled();
  });

  it("serves app pages from the network, and the cached index.html when the server is down or failing", async () => {
    let up = true;
    let status = 200;
    const sw = worker(stampServiceWorker(swSource, BUILD), (p) => {
      if (!up && p !== "/index.html") throw new TypeError("Failed to fetch");
      return response(p === "/index.html" ? "shell" : `net ${p}`, p === "/index.html" ? 200 : status);
    });
    await sw.lifecycle("install");
    expect((await sw.get("/chat/42", "navigate"))!.body).toBe("net /chat/42");
    up = false;
    for (const page of ["/", "/chat/42", "/join/Ab-9_x"]) expect((await sw.get(page, "navigate"))!.body).toBe("shell");
    up = true;
    status = 502;
    expect((await sw.get("/", "navigate"))!.body).toBe("shell");
    expect(await sw.get("/metrics", "navigate")).toBeUndefined();   // not a page of the app
  });

  it("answers the build's files from the cache and never touches the API or media", async () => {
    const sw = worker(stampServiceWorker(swSource, BUILD), (p) => response(`net ${p}`));
    await sw.lifecycle("install");
    sw.fetched.length = 0;
    expect((await sw.get("/assets/index-abc.js"))!.body).toBe("net /assets/index-abc.js");
    expect(sw.fetched).toEqual([]);                                  // from the cache
    expect((await sw.get("/assets/lazy-123.js"))!.body).toBe("net /assets/lazy-123.js");
    expect(sw.stores.get("parley-shell-b2")!.has("/assets/lazy-123.js")).toBe(true);   // kept once used
    for (const path of ["/v1/chats", "/v1/chats/4/messages?limit=50", "/v1/media/abc", "/v1/ws"]) expect(await sw.get(path)).toBeUndefined();
  });

  it("unbuilt (dev server, tests) it caches nothing; the build refuses a worker that lost its placeholder", async () => {
    const sw = worker(swSource, (p) => response(`net ${p}`));
    await sw.lifecycle("install");
    expect(sw.stores.has("parley-shell-dev")).toBe(false);
    expect(() => stampServiceWorker("// no build line", BUILD)).toThrow(/lost its line/);
  });
});
