// The end-to-end scenarios. Each gets a fresh parleyd and Chromium; ctest runs each as
// web_<name>. They wait on what the page shows (no fixed sleeps).

import assert from "node:assert/strict";
import { accessible, shoot, signIn, until, userPage } from "./harness.mjs";
import { startChat } from "./actions_helpers.mjs";
import { avatarScenarios } from "./avatars.mjs";
import { mediaScenarios } from "./media.mjs";
import { findingScenarios } from "./finding.mjs";
import { messageScenarios } from "./messages.mjs";
import { peopleScenarios } from "./people.mjs";
import { chatSettingsScenarios } from "./chat_settings.mjs";
import { notificationScenarios } from "./notifications.mjs";
import { navigationScenarios } from "./navigation.mjs";
import { lookScenarios } from "./look.mjs";
import { safetyScenarios } from "./safety.mjs";
import { writingScenarios } from "./writing.mjs";
import { offlineScenarios } from "./offline.mjs";
import { groupStateScenarios } from "./group_state.mjs";
import { firstPaintScenarios } from "./first_paint.mjs";

const ALICE = "+14155550101";
const BOB = "+14155550102";
const CAROL = "+14155550103";
const SHOWN = { [ALICE]: "+1 415 555 0101", [BOB]: "+1 415 555 0102", [CAROL]: "+1 415 555 0103" };

const lastMine = (page) => page.locator("li.bubble.mine:not(.pending)").last();
const tickOf = (bubble) => bubble.locator("[data-tick]");
const status = (page) => page.locator("[data-status]");

async function tickIs(page, bubble, want) {
  await until(`tick "${want}"`, async () => (await tickOf(bubble).getAttribute("data-tick")) === want);
}


async function say(page, text) {
  const box = page.getByLabel("Message", { exact: true });
  await box.fill(text);
  await box.press("Enter");
}

async function openChat(page, name) {
  await page.locator(".chat-list").getByRole("button", { name: new RegExp("^" + name.replace(/[+]/g, "\\+")) }).click();
  await page.getByLabel("Message", { exact: true }).or(page.locator(".read-only")).waitFor();
}

async function newGroup(page, name, members) {
  await page.getByRole("button", { name: "New group" }).click();
  await page.getByLabel("Group name").fill(name);
  await page.getByLabel("Members (phone numbers, separated by commas)").fill(members);
  await page.getByRole("button", { name: "Create group" }).click();
  await page.locator(".chat-head h2").filter({ hasText: name }).waitFor();
}

/** A row of the chat list's "Group invitations". */
function invitation(page, group) {
  return page.locator("[data-invitation]").filter({ hasText: `invited you to ${group}` });
}

function bubble(page, text) {
  return page.locator("li.bubble").filter({ has: page.locator(".text").getByText(text, { exact: true }) });
}

/** The messages of a chat as the server has them, read with a token (HTTP history). */
async function history(server, token, chat) {
  const res = await fetch(`${server.url}/v1/chats/${chat}/messages?limit=200`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200);
  return (await res.json()).messages;
}

async function tokenOf(page) {
  return page.evaluate(() => JSON.parse(localStorage.getItem("parley.session")).token);
}

