// The end-to-end scenarios of what the server tells the page about groups and devices (issue
// 19), merged into scenarios.mjs: group ticks that survive a reload, a group I was removed from
// kept read-only (and nothing after the removal), "Message info" with times, and two devices
// of the same browser told apart.

import assert from "node:assert/strict";
import { accessible, shoot, signIn, until, userPage } from "./harness.mjs";
import { CAROL, SHOWN_CAROL, bubble, choose, openChatId, rawSend, row, say, startChat } from "./actions_helpers.mjs";
import { ALICE, BOB, SHOWN_ALICE, SHOWN_BOB, box } from "./media.mjs";

const FORMER = "You can't send messages to this group because you're no longer a member.";
const header = (page) => page.locator(".chat-head h2");
const status = (page) => page.locator("[data-status]");
const tickOf = (bubble) => bubble.locator("[data-tick]").first();

/**
 * Sends frames that get no answer of their own (`read`, `delivered`) over a raw WebSocket as the
 * device with `token`, then a `ping`: its `pong` says the server has handled them.
 */
async function rawFrames(page, server, token, frames) {
  await page.evaluate(async ({ url, token, frames }) => {
    const ws = new WebSocket(url);
    await new Promise((resolve, reject) => {
      ws.onopen = () => ws.send(JSON.stringify({ type: "auth", token }));
      ws.onerror = () => reject(new Error("raw socket failed"));
      ws.onmessage = (ev) => {
        const f = JSON.parse(ev.data);
        if (f.type === "hello") {
          for (const frame of frames) ws.send(JSON.stringify(frame));
          ws.send(JSON.stringify({ type: "ping" }));
        } else if (f.type === "pong") resolve();
        else if (f.type === "error" && !f.id) reject(new Error(`refused: ${f.code} ${f.message}`));
      };
    });
    ws.close();
  }, { url: server.url.replace("http", "ws") + "/v1/ws", token, frames });
}

/** One request (`create`, `change`, `send`) as the device with `token`; resolves with its answer. */
async function request(page, server, token, frame) {
  const [answer] = await rawSend(page, server, token, [frame]);
  assert.ok(answer && answer.type !== "error", `${frame.type} was refused: ${JSON.stringify(answer)}`);
  return answer;
}

async function newGroup(page, name, members) {
  await page.getByRole("button", { name: "New group" }).click();
  await page.getByLabel("Group name").fill(name);
  await page.getByLabel("Members (phone numbers, separated by commas)").fill(members);
  await page.getByRole("button", { name: "Create group" }).click();
  await header(page).filter({ hasText: name }).waitFor();
}

async function signedIn(browser, server, phone, options = {}) {
  const u = await userPage(browser, server, options);
  await signIn(u.page, server, phone);
  return u;
}

