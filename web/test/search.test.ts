// Finding messages: the search (debounced, stale answers dropped, pages, refusals in words),
// chat names matched locally, the starred list kept up to date, going to a message (earlier
// pages loaded until it is there), and the words for modes, quotes and deleted previews.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { ApiError, type Api, type ChatSummary, type SearchPage } from "../src/app/api";
import { MessageSearch, nameMatches } from "../src/app/search";
import { StarredList } from "../src/app/starred";
import { AppState } from "../src/app/state";
import { ParleyClient } from "../src/protocol/client";
import type { MsgFrame } from "../src/protocol/frames";
import { disappearLabel, modeText, preview, quoteLine } from "../src/ui/format";
import { FakeSocket } from "./fake_socket";

const ME = 1;
const BOB = 2;

const message = (chat: number, seq: number, text = `m${seq}`, from = BOB) =>
  ({ chat, seq, from, device: from, id: `c${chat}-${seq}`, ts: 1_700_000_000_000 + seq, text });

const page = (results: ReturnType<typeof message>[], next?: number): SearchPage =>
  ({ results: results.map((m) => ({ message: m, snippet: ["a ", m.text, " b"] })), ...(next === undefined ? {} : { next_offset: next }) });

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("MessageSearch", () => {
  it("searches once typing pauses, drops the answer to an older query and pages with next_offset", async () => {
    const answers: Record<string, (p: SearchPage) => void> = {};
    const run = vi.fn((q: string, o: { chat?: number; offset?: number }) =>
      new Promise<SearchPage>((resolve) => { answers[`${q}@${o.offset ?? 0}`] = resolve; }));
    const changed = vi.fn();
    const s = new MessageSearch(run, changed, 4);
    s.set("be");
    s.set("bei");
    await vi.advanceTimersByTimeAsync(100);
    s.set("beij");
    expect(run).not.toHaveBeenCalled();
    expect(s.loading).toBe(true);
    await vi.advanceTimersByTimeAsync(300);
    expect(run).toHaveBeenCalledTimes(1);
    expect(run).toHaveBeenCalledWith("beij", { chat: 4, offset: undefined });
    s.set("北京");
    await vi.advanceTimersByTimeAsync(300);
    answers["beij@0"](page([message(4, 1, "beijing")]));        // too late: another query since
    answers["北京@0"](page([message(4, 2, "北京")], 20));
    await vi.advanceTimersByTimeAsync(0);
    expect(s.results.map((h) => h.message.seq)).toEqual([2]);
    expect(s.results[0].snippet).toEqual(["a ", "北京", " b"]);
    expect(s.done).toBe(false);
    s.more();
    expect(run).toHaveBeenLastCalledWith("北京", { chat: 4, offset: 20 });
    answers["北京@20"](page([message(4, 3, "北京")]));
    await vi.advanceTimersByTimeAsync(0);
    expect(s.results.map((h) => h.message.seq)).toEqual([2, 3]);
    expect(s.done).toBe(true);
    s.drop(4, 2);
    expect(s.results.map((h) => h.message.seq)).toEqual([3]);
    s.set("");
    expect(s.results).toEqual([]);
    expect(s.loading).toBe(false);
  });

  it("says in words that searches come too fast, or that the server cannot be reached", async () => {
    const run = vi.fn(async () => { throw new ApiError(429, "rate_limited", "too many searches"); });
    const s = new MessageSearch(run, () => {});
    s.set("x");
    await vi.advanceTimersByTimeAsync(300);
    expect(s.error).toBe("Too many searches. Wait a moment and try again.");
    run.mockImplementation(async () => { throw new ApiError(0, "network", "down"); });
    s.set("y");
    await vi.advanceTimersByTimeAsync(300);
    expect(s.error).toBe("Search needs a connection to the server.");
    expect(s.loading).toBe(false);
  });

  it("matches chat names in any case, and phone numbers by their digits", () => {
    expect(nameMatches("Hikers", "hik")).toBe(true);
    expect(nameMatches("Hikers", "bikers")).toBe(false);
    expect(nameMatches("+1 415 555 0102", "4155550")).toBe(true);
    expect(nameMatches("+1 415 555 0102", "+1 (415) 555")).toBe(true);
    expect(nameMatches("北京 friends", "北京")).toBe(true);
    expect(nameMatches("anything", "  ")).toBe(true);
  });
});