export const scenarios = {
  /** Two users sign in, start a chat, exchange messages; ticks, typing and online on the other side. */
  async two_users_chat_with_live_ticks_typing_and_online({ server, browser }) {
    const a = await userPage(browser, server);
    await a.page.getByLabel("Country").waitFor();
    assert.equal(await a.page.getByLabel("Country").inputValue(), "US", "country defaults from the browser locale");
    await shoot(a.page, "sign-in");
    await signIn(a.page, server, ALICE);
    const b = await userPage(browser, server);
    await signIn(b.page, server, BOB);
    await b.page.close();                       // Bob's device is signed in but not connected

    await startChat(a.page, BOB);
    await say(a.page, "hello bob");
    const first = lastMine(a.page);
    await first.filter({ hasText: "hello bob" }).waitFor();
    await tickIs(a.page, first, "sent");

    const bob = await b.context.newPage();      // Bob comes back: the message is delivered
    await bob.goto(server.url + "/");
    await tickIs(a.page, first, "delivered");
    await bob.locator(".chat-list").getByRole("button", { name: `${SHOWN[ALICE]}, 1 unread` }).waitFor();
    await openChat(bob, SHOWN[ALICE]);
    await bubble(bob, "hello bob").waitFor();
    await tickIs(a.page, first, "read");         // Bob opened the chat: read

    await until("Bob online in Alice's header", async () => (await status(a.page).textContent()) === "online");
    await bob.getByLabel("Message", { exact: true }).pressSequentially("hi al");
    await until("typing in Alice's header", async () => (await status(a.page).textContent()) === "typing…");
    await bob.getByLabel("Message", { exact: true }).press("Shift+Enter");
    await bob.getByLabel("Message", { exact: true }).pressSequentially("second line");
    await bob.getByLabel("Message", { exact: true }).press("Enter");
    const reply = a.page.locator("li.bubble").filter({ hasText: "second line" });
    await reply.waitFor();
    assert.equal(await reply.locator(".text").textContent(), "hi al\nsecond line", "Shift+Enter is a new line");
    await until("typing to end when the message arrives", async () => (await status(a.page).textContent()) === "online");
    await tickIs(bob, lastMine(bob), "read");    // Alice has the chat open
    assert.equal(await a.page.locator("li.day").first().textContent(), "Today");
    await shoot(a.page, "chat");

    // The chat list: preview of the last message, no unread for the open chat, sorted by activity.
    const row = a.page.locator(".chat-list .chat-row").first();
    assert.match(await row.textContent(), /second line/);
    await bob.close();
    await until("Bob's last seen", async () => /^last seen today at/.test((await status(a.page).textContent()) ?? ""), 30_000);
  },

  /** A reload keeps the session and the history; earlier messages load on scroll. */
  async reload_keeps_the_session_and_the_history({ server, browser }) {
    const [bobUser] = await server.adminUsers([BOB]);
    const a = await userPage(browser, server);
    await signIn(a.page, server, ALICE);
    await startChat(a.page, BOB);
    await say(a.page, "before reload");
    await tickIs(a.page, lastMine(a.page), "sent");
    // Bob sends 60 messages from a raw WebSocket (the protocol, not the app).
    await a.page.evaluate(async ({ url, token }) => {
      const ws = new WebSocket(url);
      await new Promise((resolve, reject) => {
        let acks = 0;
        ws.onopen = () => ws.send(JSON.stringify({ type: "auth", token }));
        ws.onerror = reject;
        ws.onmessage = (ev) => {
          const f = JSON.parse(ev.data);
          if (f.type === "hello") for (let i = 1; i <= 60; i++) ws.send(JSON.stringify({ type: "send", id: "bulk-" + i, chat: 1, text: `bulk ${i}` }));
          if (f.type === "ack" && ++acks === 60) resolve();
          if (f.type === "error") reject(new Error(f.message));
        };
      });
      ws.close();
    }, { url: server.url.replace("http", "ws") + "/v1/ws", token: bobUser.token });
    await bubble(a.page, "bulk 60").waitFor();

    await a.page.reload();
    await a.page.getByRole("button", { name: "New chat" }).waitFor();
    assert.equal(await a.page.getByLabel("Phone number").count(), 0, "still signed in after reload");
    await openChat(a.page, SHOWN[BOB]);
    await bubble(a.page, "bulk 60").waitFor();
    assert.equal(await bubble(a.page, "before reload").count(), 0, "only the newest page is loaded first");
    await until("earlier messages on scroll", async () => {
      await a.page.locator(".messages").evaluate((el) => { el.scrollTop = 0; el.dispatchEvent(new Event("scroll")); });
      return (await bubble(a.page, "before reload").count()) === 1;
    });
    assert.equal(await a.page.locator("li.bubble").count(), 61);
  },

  /** Messages typed while the server is down show as pending and go out when it is back, even after the page was closed. */
  async message_typed_while_the_server_is_down_is_sent_when_it_returns({ server, browser }) {
    const [bobUser] = await server.adminUsers([BOB]);
    const a = await userPage(browser, server);
    await signIn(a.page, server, ALICE);
    await startChat(a.page, BOB);
    await say(a.page, "while up");
    await tickIs(a.page, lastMine(a.page), "sent");

    await server.stop();
    await a.page.locator("[data-banner]").waitFor();
    await say(a.page, "typed while down");
    const pending = a.page.locator("li.bubble.pending").filter({ hasText: "typed while down" });
    await tickIs(a.page, pending, "pending");
    await shoot(a.page, "offline");
    await server.start();
    await a.page.locator("[data-banner]").waitFor({ state: "detached" });
    await pending.waitFor({ state: "detached" });
    await tickIs(a.page, lastMine(a.page).filter({ hasText: "typed while down" }), "sent");

    // Typed while down, then the page is closed: the IndexedDB queue sends it next time.
    await server.stop();
    await a.page.locator("[data-banner]").waitFor();
    await say(a.page, "typed then closed");
    await until("the queued message in IndexedDB", () => a.page.evaluate(async () => {
      const device = JSON.parse(localStorage.getItem("parley.session")).device;
      const db = await new Promise((r) => { const o = indexedDB.open(`parley-outbox-${device}`); o.onsuccess = () => r(o.result); });
      const all = await new Promise((r) => { const q = db.transaction("pending").objectStore("pending").getAll(); q.onsuccess = () => r(q.result); });
      db.close();
      return all.some((p) => p.frame.text === "typed then closed");
    }));
    await a.page.close();
    await server.start();
    const again = await a.context.newPage();
    await again.goto(server.url + "/");
    await openChat(again, SHOWN[BOB]);
    await tickIs(again, lastMine(again).filter({ hasText: "typed then closed" }), "sent");
    const texts = (await history(server, bobUser.token, 1)).map((m) => m.text).reverse();
    assert.deepEqual(texts, ["while up", "typed while down", "typed then closed"], "each message exactly once, in order");
  },

  /** Three users in a group: everyone sees everyone's messages and the system message. */
  async group_of_three_exchanges_messages({ server, browser }) {
    const users = [];
    for (const phone of [ALICE, BOB, CAROL]) {
      const u = await userPage(browser, server);
      await signIn(u.page, server, phone);
      users.push(u.page);
    }
    const [a, b, c] = users;
    await a.getByRole("button", { name: "New group" }).click();
    await a.getByLabel("Group name").fill("Weekend trip");
    await a.getByLabel("Members (phone numbers, separated by commas)").fill(`${BOB}, ${CAROL}`);
    await a.getByRole("button", { name: "Create group" }).click();
    await a.locator(".chat-head h2").filter({ hasText: "Weekend trip" }).waitFor();
    await a.locator("li.system").filter({ hasText: "You created the group “Weekend trip”" }).waitFor();
    await say(a, "hi all");
    for (const [page, text] of [[b, "hello from bob"], [c, "hello from carol"]]) {
      await openChat(page, "Weekend trip");
      await bubble(page, "hi all").waitFor();
      await say(page, text);
    }
    for (const page of users)
      for (const text of ["hi all", "hello from bob", "hello from carol"]) await bubble(page, text).waitFor();
    // Sender names on others' messages; member names in the header.
    assert.equal(await bubble(a, "hello from bob").locator(".sender").textContent(), SHOWN[BOB]);
    await until("members in the header", async () => (await status(a).textContent()) === `You, ${SHOWN[BOB]}, ${SHOWN[CAROL]}`);
    await tickIs(a, bubble(a, "hi all"), "read");   // read by everyone
    await b.getByLabel("Message", { exact: true }).pressSequentially("typing");
    await until("who is typing", async () => (await status(a).textContent()) === `${SHOWN[BOB]} is typing…`);
    await a.getByRole("button", { name: "Group info" }).click();
    await a.getByRole("complementary", { name: "Group info" }).getByText("you are an admin").waitFor();
    await shoot(a, "group");
    // Admin action: Carol is removed and can no longer send.
    await a.locator(`[data-member] >> text=${SHOWN[CAROL]}`).waitFor();
    await a.locator("li[data-member]").filter({ hasText: SHOWN[CAROL] }).getByRole("button", { name: "Remove" }).click();
    await a.getByRole("alertdialog").getByRole("button", { name: "Remove", exact: true }).click();   // it asks first
    await a.locator("li.system").filter({ hasText: `You removed ${SHOWN[CAROL]}` }).waitFor();
    await c.locator("li.system").filter({ hasText: `${SHOWN[ALICE]} removed you` }).waitFor();
    // Read-only from then on, as in WhatsApp (group_state.mjs has the rest).
    await c.getByRole("note").filter({ hasText: "You can't send messages to this group because you're no longer a member." }).waitFor();
    assert.equal(await c.getByLabel("Message", { exact: true }).count(), 0, "no message box once removed");
    // Rename and promote from the info panel: every member's view follows.
    await a.getByLabel("Name", { exact: true }).fill("Long weekend");
    await a.getByRole("button", { name: "Rename" }).click();
    await b.locator(".chat-head h2").filter({ hasText: "Long weekend" }).waitFor();
    await b.locator("li.system").filter({ hasText: `${SHOWN[ALICE]} renamed the chat to “Long weekend”` }).waitFor();
    await a.locator("li[data-member]").filter({ hasText: SHOWN[BOB] }).getByRole("button", { name: "Make admin" }).click();
    await b.locator("li.system").filter({ hasText: `${SHOWN[ALICE]} made you admin` }).waitFor();
  },

  /**
   * Bob lets nobody add him to groups: Alice's new group invites him instead. He accepts on one
   * device (the row leaves his other one too) and they talk in the group. A second invite, read
   * over HTTP by a page that was closed when it came, is declined.
   */
  async group_invites_are_accepted_or_declined({ server, browser }) {
    const a = await userPage(browser, server);
    await signIn(a.page, server, ALICE);
    const b = await userPage(browser, server, { bypassCSP: true });   // to inject axe-core
    await signIn(b.page, server, BOB);
    const b2 = await userPage(browser, server);                       // Bob's second device
    await signIn(b2.page, server, BOB);

    const groupAdd = (page) => page.getByRole("complementary", { name: "Settings" }).getByRole("group", { name: "Who can add me to groups" });
    await b.page.getByRole("button", { name: "Settings" }).click();
    await until("the setting loaded", () => groupAdd(b.page).getByLabel("Everyone").isChecked());
    await groupAdd(b.page).getByLabel("Nobody").check();
    await b2.page.getByRole("button", { name: "Settings" }).click();
    await until("the setting on Bob's other device", () => groupAdd(b2.page).getByLabel("Nobody").isChecked());
    await b2.page.getByRole("button", { name: "Close settings" }).click();

    await newGroup(a.page, "Hikers", BOB);
    await a.page.locator("[data-invited]").filter({ hasText: `Invited ${SHOWN[BOB]}: they join when they accept.` }).waitFor();
    assert.equal(await a.page.getByRole("alert").count(), 0, "an invite is not an error");
    await shoot(a.page, "group-invited");
    await b.page.getByRole("region", { name: "Group invitations" }).waitFor();
    await invitation(b.page, "Hikers").getByText(/^Invitation expires .+ at /).waitFor();
    await invitation(b2.page, "Hikers").waitFor();
    await accessible(b.page, "group invitations and the settings");
    await shoot(b.page, "invitations");
    await b.page.getByRole("button", { name: "Close settings" }).click();

    await invitation(b.page, "Hikers").getByRole("button", { name: "Accept the invitation to Hikers" }).click();
    await b.page.locator(".chat-head h2").filter({ hasText: "Hikers" }).waitFor();
    await b.page.locator("li.system").filter({ hasText: /added you$/ }).waitFor();
    await a.page.locator("li.system").filter({ hasText: `You added ${SHOWN[BOB]}` }).waitFor();
    await invitation(b.page, "Hikers").waitFor({ state: "detached" });
    await invitation(b2.page, "Hikers").waitFor({ state: "detached" });   // accepted on the other device
    await say(b.page, "glad to join");
    await bubble(a.page, "glad to join").waitFor();
    await say(a.page, "welcome bob");
    await bubble(b.page, "welcome bob").waitFor();

    await b2.page.close();                      // Bob's second device is away when the next invite comes
    await newGroup(a.page, "Climbers", BOB);
    await a.page.locator("[data-invited]").filter({ hasText: `Invited ${SHOWN[BOB]}` }).waitFor();
    await invitation(b.page, "Climbers").waitFor();
    const later = await b2.context.newPage();
    await later.goto(server.url + "/");
    await invitation(later, "Climbers").waitFor();                        // read with GET /v1/invites
    await invitation(b.page, "Climbers").getByRole("button", { name: "Decline the invitation to Climbers" }).click();
    await invitation(b.page, "Climbers").waitFor({ state: "detached" });
    await invitation(later, "Climbers").waitFor({ state: "detached" });   // declined on the other device
    assert.equal(await b.page.getByRole("region", { name: "Group invitations" }).count(), 0);
    const res = await fetch(`${server.url}/v1/chats`, { headers: { Authorization: `Bearer ${await tokenOf(b.page)}` } });
    const groups = (await res.json()).chats.filter((c) => c.kind === "group").map((c) => c.name);
    assert.deepEqual(groups, ["Hikers"], "Bob declined Climbers");
    await openChat(later, "Hikers");
    await bubble(later, "welcome bob").waitFor();
  },

  /** Signing out revokes the device: the old token no longer connects. */
  async sign_out_revokes_the_device({ server, browser }) {
    const a = await userPage(browser, server);
    await signIn(a.page, server, ALICE);
    const token = await tokenOf(a.page);
    await a.page.getByRole("button", { name: "Settings" }).click();
    const settings = a.page.getByRole("complementary", { name: "Settings" });
    await settings.getByText("This device", { exact: true }).waitFor();
    const lastSeen = settings.getByRole("group", { name: "Who can see my last seen and online" });
    await lastSeen.getByLabel("Everyone").waitFor();
    await until("privacy loaded", () => lastSeen.getByLabel("Everyone").isChecked());
    await lastSeen.getByLabel("Nobody").check();
    await until("privacy saved", () => lastSeen.getByLabel("Nobody").isChecked());
    await shoot(a.page, "settings");
    await settings.getByRole("button", { name: "Sign out of this browser" }).click();
    await a.page.getByRole("alertdialog").getByRole("button", { name: "Sign out", exact: true }).click();   // it asks first
    await a.page.getByLabel("Phone number").waitFor();
    assert.equal(await a.page.evaluate(() => localStorage.getItem("parley.session")), null);

    const me = await fetch(`${server.url}/v1/me`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(me.status, 401, "the old token is refused over HTTP");
    const code = await a.page.evaluate(({ url, token }) => new Promise((resolve) => {
      const ws = new WebSocket(url);
      ws.onopen = () => ws.send(JSON.stringify({ type: "auth", token }));
      ws.onclose = (ev) => resolve(ev.code);
    }), { url: server.url.replace("http", "ws") + "/v1/ws", token });
    assert.equal(code, 4001, "the old token is refused over WebSocket");
  },

  /**
   * Rooms: a new room is private by default. A member on a phone-sized screen cannot join it by
   * its id (the dialog says why and keeps what was typed, as for a wrong code), joins with the
   * invite code, reads, sees no input and the view counts. A public room is joined by its number.
   */
  async room_member_on_a_phone_reads_posts_and_view_counts({ server, browser }) {
    const a = await userPage(browser, server, { bypassCSP: true });   // to inject axe-core
    await signIn(a.page, server, ALICE);
    await a.page.getByRole("button", { name: "Rooms" }).click();
    await a.page.getByLabel("Or create a room named").fill("Announcements");
    const access = a.page.getByRole("dialog", { name: "Rooms" }).getByRole("group", { name: "Who can join" });
    assert.ok(await access.getByLabel("Private (invite code only)").isChecked(), "a new room is private by default");
    assert.ok(!(await access.getByLabel("Public (anyone can find it by its number)").isChecked()));
    await access.getByText("People join with the invite code you share from Room info.", { exact: false }).waitFor();
    await accessible(a.page, "the rooms dialog");
    await shoot(a.page, "rooms-dialog");
    await a.page.getByRole("button", { name: "Create room" }).click();
    await a.page.locator(".chat-head h2").filter({ hasText: "Announcements" }).waitFor();
    await a.page.getByRole("button", { name: "Room info" }).click();
    const info = a.page.getByRole("complementary", { name: "Room info" });
    await info.getByText("Private room", { exact: true }).waitFor();
    const invite = await info.locator("[data-invite]").textContent();
    assert.match(invite ?? "", /^[0-9A-Za-z]{16}$/);
    assert.equal(await info.locator("[data-room-id]").count(), 0, "a private room's number is not offered for sharing");
    await a.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
    await info.getByRole("button", { name: "Copy code" }).click();
    await info.getByRole("status").filter({ hasText: "Copied" }).waitFor();
    assert.equal(await a.page.evaluate(() => navigator.clipboard.readText()), invite, "the invite code is copied");
    await accessible(a.page, "room info");
    await shoot(a.page, "room-info");
    await say(a.page, "before you joined");
    const token = await tokenOf(a.page);
    const list = await (await fetch(`${server.url}/v1/chats`, { headers: { Authorization: `Bearer ${token}` } })).json();
    const privateId = list.chats.find((c) => c.name === "Announcements").chat;

    const b = await userPage(browser, server, { width: 390, height: 780 });
    await signIn(b.page, server, BOB);
    await b.page.getByRole("button", { name: "Rooms" }).click();
    const rooms = b.page.getByRole("dialog", { name: "Rooms" });
    const target = rooms.getByLabel("Join a room: its number or invite code");
    for (const [typed, says] of [
      [String(privateId), "No such room, or it is private: ask for an invite code."],
      ["WrongCode1234567", "This invite code does not work: check it, or ask for a new one."],
    ]) {
      await target.fill(typed);
      await rooms.getByRole("button", { name: "Join room" }).click();
      await rooms.getByRole("alert").filter({ hasText: says }).waitFor();
      assert.equal(await target.inputValue(), typed, "the dialog stays open and keeps what was typed");
      assert.equal(await target.getAttribute("aria-invalid"), "true");
    }
    await shoot(b.page, "phone-room-refused");
    await target.fill(invite);
    await rooms.getByRole("button", { name: "Join room" }).click();
    await b.page.locator(".chat-head h2").filter({ hasText: "Announcements" }).waitFor();
    // Bob's join is committed before his app opens the room (it waits for `done`).
    await say(a.page, "welcome to the room");
    await bubble(b.page, "welcome to the room").waitFor();
    assert.equal(await bubble(b.page, "before you joined").count(), 0, "a room member sees posts from their join on");
    assert.equal(await b.page.getByLabel("Message", { exact: true }).count(), 0, "no input where only admins post");
    await b.page.getByText("Only admins can send messages in this room.").waitFor();
    await until("a view count of 2 (Alice and Bob read it)", async () => {
      const v = bubble(a.page, "welcome to the room").locator("[data-views]");
      return (await v.count()) && (await v.getAttribute("data-views")) === "2";
    }, 20_000);
    await shoot(b.page, "phone-room");
    await b.page.getByRole("button", { name: "Room info" }).click();
    const bInfo = b.page.getByRole("complementary", { name: "Room info" });
    await bInfo.getByText("Private room", { exact: true }).waitFor();
    assert.equal(await bInfo.locator("[data-invite]").count(), 0, "only admins see the invite code");
    await bInfo.getByRole("button", { name: "Close info" }).click();
    await b.page.getByRole("button", { name: "Back to chats" }).click();
    await b.page.locator(".chat-list").waitFor();
    await shoot(b.page, "phone-chat-list");

    // A public room: anyone joins it by its number.
    await a.page.getByRole("button", { name: "Rooms" }).click();
    await a.page.getByLabel("Or create a room named").fill("Town square");
    await a.page.getByLabel("Public (anyone can find it by its number)").check();
    await a.page.getByText("Anyone who knows the room's number can join.", { exact: false }).waitFor();
    await a.page.getByRole("button", { name: "Create room" }).click();
    await a.page.locator(".chat-head h2").filter({ hasText: "Town square" }).waitFor();
    await info.getByText("Public room", { exact: true }).waitFor();
    const publicId = await info.locator("[data-room-id]").textContent();
    assert.match(publicId ?? "", /^\d+$/);
    assert.notEqual(Number(publicId), privateId);
    await info.locator("[data-invite]").waitFor();   // an admin of a public room has its code too
    await b.page.getByRole("button", { name: "Rooms" }).click();
    await target.fill(publicId);
    await rooms.getByRole("button", { name: "Join room" }).click();
    await b.page.locator(".chat-head h2").filter({ hasText: "Town square" }).waitFor();
    await say(a.page, "hello square");
    await bubble(b.page, "hello square").waitFor();
  },

  /** The main screens pass axe-core's WCAG A/AA checks; a chat can be started and used from the keyboard alone. */
  async main_screens_are_accessible_and_work_from_the_keyboard({ server, browser }) {
    await server.adminUsers([BOB]);
    const de = await userPage(browser, server, { locale: "de-DE" });
    assert.equal(await de.page.getByLabel("Country").inputValue(), "DE", "the picker follows the browser locale");
    await de.context.close();

    const a = await userPage(browser, server, { bypassCSP: true });   // to inject axe-core
    await accessible(a.page, "sign-in");
    await signIn(a.page, server, ALICE, "(415) 555-0101");             // national format, country US
    await accessible(a.page, "the chat list");

    const page = a.page;
    await page.getByRole("button", { name: "New chat" }).focus();
    await page.keyboard.press("Enter");
    await until("focus in the dialog's phone field", () => page.evaluate(() => document.activeElement?.id === "new-chat-phone"));
    await page.keyboard.type(BOB);
    await page.keyboard.press("Enter");
    await until("focus in the message box", () => page.evaluate(() => document.activeElement?.id === "composer-text"));
    await page.keyboard.type("typed from the keyboard");
    await page.keyboard.press("Enter");
    await tickIs(page, bubble(page, "typed from the keyboard"), "sent");
    await accessible(page, "a chat");

    await page.getByRole("button", { name: "New group" }).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("dialog", { name: "New group" }).waitFor();
    await accessible(page, "the new group dialog");
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "detached" });
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "New group", "focus returns to the opener");

    await page.getByRole("button", { name: "New group" }).click();
    await page.getByLabel("Group name").fill("Accessible");
    await page.getByLabel("Members (phone numbers, separated by commas)").fill(BOB);
    await page.getByRole("button", { name: "Create group" }).click();
    await page.locator(".chat-head h2").filter({ hasText: "Accessible" }).waitFor();
    await page.getByRole("button", { name: "Group info" }).click();
    await page.getByRole("complementary", { name: "Group info" }).getByText("you are an admin").waitFor();
    await accessible(page, "group info");
    await page.getByRole("button", { name: "Close info" }).click();

    await page.getByRole("button", { name: "Settings" }).click();
    await page.getByRole("complementary", { name: "Settings" }).getByText("This device", { exact: true }).waitFor();
    await accessible(page, "settings");
  },

  ...mediaScenarios,
  ...avatarScenarios,
  ...messageScenarios,
  ...findingScenarios,
  ...peopleScenarios,
  ...chatSettingsScenarios,
  ...notificationScenarios,
  ...navigationScenarios,
  ...lookScenarios,
  ...safetyScenarios,
  ...writingScenarios,
  ...offlineScenarios,
  ...groupStateScenarios,
  ...firstPaintScenarios,
};
