// First paint of a 1,000-message chat from IndexedDB, in headless Chromium (run by hand, not by
// ctest; it is a measurement). Bob sends 1,000 messages to Alice while her page is open, so
// the history cache keeps them all (and the service worker the app shell); then, with parleyd
// stopped (or still up: --server up), fresh pages open at the chat again and again. Each run
// measures, from the navigation's start (performance.now() is 0 there):
//   chat_ms  the newest message's bubble and a screenful of bubbles before it are in the page
//            and the frame that shows them has been painted (the next task after its
//            requestAnimationFrame);
//   list_ms  the same for the chat list's row;
//   fcp_ms   Chromium's first-contentful-paint.
// The address is `/?chat=<id>` (a notification's, which /chat/<id> replaced), so that a client
// from before issue 19, which has no history cache, can be measured the same way with the
// server up (--baseline: nothing kept to wait for). Prints one JSON line per setting with the
// runs and their p50 / p95 (nearest rank); --detail prints each run's timeline on stderr
// (IndexedDB opens and reads, resources, paints, the elements and bubbles in the page when
// the chat showed, and the main thread's long tasks until 1.5 s after it).
//   node e2e/bench_first_paint.mjs --parleyd ../build/parleyd [--web-root DIR] [--runs 10]
//     [--messages 1000] [--server stopped|up|both] [--label TEXT] [--detail] [--baseline]
//     [--latency MS]     the measured pages' own requests (API, WebSocket) delayed by MS
//                        (Chromium's network emulation): a slow network with parleyd up
//     [--profile FILE]   one more run after the measured ones, under V8's sampling profiler:
//                        FILE.cpuprofile (Chrome DevTools opens it), and on stderr the
//                        functions with the most time of their own until the chat is painted

import { parseArgs } from "node:util";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Parleyd, launchChromium, until } from "./harness.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    parleyd: { type: "string" }, "web-root": { type: "string" }, runs: { type: "string", default: "10" },
    messages: { type: "string", default: "1000" }, server: { type: "string", default: "stopped" }, label: { type: "string", default: "" },
    detail: { type: "boolean", default: false }, baseline: { type: "boolean", default: false },
    profile: { type: "string", default: "" }, latency: { type: "string", default: "0" },
  },
});
if (!values.parleyd) {
  console.error("usage: node e2e/bench_first_paint.mjs --parleyd PATH [--web-root DIR] [--runs N] [--messages N] [--server stopped|up|both]");
  process.exit(2);
}
const RUNS = Number(values.runs);
const MESSAGES = Number(values.messages);
const LATENCY = Number(values.latency);
const SCREENFUL = 20;   // bubbles that fill the message list of a 1200 x 760 window

/** Installed before the app's scripts: marks when the chat list and the chat are painted, and notes IndexedDB requests (--detail). */
function marks({ newest, screenful }) {
  const t = (window.__paint = {});
  new PerformanceObserver((l) => { for (const e of l.getEntries()) t[e.name] = e.startTime; }).observe({ type: "paint", buffered: true });
  t.long = [];   // the main thread's tasks over 50 ms: [start, duration]
  new PerformanceObserver((l) => { for (const e of l.getEntries()) t.long.push([Math.round(e.startTime), Math.round(e.duration)]); }).observe({ type: "longtask", buffered: true });
  const painted = (key) => requestAnimationFrame(() => setTimeout(() => { t[key] = performance.now(); }, 0));
  const check = () => {
    if (!t.listSeen && document.querySelector(".chat-list .chat-row")) { t.listSeen = true; painted("list"); }
    const bubbles = document.querySelectorAll("li.bubble");
    if (!t.chatSeen && bubbles.length >= screenful && bubbles[bubbles.length - 1].dataset.seq === newest) { t.chatSeen = true; t.elements = document.getElementsByTagName("*").length; t.bubbles = bubbles.length; painted("chat"); }
    if (t.listSeen && t.chatSeen) observer.disconnect();
  };
  t.idb = [];
  const wrap = (proto, name, label) => {
    const orig = proto[name];
    proto[name] = function (...args) {
      const req = orig.apply(this, args);
      const start = Math.round(performance.now());
      const what = `${label}(${typeof args[0] === "string" ? args[0] : this.name ?? ""})`;
      req.addEventListener("success", () => t.idb.push([what, start, Math.round(performance.now())]));
      return req;
    };
  };
  wrap(IDBFactory.prototype, "open", "open");
  wrap(IDBObjectStore.prototype, "get", "get");
  wrap(IDBObjectStore.prototype, "getAll", "getAll");
  const observer = new MutationObserver(check);
  document.addEventListener("DOMContentLoaded", () => { observer.observe(document.body, { childList: true, subtree: true }); check(); });
}

