// Installable and offline: the manifest and the service worker's app shell (the app opens while
// parleyd is down, with the chat list, the history kept in IndexedDB and a queue for what is
// typed), and a chat opening from the kept history at once and reading only what is new.

import assert from "node:assert/strict";
import { accessible, shoot, signIn, until, userPage } from "./harness.mjs";
import { CAROL, bubble, fillers, openChatId, rawSend, row, startChat } from "./actions_helpers.mjs";
import { ALICE, BOB, SHOWN_BOB, box } from "./media.mjs";

const HISTORY_REQUEST = /\/v1\/chats\/\d+\/messages/;


/** Types a message and sends it; waits for its bubble (with the tick `tick`: "sent", "pending"). */
async function type(page, text, tick = "sent") {
  await box(page).fill(text);
  await box(page).press("Enter");
  const sent = tick === "sent" ? "[data-tick='sent'], [data-tick='delivered'], [data-tick='read']" : `[data-tick='${tick}']`;
  await page.locator("li.bubble").filter({ hasText: text }).locator(sent).waitFor();
}

/** Everything this browser keeps of the signed-in device's history (its IndexedDB database), as JSON text. */
function keptHistory(page) {
  return page.evaluate(async () => {
    const device = JSON.parse(localStorage.getItem("parley.session")).device;
    const db = await new Promise((resolve, reject) => {
      const open = indexedDB.open(`parley-history-${device}`);
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    if (!db.objectStoreNames.contains("kv")) { db.close(); return ""; }
    const all = await new Promise((r) => { const q = db.transaction("kv").objectStore("kv").getAll(); q.onsuccess = () => r(q.result); });
    db.close();
    return JSON.stringify(all);
  });
}

/** The server's copy of a chat's newest messages, oldest first (GET /v1/chats/{id}/messages). */
async function serverHistory(server, token, chat) {
  const res = await fetch(`${server.url}/v1/chats/${chat}/messages?limit=50`, { headers: { Authorization: `Bearer ${token}` } });
  return (await res.json()).messages.map((m) => m.text).reverse();
}

/** Whether the chat list of the user of `token` says the other member has read `chat` up to `seq`. */
async function peerReadReaches(server, token, chat, seq) {
  const res = await fetch(`${server.url}/v1/chats`, { headers: { Authorization: `Bearer ${token}` } });
  return ((await res.json()).chats.find((c) => c.chat === chat)?.peer_read ?? 0) >= seq;
}

/** Alice signed in, in a chat with Bob she began with `text`: her page, Bob (with his token) and the chat's id. */
async function aliceWritesToBob(browser, server, text, options = {}) {
  const [bob] = await server.adminUsers([BOB]);
  const a = await userPage(browser, server, options);
  await signIn(a.page, server, ALICE);
  await startChat(a.page, BOB);
  await type(a.page, text);
  return { a, bob, chat: await openChatId(a.page) };
}

export const offlineScenarios = {
  /**
   * Installable (manifest, icons, no installability error); the worker caches the shell; with
   * parleyd stopped, a reload, a fresh page at / and a /chat/<id> link all open the app with the
   * chat list, the history and the offline banner; a message typed then is queued and sent once
   * parleyd is back.
   */
  async offline_app_shell_opens_with_history_and_queued_messages_while_server_is_down({ server, browser }) {
    const { a, bob, chat } = await aliceWritesToBob(browser, server, "hello from alice", { bypassCSP: true });   // (for axe-core)
    await rawSend(a.page, server, bob.token, [{ type: "send", id: "b-1", chat, text: "hi from bob" }]);
    await bubble(a.page, "hi from bob").waitFor();

    // Installable: the manifest (with 192 and 512 px icons and a maskable one) and the worker.
    const manifest = await a.page.evaluate(async () => {
      const link = document.querySelector("link[rel=manifest]");
      const m = await (await fetch(link.href)).json();
      const icons = await Promise.all(m.icons.map(async (i) => {
        const res = await fetch(i.src);
        const img = await createImageBitmap(await res.blob()).catch(() => null);
        return { sizes: i.sizes, purpose: i.purpose, type: res.headers.get("content-type"), width: img?.width ?? 0 };
      }));
      return { ...m, icons, themeColor: document.querySelector("meta[name=theme-color]")?.content };
    });
    assert.equal(manifest.start_url, "/");
    assert.equal(manifest.scope, "/");
    assert.equal(manifest.display, "standalone");
    assert.equal(manifest.themeColor, manifest.theme_color);
    for (const [sizes, purpose] of [["192x192", "any"], ["512x512", "any"], ["512x512", "maskable"]])
      assert.ok(manifest.icons.some((i) => i.sizes === sizes && i.purpose === purpose && i.type === "image/png" && i.width === Number(sizes.split("x")[0])),
        `a ${sizes} ${purpose} PNG icon: ${JSON.stringify(manifest.icons)}`);
    await until("the service worker to control the page and cache the shell", () => a.page.evaluate(async () =>
      !!navigator.serviceWorker.controller && !!(await caches.match("/index.html")) &&
      (await Promise.all([...document.querySelectorAll("script[src], link[rel=stylesheet]")].map((e) => caches.match(e.src || e.href)))).every(Boolean)));
    const cdp = await a.context.newCDPSession(a.page);
    // Chromium's own check; a test context is an incognito profile, which never installs apps.
    const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
    assert.deepEqual(installabilityErrors.map((e) => e.errorId).filter((id) => id !== "in-incognito"), [], "Chromium finds the app installable");
    const { errors } = await cdp.send("Page.getAppManifest");
    assert.deepEqual(errors, [], "the manifest parses without a complaint");
    await until("the chat and the chat list as they are now kept in IndexedDB", async () => /"last_text":"hi from bob"/.test(await keptHistory(a.page)));

    await server.stop();
    const banner = (page) => page.locator("[data-banner]").filter({ hasText: "Offline" });
    const opensOffline = async (page, what) => {
      await row(page, SHOWN_BOB).filter({ hasText: "hi from bob" }).waitFor();   // the last message in the list
      await banner(page).waitFor();
      if (!(await bubble(page, "hi from bob").count())) await row(page, SHOWN_BOB).click();
      await bubble(page, "hello from alice").waitFor();
      await bubble(page, "hi from bob").waitFor();
      assert.equal(await page.locator("li.bubble").count(), 2, `${what}: the whole history, once`);
    };
    await a.page.reload();
    await opensOffline(a.page, "a reload");
    await shoot(a.page, "offline-app-shell");
    await accessible(a.page, "the app opened offline");
    await a.page.evaluate(() => { document.documentElement.dataset.theme = "dark"; });
    await accessible(a.page, "the app opened offline, dark theme");

    const fresh = await a.context.newPage();
    await fresh.goto(server.url + "/");
    await opensOffline(fresh, "a fresh page at /");
    const linked = await a.context.newPage();
    await linked.goto(`${server.url}/chat/${chat}`);
    await opensOffline(linked, `a fresh page at /chat/${chat}`);

    await type(linked, "typed while offline", "pending");
    await server.start();
    await until("the queued message sent", async () => (await linked.locator("li.bubble:not(.pending)").filter({ hasText: "typed while offline" })
      .locator("[data-tick='sent'], [data-tick='delivered'], [data-tick='read']").count()) === 1);
    await banner(linked).waitFor({ state: "detached" });
    assert.deepEqual(await serverHistory(server, bob.token, chat), ["hello from alice", "hi from bob", "typed while offline"], "sent once, in order");
  },

  /**
   * A message that came while another chat was open is kept unread; a new page opened at its
   * chat's address shows it from IndexedDB (nothing new to read) before the connection is up,
   * and the read still reaches the server: Bob's chat list says Alice read it.
   */
  async a_chat_opened_from_its_address_before_the_connection_is_up_is_read_for_the_sender({ server, browser }) {
    await server.adminUsers([CAROL]);
    const { a, bob, chat } = await aliceWritesToBob(browser, server, "hello bob");
    await startChat(a.page, CAROL);                      // Bob's chat is no longer open
    await type(a.page, "hello carol");
    const [unread] = await rawSend(a.page, server, bob.token, [{ type: "send", id: "b-1", chat, text: "read me later" }]);
    await row(a.page, SHOWN_BOB).filter({ hasText: "read me later" }).waitFor();
    await until("the message kept in IndexedDB", async () => /"read me later"/.test(await keptHistory(a.page)));
    await a.page.close();

    const p = await a.context.newPage();
    await p.goto(`${server.url}/chat/${chat}`);
    await bubble(p, "read me later").waitFor();
    await until("Bob's chat list says Alice read it", () => peerReadReaches(server, bob.token, chat, unread.seq));
  },

  /**
   * On a slow network the page does not wait for the server's chat list: a link to a chat opens
   * it from the list and the history this browser saved, with no "Offline" banner (the server is
   * merely slow). Once the list comes, what Bob wrote meanwhile shows, and Bob learns that Alice
   * read it (her read went out once the connection was up).
   */
  async slow_network_opens_the_saved_chat_before_the_server_answers_and_then_reads_what_is_new({ server, browser }) {
    const { a, bob, chat } = await aliceWritesToBob(browser, server, "hello from alice");
    await rawSend(a.page, server, bob.token, [{ type: "send", id: "b-1", chat, text: "kept reply" }]);
    await bubble(a.page, "kept reply").waitFor();
    await until("the chat list kept in IndexedDB", async () => /"last_text":"kept reply"/.test(await keptHistory(a.page)));
    await a.page.close();

    const helper = await browser.newPage();
    await helper.goto(server.url + "/favicon.svg");
    const [, late] = await rawSend(helper, server, bob.token, [
      { type: "send", id: "b-2", chat, text: "while away 1" }, { type: "send", id: "b-3", chat, text: "while away 2" }]);

    // A new page at the chat's address whose request for the chat list waits until released.
    const p = await a.context.newPage();
    let release;
    const held = new Promise((r) => { release = r; });
    await p.route(/\/v1\/chats(\?|$)/, async (route) => { await held; await route.continue(); });
    await p.goto(`${server.url}/chat/${chat}`);
    await bubble(p, "kept reply").waitFor();
    await row(p, SHOWN_BOB).waitFor();
    assert.equal(await bubble(p, "while away 1").count(), 0, "what is new is not there before the server answers");
    // The client connects once the server's list is in: until then the banner says so, not "Offline".
    await p.locator("[data-banner]").filter({ hasText: "Connecting…" }).waitFor();
    assert.equal(await p.locator("[data-banner]").filter({ hasText: "Offline" }).count(), 0, "slow is not offline");
    assert.equal(await bubble(p, "kept reply").count(), 1);

    release();
    await bubble(p, "while away 2").waitFor();
    assert.equal(await p.locator("li.bubble").count(), 4, "each message once");
    await until("Bob's chat list says Alice read what came while she was away", () => peerReadReaches(server, bob.token, chat, late.seq));
  },

  /**
   * A chat kept in IndexedDB opens from it before the server answers; then one request reads
   * the messages that came while the page was closed (limit = the new ones + 1, no `before`),
   * and older messages come from IndexedDB as the user scrolls up. A message deleted for
   * everyone leaves the kept copy (only its tombstone stays).
   */
  async opening_a_chat_shows_the_kept_history_at_once_and_reads_only_what_is_new({ server, browser }) {
    const { a, bob, chat } = await aliceWritesToBob(browser, server, "first");
    await fillers(a.page, server, bob.token, chat, 80);
    await bubble(a.page, "filler 80").waitFor();
    const [secret] = await rawSend(a.page, server, bob.token, [{ type: "send", id: "secret", chat, text: "secret words" }]);
    await bubble(a.page, "secret words").waitFor();
    await rawSend(a.page, server, bob.token, [{ type: "delete", id: "del", chat, seq: secret.seq, for: "everyone" }]);
    await a.page.locator("li.bubble").filter({ hasText: "This message was deleted" }).waitFor();
    await until("the chat kept in IndexedDB, without the deleted text", async () => {
      const kept = await keptHistory(a.page);
      return kept.includes('"filler 80"') && !kept.includes("secret words");
    });
    await a.page.close();

    // Bob writes while Alice's browser has no page open.
    const helper = await browser.newPage();
    await helper.goto(server.url + "/favicon.svg");
    await fillers(helper, server, bob.token, chat, 3, "new");

    // A new page whose WebSocket is held back (so only HTTP brings what is new), and whose history requests wait.
    const p = await a.context.newPage();
    await p.routeWebSocket(/\/v1\/ws$/, () => {});
    const asked = [];
    p.on("request", (r) => { if (HISTORY_REQUEST.test(r.url())) asked.push(new URL(r.url()).searchParams); });
    let release;
    const held = new Promise((r) => { release = r; });
    await p.route(HISTORY_REQUEST, async (route) => { await held; await route.continue(); });
    await p.goto(server.url + "/");
    await row(p, SHOWN_BOB).click();
    await bubble(p, "filler 80").waitFor();
    assert.equal(await bubble(p, "new 1").count(), 0, "what is new is not there before the server answers");
    await until("the one history request", () => asked.length === 1);
    release();
    await bubble(p, "new 3").waitFor();
    assert.deepEqual(asked.map((q) => [q.get("limit"), q.get("before")]), [["4", null]], "one request: the 3 new messages and one to join them");

    await until("earlier messages from IndexedDB on scroll", async () => {
      await p.locator(".messages").evaluate((el) => { el.scrollTop = 0; el.dispatchEvent(new Event("scroll")); });
      return (await bubble(p, "first").count()) === 1;
    });
    assert.equal(asked.length, 1, "earlier messages came from IndexedDB, not the server");
    assert.equal(await p.locator("li.bubble").count(), 85);
    assert.equal(await p.getByText("secret words").count(), 0);
    await p.locator("li.bubble").filter({ hasText: "This message was deleted" }).waitFor();
  },
};