describe("StarredList", () => {
  it("reads the list, drops what is unstarred or hidden, reads again for a new star and follows changes", async () => {
    const starred = vi.fn(async () => ({ messages: [{ ...message(4, 2, "keep"), starred: true }, { ...message(5, 9, "other"), starred: true }] }));
    const list = new StarredList({ starred } as unknown as Pick<Api, "starred">, () => {});
    await list.load();
    expect(list.messages.map((m) => m.seq)).toEqual([2, 9]);
    list.onMarked({ type: "marked", pts: 1, chat: 5, seq: 9, starred: false, hidden: false });
    expect(list.messages.map((m) => m.seq)).toEqual([2]);
    list.onChanged({ type: "changed", ...message(4, 2, "kept, edited"), edited: 5 });
    expect(list.messages[0]).toMatchObject({ text: "kept, edited", starred: true });
    list.onMarked({ type: "marked", pts: 2, chat: 4, seq: 3, starred: true, hidden: false });
    await vi.advanceTimersByTimeAsync(0);
    expect(starred).toHaveBeenCalledTimes(2);
    list.onChanged({ type: "changed", ...message(4, 2, ""), deleted: BOB });
    expect(list.messages.map((m) => m.seq)).toEqual([9]);
  });
});

describe("Going to a message", () => {
  async function setup(last: number) {
    const sockets: FakeSocket[] = [];
    // History: the messages 1..last, `limit` of them before `before`.
    const history = vi.fn(async (chat: number, before: number, limit: number) => {
      const top = before > 0 ? before - 1 : last;
      const out: MsgFrame[] = [];
      for (let s = Math.max(1, top - limit + 1); s <= top; s++) if (s !== 13) out.push({ type: "msg", ...message(chat, s) });
      return out;
    });
    const chats: ChatSummary[] = [{ chat: 4, kind: "direct", last_seq: last, last_ts: 1, last_text: "", last_sender: BOB, read: last, peer: BOB }];
    const api = { chats: vi.fn(async () => chats), invites: vi.fn(async () => []), history } as unknown as Api;
    const client = new ParleyClient({ url: "ws://x/v1/ws", token: "t", socket: () => { const s = new FakeSocket(); sockets.push(s); return s; } });
    const state = new AppState(ME, "+14155550101", api, client);
    await state.start();
    sockets[0].open();
    sockets[0].hello(ME, 10);
    return { state, history };
  }

  it("opens the chat and loads earlier pages until the message is there, then highlights it", async () => {
    const { state, history } = await setup(500);
    expect(await state.finder.jumpTo(4, 120)).toBe(true);
    expect(state.view).toEqual({ chat: 4 });
    expect(state.messages.get(4)!.some((m) => m.seq === 120)).toBe(true);
    expect(state.finder.highlight).toMatchObject({ chat: 4, seq: 120 });
    // The first page (50), then 200 at a time: 451..500, 251..450, 51..250.
    expect(history.mock.calls.map((c) => [c[1], c[2]])).toEqual([[0, 50], [451, 200], [251, 200]]);
    const n = state.finder.highlight!.n;
    expect(await state.finder.jumpTo(4, 480)).toBe(true);   // loaded already: no read
    expect(history).toHaveBeenCalledTimes(3);
    expect(state.finder.highlight).toEqual({ chat: 4, seq: 480, n: n + 1 });
  });

  it("says so when the message is no longer in the chat", async () => {
    const { state } = await setup(60);
    expect(await state.finder.jumpTo(4, 13)).toBe(false);
    expect(state.notice).toBe("That message is no longer in the chat.");
  });
});

describe("words", () => {
  const by = "You";
  it("tells a mode change against the mode before it", () => {
    expect(modeText(by, { temporary: false, disappear: 86400 })).toBe("You turned on disappearing messages (24 hours)");
    expect(modeText(by, { temporary: false, disappear: 604800 }, { temporary: false, disappear: 86400 })).toBe("You changed disappearing messages to 7 days");
    expect(modeText(by, { temporary: false, disappear: 0 }, { temporary: false, disappear: 7776000 })).toBe("You turned off disappearing messages");
    expect(modeText(by, { temporary: true, disappear: 86400 }, { temporary: false, disappear: 86400 })).toBe("You turned on temporary chat");
    expect(modeText(by, { temporary: false, disappear: 0 }, { temporary: true, disappear: 0 })).toBe("You turned off temporary chat");
    expect(disappearLabel(7776000)).toBe("90 days");
  });

  it("quotes the first line, media in words, and a deleted message as deleted; the list says a last message was deleted", () => {
    expect(quoteLine({ text: "one\ntwo" })).toBe("one");
    expect(quoteLine({ text: "", media: { id: "x", kind: "image", mime: "image/jpeg", size: 1 } })).toBe("📷 Photo");
    expect(quoteLine({ text: "", deleted: 2 })).toBe("This message was deleted");
    const state = { me: ME, name: () => "+14155550102" } as unknown as AppState;
    const chat = { chat: 4, kind: "direct", lastSeq: 3, lastSender: BOB, lastText: "", lastSystem: false, lastGone: "deleted" } as never;
    expect(preview(state, chat)).toBe("🚫 This message was deleted");
  });
});