export const groupStateScenarios = {
  /**
   * Alice's group message is read by Bob and Carol (raw devices): blue ✓✓ live, and still blue
   * after a reload, when only GET /v1/chats can say so (no receipt comes again).
   */
  async group_ticks_stay_read_after_reload({ server, browser }) {
    const [bob, carol] = await server.adminUsers([BOB, CAROL]);
    const a = await signedIn(browser, server, ALICE);
    await newGroup(a.page, "Ticks", `${BOB}, ${CAROL}`);
    const chat = await openChatId(a.page);
    await say(a.page, "read by all");
    await say(a.page, "delivered to all");
    // Bob and Carol read the first message; their devices have both.
    const first = Number(await bubble(a.page, "read by all").getAttribute("data-seq"));
    for (const u of [bob, carol])
      await rawFrames(a.page, server, u.token, [{ type: "delivered", chat, seq: first + 1 }, { type: "read", chat, seq: first }]);
    await until("blue ticks live", async () => (await tickOf(bubble(a.page, "read by all")).getAttribute("data-tick")) === "read");
    await until("delivered live", async () => (await tickOf(bubble(a.page, "delivered to all")).getAttribute("data-tick")) === "delivered");
    // Reloaded with the WebSocket held back: only GET /v1/chats can tell (no receipt comes again).
    await a.page.routeWebSocket(/\/v1\/ws$/, () => {});
    await a.page.reload();
    await row(a.page, "Ticks").click();
    await bubble(a.page, "read by all").waitFor();
    assert.equal(await tickOf(bubble(a.page, "read by all")).getAttribute("data-tick"), "read", "read by all after a reload");
    assert.equal(await tickOf(bubble(a.page, "delivered to all")).getAttribute("data-tick"), "delivered", "delivered to all after a reload");
    // The chat list's tick of the last message says the same.
    const listTick = row(a.page, "Ticks").locator("[data-tick]");
    if (await listTick.count()) assert.equal(await listTick.first().getAttribute("data-tick"), "delivered");
  },

  /**
   * Bob is removed from Alice's group: the chat stays, read-only with WhatsApp's sentence, the
   * header no longer lists him, a message he had sent on its way is refused once (not twice);
   * after a reload the group and its history up to the removal are still there. He learns
   * nothing after it: not the new name, not later messages.
   */
  async removed_member_keeps_a_read_only_group_and_learns_nothing_after({ server, browser }) {
    const [alice, bobUser, carol] = await server.adminUsers([ALICE, BOB, CAROL]);
    const raw = await (await browser.newContext()).newPage();   // Alice's requests, on sockets of their own
    const b = await userPage(browser, server, { bypassCSP: true });   // for axe-core
    // Bob's sends can be held back on their way (the page thinks they went), to race a removal.
    let hold = false;
    const held = [];
    await b.page.routeWebSocket(/\/v1\/ws$/, (ws) => {
      const upstream = ws.connectToServer();
      ws.onMessage((m) => {
        if (hold && typeof m === "string" && JSON.parse(m).type === "send") held.push(m);
        else upstream.send(m);
      });
      upstream.onMessage((m) => ws.send(m));
      b.release = () => { hold = false; for (const m of held.splice(0)) upstream.send(m); };
    });
    await signIn(b.page, server, BOB);
    const created = await request(raw, server, alice.token,
      { type: "create", id: "g-1", kind: "group", name: "Book club", members: [bobUser.user, carol.user] });
    const chat = created.chat;
    await request(raw, server, alice.token, { type: "send", id: "g-2", chat, text: "before the removal" });
    await row(b.page, "Book club").click();
    await bubble(b.page, "before the removal").waitFor();
    await until("members in the header", async () => (await status(b.page).textContent()).includes("You"));

    hold = true;
    await box(b.page).fill("am I still in?");
    await box(b.page).press("Enter");
    await b.page.locator("li.bubble.pending").filter({ hasText: "am I still in?" }).waitFor();
    await request(raw, server, alice.token, { type: "change", id: "g-3", chat, op: "remove", users: [bobUser.user] });
    await b.page.locator("li.system").filter({ hasText: `${SHOWN_ALICE} removed you` }).waitFor();
    await b.page.getByRole("note").filter({ hasText: FORMER }).waitFor();
    assert.equal(await box(b.page).count(), 0, "no message box once removed");
    assert.equal(await b.page.getByRole("button", { name: "Group info" }).count(), 0, "no group info once removed");
    assert.ok(!(await status(b.page).textContent()).includes("You"), "the header no longer lists me");
    b.release();
    const refused = b.page.locator("li.bubble.failed").filter({ hasText: "am I still in?" });
    await refused.waitFor();
    const reason = (await refused.locator(".error-inline").textContent()).trim();
    assert.ok(reason, "the refusal says why");
    const page = await b.page.evaluate(() => document.body.innerText);
    assert.equal(page.split(reason).length - 1, 1, `"${reason}" is shown once`);
    await accessible(b.page, "a group I was removed from");
    await shoot(b.page, "group-removed");

    // What happens after the removal is not Bob's to know.
    await request(raw, server, alice.token, { type: "change", id: "g-4", chat, op: "rename", name: "Secret club" });
    await request(raw, server, alice.token, { type: "send", id: "g-5", chat, text: "after the removal" });
    const later = await fetch(`${server.url}/v1/chats?former=1`, { headers: { Authorization: `Bearer ${bobUser.token}` } });
    const entry = (await later.json()).chats.find((c) => c.chat === chat);
    assert.deepEqual({ name: entry.name, member: entry.member, ended: entry.ended }, { name: "Book club", member: false, ended: "removed" });
    assert.ok(!("member_count" in entry) && !("all_read" in entry) && !("avatar" in entry), "no state of the group now");

    await b.page.reload();
    await row(b.page, "Book club").click();
    await bubble(b.page, "before the removal").waitFor();
    await b.page.getByRole("note").filter({ hasText: FORMER }).waitFor();
    assert.equal(await box(b.page).count(), 0, "still no message box after a reload");
    assert.equal(await header(b.page).textContent(), "Book club", "the name as it was");
    assert.equal(await bubble(b.page, "after the removal").count(), 0, "nothing sent after the removal");
    assert.equal(await b.page.locator(".chat-list").getByText("Secret club").count(), 0);
    assert.ok(!(await status(b.page).textContent()).includes("You"));
  },

  /**
   * Message info on Alice's group message: Bob read it, Carol only received it; each under
   * its heading with the time. In a one-to-one chat: read and delivered times. axe-core checks
   * the dialog in both themes.
   */
  async message_info_shows_who_read_and_who_received_with_times({ server, browser }) {
    const [bob, carol] = await server.adminUsers([BOB, CAROL]);
    const a = await signedIn(browser, server, ALICE, { bypassCSP: true });
    await newGroup(a.page, "Info", `${BOB}, ${CAROL}`);
    const chat = await openChatId(a.page);
    await say(a.page, "who saw this?");
    const seq = Number(await bubble(a.page, "who saw this?").getAttribute("data-seq"));
    await rawFrames(a.page, server, bob.token, [{ type: "read", chat, seq }]);
    await rawFrames(a.page, server, carol.token, [{ type: "delivered", chat, seq }]);
    await until("delivered to all", async () => (await tickOf(bubble(a.page, "who saw this?")).getAttribute("data-tick")) === "delivered");

    await choose(a.page, bubble(a.page, "who saw this?"), "Message info");
    const dialog = a.page.getByRole("dialog", { name: "Message info" });
    const read = dialog.locator("[data-info-section='read']");
    const delivered = dialog.locator("[data-info-section='delivered']");
    await read.locator("[data-info-user]").filter({ hasText: SHOWN_BOB }).waitFor();
    await delivered.locator("[data-info-user]").filter({ hasText: SHOWN_CAROL }).waitFor();
    assert.equal(await read.locator("[data-info-user]").count(), 1, "only Bob read it");
    assert.equal(await delivered.locator("[data-info-user]").count(), 1, "only Carol is delivered-only");
    for (const [section, field] of [[read, "read"], [delivered, "delivered"]]) {
      const time = section.locator(`[data-info-time='${field}']`);
      assert.match(await time.textContent(), /^Today at /, `a ${field} time`);
      assert.ok(await time.getAttribute("datetime"), "a machine-readable time");
    }
    await accessible(a.page, "message info");
    await a.page.evaluate(() => { document.documentElement.dataset.theme = "dark"; });
    await accessible(a.page, "message info, dark");
    await a.page.evaluate(() => { delete document.documentElement.dataset.theme; });
    await shoot(a.page, "message-info");
    await dialog.getByRole("button", { name: "Close" }).click();

    // One-to-one: delivered and read, each with its time.
    await startChat(a.page, BOB);
    await say(a.page, "just us");
    const direct = await openChatId(a.page);
    const dseq = Number(await bubble(a.page, "just us").getAttribute("data-seq"));
    await rawFrames(a.page, server, bob.token, [{ type: "delivered", chat: direct, seq: dseq }]);
    await rawFrames(a.page, server, bob.token, [{ type: "read", chat: direct, seq: dseq }]);
    await until("read", async () => (await tickOf(bubble(a.page, "just us")).getAttribute("data-tick")) === "read");
    await choose(a.page, bubble(a.page, "just us"), "Message info");
    const info = a.page.getByRole("dialog", { name: "Message info" }).locator("[data-info-direct]");
    await until("both times", async () =>
      /^Today at /.test(await info.locator("[data-info-time='read']").textContent()) &&
      /^Today at /.test(await info.locator("[data-info-time='delivered']").textContent()));
  },

  /**
   * Alice signs in twice in the same browser: the server names the second device "<name> (2)",
   * and Settings marks the device in use as "This device".
   */
  async devices_with_the_same_name_are_told_apart({ server, browser }) {
    const first = await signedIn(browser, server, ALICE);
    const second = await signedIn(browser, server, ALICE);
    await second.page.getByRole("button", { name: "Settings" }).click();
    const devices = second.page.locator(".devices li[data-device]");
    await until("both devices listed", async () => (await devices.count()) === 2);
    const names = await devices.locator("strong").allTextContents();
    assert.equal(new Set(names).size, 2, `two names: ${names.join(" / ")}`);
    assert.equal(names[1], `${names[0]} (2)`, "the second is numbered");
    const mine = devices.filter({ has: second.page.locator("[data-this-device]") });
    assert.equal(await mine.count(), 1, "one device is marked");
    assert.equal((await mine.locator("strong").textContent()), names[1], "this device is the second");
    assert.equal((await mine.locator("[data-this-device]").textContent()).trim(), "This device");
    await first.page.getByRole("button", { name: "Settings" }).click();
    const own = first.page.locator(".devices li[data-device]").filter({ has: first.page.locator("[data-this-device]") });
    await own.waitFor();
    assert.equal(await own.locator("strong").textContent(), names[0]);
  },
};
