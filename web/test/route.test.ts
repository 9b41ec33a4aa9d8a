import { describe, expect, it } from "vitest";
import { Navigator, chatPath, parseRoute, type Entry, type HistoryEnv, type Place } from "../src/app/route";

/** A browser's session history: entries, the current index, and popstate after go() as a task. */
class FakeHistory implements HistoryEnv {
  entries: { state: unknown; url: string }[];
  index = 0;
  private listeners = new Set<() => void>();
  constructor(url: string, state: unknown = null) { this.entries = [{ state, url }]; }
  state() { return this.entries[this.index].state; }
  address() {
    const u = new URL(this.entries[this.index].url, "https://parley.example");
    return { path: u.pathname, search: u.search };
  }
  push(state: Entry, url: string) {
    this.entries.splice(this.index + 1, Infinity, { state, url });
    this.index++;
  }
  replace(state: Entry | null, url: string) { this.entries[this.index] = { state, url }; }
  go(delta: number) {
    const to = this.index + delta;
    if (to < 0 || to >= this.entries.length) return;
    setTimeout(() => { this.index = to; this.listeners.forEach((l) => l()); }, 0);
  }
  onPop(l: () => void) { this.listeners.add(l); return () => this.listeners.delete(l); }
  /** The user's Back button (goes through the same popstate). */
  back() { this.go(-1); }
  get url() { return this.entries[this.index].url; }
  get urls() { return this.entries.map((e) => e.url); }
}

const settle = () => new Promise((r) => setTimeout(r, 5));
const at = (chat: number, layer = ""): Place => ({ chat, layer });

describe("parseRoute", () => {
  it("reads a chat from /chat/N and from the older ?chat=N, and an invite code from /join/CODE", () => {
    expect(parseRoute("/chat/42")).toEqual({ chat: 42, join: "" });
    expect(parseRoute("/chat/42/")).toEqual({ chat: 42, join: "" });
    expect(parseRoute("/", "?chat=7")).toEqual({ chat: 7, join: "" });
    expect(parseRoute("/join/Ab3-x_9")).toEqual({ chat: 0, join: "Ab3-x_9" });
    expect(parseRoute("/")).toEqual({ chat: 0, join: "" });
  });

  it("names nothing for what is not a chat id", () => {
    expect(parseRoute("/chat/abc").chat).toBe(0);
    expect(parseRoute("/chat/-3").chat).toBe(0);
    expect(parseRoute("/chat/1e3").chat).toBe(0);
    expect(parseRoute("/", "?chat=4.5").chat).toBe(0);
    expect(parseRoute("/join/a b").join).toBe("");
    expect(chatPath(0)).toBe("/");
    expect(chatPath(-1)).toBe("/");
    expect(chatPath(9)).toBe("/chat/9");
  });
});

describe("Navigator", () => {
  it("puts the list under a page opened at a chat, so Back shows the list", async () => {
    const h = new FakeHistory("/chat/42");
    const nav = new Navigator(h);
    expect(nav.linked).toEqual({ chat: 42, join: "" });
    nav.start(at(42));
    expect(h.urls).toEqual(["/", "/chat/42"]);
    const went: Place[] = [];
    nav.onPlace((p) => went.push(p));
    h.back();
    await settle();
    expect(went).toEqual([at(0)]);
  });

  it("turns a notification's /?chat=N into /chat/N", () => {
    const h = new FakeHistory("/?chat=5");
    const nav = new Navigator(h);
    expect(nav.linked.chat).toBe(5);
    nav.start(at(5));
    expect(h.urls).toEqual(["/", "/chat/5"]);
  });

  it("a linked chat that is not mine leaves only the list", () => {
    const h = new FakeHistory("/chat/999");
    new Navigator(h).start(at(0));
    expect(h.urls).toEqual(["/"]);
  });

  it("a reload keeps its entries and pushes nothing", () => {
    const h = new FakeHistory("/", null);
    h.replace({ parley: 0, chat: 0, layer: "" }, "/");
    h.push({ parley: 1, chat: 42, layer: "" }, "/chat/42");
    const nav = new Navigator(h);   // the reloaded page
    nav.start(at(42));
    expect(h.urls).toEqual(["/", "/chat/42"]);
    expect(h.index).toBe(1);
  });

  it("opening a chat pushes; switching chats replaces; closing goes back in history", async () => {
    const h = new FakeHistory("/");
    const nav = new Navigator(h);
    nav.start(at(0));
    nav.show(at(3));
    expect(h.urls).toEqual(["/", "/chat/3"]);
    nav.show(at(4));
    expect(h.urls).toEqual(["/", "/chat/4"]);
    expect(h.index).toBe(1);
    nav.show(at(0));      // the back arrow in the chat's header
    await settle();
    expect(h.index).toBe(0);
    expect(h.url).toBe("/");
  });

  it("a layer (a panel on a phone) is an entry of its own that Back closes", async () => {
    const h = new FakeHistory("/");
    const nav = new Navigator(h);
    const went: Place[] = [];
    nav.onPlace((p) => went.push(p));
    nav.start(at(0));
    nav.show(at(3));
    nav.show(at(3, "info"));
    expect(h.urls).toEqual(["/", "/chat/3", "/chat/3"]);
    h.back();
    await settle();
    expect(went).toEqual([at(3)]);
    nav.show(at(3));      // the UI closed the panel: nothing more moves
    expect(h.index).toBe(1);
    h.back();
    await settle();
    expect(went).toEqual([at(3), at(0)]);
  });

  it("closing a panel with its ✕ takes its entry off; a jump to another chat from it keeps one chat entry", async () => {
    const h = new FakeHistory("/");
    const nav = new Navigator(h);
    const went: Place[] = [];
    nav.onPlace((p) => went.push(p));
    nav.start(at(0));
    nav.show(at(3));
    nav.show(at(3, "starred"));
    nav.show(at(7, "starred"));   // a starred message of chat 7 opened
    nav.show(at(7));              // and the panel closed
    await settle();
    expect(h.urls.slice(0, h.index + 1)).toEqual(["/", "/chat/7"]);
    expect(went).toEqual([]);     // the app's own going back is not told back to it
    h.back();
    await settle();
    expect(went).toEqual([at(0)]);
  });

  it("a chat being started (no id yet) is an entry; its first message gives it the address", () => {
    const h = new FakeHistory("/");
    const nav = new Navigator(h);
    nav.start(at(0));
    nav.show(at(-1));
    expect(h.urls).toEqual(["/", "/"]);
    nav.show(at(12));
    expect(h.urls).toEqual(["/", "/chat/12"]);
  });

  it("an entry it did not make (a #fragment) is read by its address", async () => {
    const h = new FakeHistory("/");
    const nav = new Navigator(h);
    nav.start(at(0));
    nav.show(at(3));
    h.push(null as unknown as Entry, "/chat/3#composer-text");   // the skip link
    nav.show(at(3));
    expect(h.index).toBe(2);
    expect(h.state()).toEqual({ parley: 1, chat: 3, layer: "" });
  });

  it("signing out puts the address back to the list", () => {
    const h = new FakeHistory("/chat/3");
    const nav = new Navigator(h);
    nav.start(at(3));
    nav.dispose();
    expect(h.url).toBe("/");
  });
});