/** One page load under the V8 profiler (started on a page of the same origin, so it survives the navigation). */
async function profileOne(context, url, newest, file) {
  const { writeFileSync } = await import("node:fs");
  const p = await context.newPage();
  await p.addInitScript(marks, { newest, screenful: SCREENFUL });
  await p.goto(url);   // once unmeasured: the profiled load below comes from the same origin
  await until("the chat painted", () => p.evaluate(() => (window.__paint.chat ? window.__paint : null)), 30_000);
  const browser = context.browser();
  await browser.startTracing(p, { categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "blink", "v8", "loading"] });
  const cdp = process.env.NOPROF ? null : await context.newCDPSession(p);
  if (cdp) {
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
    await cdp.send("Profiler.start");
  }
  await p.goto(url);
  const t = await until("the chat painted", () => p.evaluate(() => (window.__paint.chat ? window.__paint : null)), 30_000);
  const profile = cdp ? (await cdp.send("Profiler.stop")).profile : null;
  if (profile) writeFileSync(`${file}.cpuprofile`, JSON.stringify(profile));
  const trace = JSON.parse((await browser.stopTracing()).toString());
  writeFileSync(`${file}.trace.json`, JSON.stringify(trace));
  // The renderer's main thread: time per top-level task kind and per nested event name.
  const events = trace.traceEvents ?? trace;
  const main = events.find((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain" && events.some((x) => x.pid === e.pid && x.name === "ParseHTML"));
  const mine = events.filter((e) => main && e.pid === main.pid && e.tid === main.tid && e.ph === "X" && e.dur);
  const t0 = Math.min(...mine.filter((e) => e.name === "ParseHTML" || e.name === "ResourceSendRequest").map((e) => e.ts));
  const total = new Map();
  for (const e of mine) if (e.ts - t0 < t.chat * 1000) total.set(e.name, (total.get(e.name) ?? 0) + e.dur);
  const kinds = [...total].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([k, us]) => `${(us / 1000).toFixed(1).padStart(7)} ms  ${k}`);
  console.error(`trace, renderer main thread until the chat's paint (events nest: a task's time includes its parts):\n${kinds.join("\n")}`);
  if (!profile) return void (await p.close());
  // Self time per function (µs), from the first sample of the new page to the chat's paint.
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i];
    const f = byId.get(id).callFrame;
    const key = `${f.functionName || "(anonymous)"} ${f.url.replace(/^.*\//, "")}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + profile.timeDeltas[i]);
  });
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 40).map(([k, us]) => `${(us / 1000).toFixed(1).padStart(7)} ms  ${k}`);
  console.error(`profile (chat painted at ${Math.round(t.chat)} ms; ${file}.cpuprofile):\n${top.join("\n")}`);
  await p.close();
}

const rank = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
const round = (v) => Math.round(v * 10) / 10;

const server = new Parleyd(path.resolve(values.parleyd), path.resolve(values["web-root"] ?? path.join(here, "..", "dist")));
const browser = await launchChromium();
try {
  await server.start();
  const [alice, bob] = await server.adminUsers(["+14155550101", "+14155550102"]);
  const context = await browser.newContext({ viewport: { width: 1200, height: 760 }, locale: "en-US", timezoneId: "UTC" });
  const page = await context.newPage();
  await page.goto(server.url + "/favicon.svg");
  await page.evaluate((s) => localStorage.setItem("parley.session", JSON.stringify(s)),
    { token: alice.token, user: alice.user, device: alice.device, phone: alice.phone, position: 0 });
  await page.goto(server.url + "/");
  await page.getByRole("button", { name: "New chat" }).waitFor();
  // Bob writes to Alice while her page is open: every message goes into her history cache.
  const [first] = await page.evaluate(async ({ url, token, to }) => {
    const ws = new WebSocket(url);
    return new Promise((resolve, reject) => {
      ws.onopen = () => ws.send(JSON.stringify({ type: "auth", token }));
      ws.onerror = () => reject(new Error("socket"));
      ws.onmessage = (ev) => {
        const f = JSON.parse(ev.data);
        if (f.type === "hello") ws.send(JSON.stringify({ type: "send", id: "first", to, text: "m 0" }));
        if (f.type === "ack") { ws.close(); resolve([f]); }
      };
    });
  }, { url: server.url.replace("http", "ws") + "/v1/ws", token: bob.token, to: alice.user });
  const chat = first.chat;
  // The rest one at a time, each sent again after the wait a rate limit asks for.
  await page.evaluate(async ({ url, token, chat, count }) => {
    const ws = new WebSocket(url);
    await new Promise((resolve, reject) => {
      let i = 1;
      const send = () => ws.send(JSON.stringify({ type: "send", id: `m-${i}`, chat, text: `m ${i}` }));
      ws.onopen = () => ws.send(JSON.stringify({ type: "auth", token }));
      ws.onerror = () => reject(new Error("socket"));
      ws.onmessage = (ev) => {
        const f = JSON.parse(ev.data);
        if (f.type === "hello") send();
        else if (f.type === "ack" && f.id === `m-${i}`) { if (++i > count) resolve(); else send(); }
        else if (f.type === "error" && f.code === "rate_limited") setTimeout(send, f.retry_after_ms ?? 50);
        else if (f.type === "error") reject(new Error(f.message));
      };
    });
    ws.close();
  }, { url: server.url.replace("http", "ws") + "/v1/ws", token: bob.token, chat, count: MESSAGES - 1 });
  // The newest bubble by its seq: its text would also be found in "m 99" sent at 9:43 PM.
  const newest = String(MESSAGES);
  // Alice reads the chat (it opens at its newest messages, as a chat read before does), and the
  // saved chat list says so.
  await page.locator(".chat-list .chat-row").first().click();
  await page.locator(`li.bubble[data-seq="${newest}"]`).waitFor();
  const kept = (key) => page.evaluate(async ({ device, key }) => {
    const db = await new Promise((r) => { const o = indexedDB.open(`parley-history-${device}`); o.onsuccess = () => r(o.result); });
    const value = await new Promise((r) => { const q = db.transaction("kv").objectStore("kv").get(key); q.onsuccess = () => r(q.result); });
    db.close();
    return value;
  }, { device: alice.device, key });
  if (!values.baseline) {
    await until(`${MESSAGES} messages kept in IndexedDB`, async () => (await kept(`chat:${chat}`))?.messages?.length === MESSAGES, 60_000);
    await until("the saved chat list read to the end", async () => (await kept("chats"))?.[0]?.read === first.seq + MESSAGES - 1);
    await until("the app shell cached", () => page.evaluate(async () => !!navigator.serviceWorker.controller && !!(await caches.match("/index.html"))));
  }
  await page.close();

  const settings = values.server === "both" ? ["up", "stopped"] : [values.server];
  for (const setting of settings) {
    if (setting === "stopped") await server.stop();
    const runs = [];
    for (let i = 0; i <= RUNS; i++) {   // the first is a warm-up
      const p = await context.newPage();
      await p.addInitScript(marks, { newest, screenful: SCREENFUL });
      if (LATENCY > 0) {   // the page's own requests (the API, the WebSocket) over a slow network
        const cdp = await context.newCDPSession(p);
        await cdp.send("Network.enable");
        await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: LATENCY, downloadThroughput: -1, uploadThroughput: -1 });
      }
      await p.goto(`${server.url}/?chat=${chat}`);
      // (and the first contentful paint reported, which Chromium may do after the frame the chat came in)
      const t = await until("the chat painted", () => p.evaluate(() => (window.__paint.chat && window.__paint.list && window.__paint["first-contentful-paint"] ? window.__paint : null)), 30_000);
      if (values.detail) {
        await new Promise((r) => setTimeout(r, 1500));   // (the long tasks after the paint: the rest of the chat drawn once idle)
        console.error(JSON.stringify(await p.evaluate(() => {
          const nav = performance.getEntriesByType("navigation")[0];
          const res = performance.getEntriesByType("resource").map((r) => [r.name.replace(location.origin, ""), Math.round(r.startTime), Math.round(r.responseEnd)]);
          return { ...window.__paint, html: Math.round(nav.responseEnd), dcl: Math.round(nav.domContentLoadedEventEnd), worker: Math.round(nav.workerStart), res };
        })));
      }
      if (i > 0) runs.push({ chat_ms: round(t.chat), list_ms: round(t.list), fcp_ms: round(t["first-contentful-paint"] ?? 0) });
      await p.close();
    }
    if (values.profile) await profileOne(context, `${server.url}/?chat=${chat}`, newest, `${values.profile}-${setting}`);
    const stat = (key) => { const s = runs.map((r) => r[key]).sort((a, b) => a - b); return { p50: rank(s, 0.5), p95: rank(s, 0.95) }; };
    console.log(JSON.stringify({
      bench: "web_first_paint", label: values.label || undefined, latency_ms: LATENCY || undefined, messages: MESSAGES, kept_in_indexeddb: values.baseline ? 0 : MESSAGES, server: setting,
      runs: runs.length, chat_ms: stat("chat_ms"), list_ms: stat("list_ms"), fcp_ms: stat("fcp_ms"), samples: runs,
    }));
  }
} finally {
  await browser.close().catch(() => {});
  await server.close().catch(() => {});
}
