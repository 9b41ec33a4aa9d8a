// End-to-end scenarios of safety and words (issue 19): times in the locale's own format, typed
// numbers checked before the server is asked, the server's refusals in friendly words (never
// its raw text), "Resend code" with a countdown, confirmations before removing a member,
// leaving and signing out, and a room's invite code and link to copy, the link opening the
// Rooms dialog with its code. Merged into scenarios.mjs.

import assert from "node:assert/strict";
import { accessible, shoot, signIn, until, userPage } from "./harness.mjs";
import { bubble, rawSend, row } from "./actions_helpers.mjs";

const ALICE = "+14155550101";
const BOB = "+14155550102";
const CAROL = "+14155550103";
const DAVE = "+14155550104";
const SHOWN_BOB = "+1 415 555 0102";
const SHOWN_CAROL = "+1 415 555 0103";

/**
 * A browser signed in as `user` (from server.adminUsers) without the sign-in screen: its
 * session is put in localStorage before the page's first load (and only then, so a sign-out
 * stays signed out).
 */
async function signedIn(browser, server, user, { locale = "en-US", timezoneId = "UTC", bypassCSP = false } = {}) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 760 }, locale, timezoneId, bypassCSP });
  context.setDefaultTimeout(15_000);
  const session = JSON.stringify({ token: user.token, user: user.user, device: user.device, phone: user.phone, position: 0 });
  await context.addInitScript((s) => {
    if (!sessionStorage.getItem("e2e.seeded")) {
      sessionStorage.setItem("e2e.seeded", "1");
      localStorage.setItem("parley.session", s);
    }
  }, session);
  const page = await context.newPage();
  page.on("pageerror", (e) => console.error(`[page error] ${e.message}`));
  await page.goto(server.url + "/");
  await page.getByRole("button", { name: "New chat" }).waitFor();
  return { context, page };
}

/** An IANA zone (Etc/GMT±N) in which the local hour is `hour` now. */
function zoneWhereItIs(hour) {
  let d = (((hour - new Date().getUTCHours()) % 24) + 24) % 24;
  if (d > 14) d -= 24;   // the Etc zones run from UTC-12 to UTC+14
  return d === 0 ? "Etc/GMT" : `Etc/GMT${d > 0 ? "-" : "+"}${Math.abs(d)}`;   // Etc signs are inverted
}

/** The text of the alert inside `scope`, once there is one. */
async function alertIn(scope, what) {
  const alert = scope.getByRole("alert");
  await alert.first().waitFor();
  const text = (await alert.first().textContent())?.trim() ?? "";
  assert.ok(text, `an alert for ${what}`);
  return text;
}

/** Waits until the alert in `scope` matches `re`; returns its text (the failure says what the alerts said). */
async function alertMatches(scope, re, what) {
  let seen = [];
  try {
    return await until(`${what}: an alert matching ${re}`, async () => {
      seen = (await scope.getByRole("alert").allTextContents()).map((t) => t.trim());
      return seen.find((t) => re.test(t));
    });
  } catch (e) {
    throw new Error(`${e.message}; the alerts said ${JSON.stringify(seen)}`);
  }
}

const confirmDialog = (page) => page.getByRole("alertdialog");

/** Runs axe-core on the page in the light theme, then the dark one (H2's theme switch), and back. */
async function accessibleInBothThemes(page, screen) {
  await accessible(page, `${screen} (light)`);
  await page.evaluate(() => { document.documentElement.dataset.theme = "dark"; });
  try {
    await accessible(page, `${screen} (dark)`);
  } finally {
    await page.evaluate(() => { document.documentElement.dataset.theme = "light"; });
  }
}

export const safetyScenarios = {
  /**
   * Times are written as the locale writes them (Intl.DateTimeFormat, hour "numeric"): "5:12 AM"
   * in the US, without the leading zero of "05:12 AM"; 24-hour "17:12" in Germany. Checked in a
   * message's bubble and in the chat list, in time zones where it is 5 in the morning and 5 in
   * the afternoon now, and again after a reload (written from the kept template, not Intl).
   */
  async times_are_written_the_locale_way_without_a_leading_zero({ server, browser }) {
    const [alice, bob, alice2] = await server.adminUsers([ALICE, BOB, ALICE]);
    const us = await signedIn(browser, server, alice, { locale: "en-US", timezoneId: zoneWhereItIs(5) });
    const de = await signedIn(browser, server, alice2, { locale: "de-DE", timezoneId: zoneWhereItIs(17) });
    const answers = await rawSend(us.page, server, bob.token, [{ type: "send", id: "time-1", to: alice.user, text: "What time is it?" }]);
    assert.equal(answers[0]?.type, "ack");
    for (const [{ page }, re, what] of [
      [us, /^[1-9]:\d\d\s(AM|PM)$/u, "a US time without a leading zero"],   // "5:12 AM" (before: "05:12 AM")
      [de, /^1[78]:\d\d$/, "a German 24-hour time"],                          // "17:12"
    ]) {
      const listed = row(page, SHOWN_BOB);
      await listed.waitFor();
      const listTime = (await listed.locator(".chat-time").textContent())?.trim() ?? "";
      assert.match(listTime, re, `the chat list shows ${what}, not "${listTime}"`);
      await listed.click();
      const time = (await bubble(page, "What time is it?").locator("time").textContent())?.trim() ?? "";
      assert.match(time, re, `the bubble shows ${what}, not "${time}"`);
      // The next page writes them from the template this one kept (date_formats.ts), without
      // building a formatter for its first paint: the same words.
      await until("the time formats kept", () => page.evaluate(() => !!JSON.parse(localStorage.getItem("parley.dateFormats") ?? "null")?.formats?.clock));
      await page.reload();
      const again = (await bubble(page, "What time is it?").locator("time").textContent())?.trim() ?? "";
      assert.equal(again, time, `after a reload the bubble still shows ${what}`);
      assert.equal((await row(page, SHOWN_BOB).locator(".chat-time").textContent())?.trim(), listTime, "and so does the chat list");
    }
  },

  /**
   * A number that is not one ("abc", "12") is refused as "not a valid phone number" before the
   * server is asked (no lookup goes out), in New chat, New group and Add contact; a valid
   * number not on parley is still "not on parley yet"; a number typed without its country code
   * is read in my own country.
   */
  async invalid_numbers_are_refused_before_asking_the_server({ server, browser }) {
    const [alice] = await server.adminUsers([ALICE, BOB]);
    const { page } = await signedIn(browser, server, alice);
    const lookups = [];
    page.on("request", (r) => {   // a lookup, or a contact saved
      if (r.url().includes("/v1/contacts/lookup") || (r.method() === "PUT" && r.url().endsWith("/v1/contacts"))) lookups.push(r.url());
    });

    await page.getByRole("button", { name: "New chat" }).click();
    const newChat = page.getByRole("dialog", { name: "New chat" });
    await newChat.getByLabel("Phone number (with country code)").fill("abc");
    await newChat.getByRole("button", { name: "Start chat" }).click();
    assert.equal(await alertIn(newChat, "abc"), '"abc" is not a valid phone number. Include the country code, like +14155550102.');
    assert.deepEqual(lookups, [], "nothing was asked of the server");
    await newChat.getByLabel("Phone number (with country code)").fill("+14155550199");
    await newChat.getByRole("button", { name: "Start chat" }).click();
    await alertMatches(newChat, /^\+14155550199 is not on parley yet\.$/, "a valid number nobody has");
    await newChat.getByLabel("Phone number (with country code)").fill("415 555 0102");   // my own country's
    await newChat.getByRole("button", { name: "Start chat" }).click();
    await newChat.waitFor({ state: "detached" });
    await page.locator(".chat-head h2").getByText(SHOWN_BOB, { exact: true }).waitFor();

    lookups.length = 0;
    await page.getByRole("button", { name: "New group" }).click();
    const newGroup = page.getByRole("dialog", { name: "New group" });
    await newGroup.getByLabel("Group name").fill("Hikers");
    await newGroup.getByLabel("Members (phone numbers, separated by commas)").fill("+14155550102, abc, 12");
    await newGroup.getByRole("button", { name: "Create group" }).click();
    assert.equal(await alertIn(newGroup, "abc and 12"),
      'These are not valid phone numbers: "abc", "12". Include the country code, like +14155550102.');
    assert.deepEqual(lookups, [], "nothing was asked of the server");
    await page.keyboard.press("Escape");
    await newGroup.waitFor({ state: "detached" });

    await page.getByRole("button", { name: "Contacts" }).click();
    const contacts = page.getByRole("complementary", { name: "Contacts" });
    await contacts.getByLabel("Phone number (with country code)").fill("12");
    await contacts.getByLabel("Name").fill("Twelve");
    await contacts.getByRole("button", { name: "Add contact" }).click();
    assert.equal(await alertIn(contacts, "12"), '"12" is not a valid phone number. Include the country code, like +14155550102.');
    assert.deepEqual(lookups, [], "nothing was asked of the server");
  },

  /**
   * The server's refusals are told in words, never in its own text: six code requests for a
   * number in an hour read "Too many tries. Try again in 12 minutes."-style (not "too many
   * requests; retry in 705 s"); a sixth try of one code reads "Too many wrong codes. Ask for a
   * new code." (not "too many wrong codes; request a new one").
   */
  async server_refusals_are_told_in_friendly_words({ server, browser }) {
    for (let i = 0; i < 5; i++) {   // auth.codes_per_phone_per_hour (5) from this network
      const res = await fetch(`${server.url}/v1/auth/code`, { method: "POST", body: JSON.stringify({ phone: CAROL }) });
      assert.equal(res.status, 200, `code request ${i + 1}`);
    }
    const { page } = await userPage(browser, server);
    await page.getByLabel("Phone number").fill(CAROL);
    await page.getByRole("button", { name: "Send code" }).click();
    const limited = await alertMatches(page, /^Too many tries\. /, "the sixth code request");
    assert.match(limited, /^Too many tries\. Try again in \d+ (seconds?|minutes?|hours?)( and \d+ minutes?)?\.$/);
    assert.doesNotMatch(limited, /retry in|too many requests/);
    await shoot(page, "sign-in-too-many-tries");

    await page.getByLabel("Phone number").fill(DAVE);
    server.sink.codes.delete(DAVE);
    await page.getByRole("button", { name: "Send code" }).click();
    const right = await server.code(DAVE);
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, "0");
    await page.getByLabel("Code").fill(wrong);
    await page.getByRole("button", { name: "Sign in" }).click();
    await alertMatches(page, /^That code is not right\. Check it and try again\.$/, "a wrong code");
    for (let i = 1; i < 5; i++) {   // auth.code_max_attempts (5) tries of this code in all
      const res = await fetch(`${server.url}/v1/auth/verify`, { method: "POST", body: JSON.stringify({ phone: DAVE, code: wrong }) });
      assert.equal(res.status, 401, `wrong code ${i + 1}`);
    }
    await page.getByLabel("Code").fill(right);
    await page.getByRole("button", { name: "Sign in" }).click();
    await alertMatches(page, /^Too many wrong codes\. Ask for a new code\.$/, "a sixth try of the code");
  },

  /**
   * After a code is sent, "Resend code in 0:30" counts down (the page's clock is Playwright's,
   * paused and moved on by hand, then running for axe-core), then a "Resend code" button sends a new code, which signs in; axe-core
   * checks the sign-in screen with the countdown in both themes.
   */
  async resend_code_counts_down_then_sends_a_new_code({ server, browser }) {
    const { context, page } = await userPage(browser, server, { bypassCSP: true });
    await context.clock.install();
    await page.reload();
    await page.clock.pauseAt(Date.now() + 1000);   // the page's time stands still but for fastForward
    await page.getByLabel("Phone number").fill(ALICE);
    server.sink.codes.delete(ALICE);
    await page.getByRole("button", { name: "Send code" }).click();
    const first = await server.code(ALICE);
    const timer = page.getByRole("timer");
    await timer.filter({ hasText: "Resend code in 0:30" }).waitFor();
    assert.equal(await page.getByRole("button", { name: "Resend code" }).count(), 0, "no button while it counts down");
    await page.clock.runFor(10_100);   // every timer and animation frame on the way (Preact's effects wait for a frame)
    await timer.filter({ hasText: "Resend code in 0:20" }).waitFor();
    await page.clock.resume();   // axe-core needs the page's timers
    await accessibleInBothThemes(page, "the sign-in screen with the resend countdown");
    await shoot(page, "sign-in-resend-countdown");
    await page.clock.fastForward(31_000);
    const resend = page.getByRole("button", { name: "Resend code" });
    await resend.waitFor();
    assert.equal(await timer.count(), 0, "the countdown gave way to the button");
    server.sink.codes.delete(ALICE);
    await resend.click();
    const second = await server.code(ALICE);
    await page.getByRole("status").filter({ hasText: "A new code is on its way." }).waitFor();
    await timer.filter({ hasText: /Resend code in 0:(30|29|28)/ }).waitFor();   // the clock runs again
    assert.equal(await page.evaluate(() => document.activeElement?.id), "code", "focus back in the code field");
    if (second !== first) {   // the first code was replaced by the second
      await page.getByLabel("Code").fill(first);
      await page.getByRole("button", { name: "Sign in" }).click();
      await alertMatches(page, /^That code is not right\./, "the replaced code");
    }
    await page.getByLabel("Code").fill(second);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: "New chat" }).waitFor();
  },

  /**
   * Removing a member, leaving a group and signing out each ask first, in an accessible dialog
   * (alertdialog, axe-core in both themes) that says what will happen, with the focus on
   * Cancel; Escape and Cancel change nothing and give the focus back; confirming does it.
   */
  async remove_member_leave_and_sign_out_ask_first({ server, browser }) {
    await server.adminUsers([BOB, CAROL]);
    const a = await userPage(browser, server, { bypassCSP: true });
    await signIn(a.page, server, ALICE);
    const page = a.page;
    await page.getByRole("button", { name: "New group" }).click();
    await page.getByLabel("Group name").fill("Hikers");
    await page.getByLabel("Members (phone numbers, separated by commas)").fill(`${BOB}, ${CAROL}`);
    await page.getByRole("button", { name: "Create group" }).click();
    await page.locator(".chat-head h2").filter({ hasText: "Hikers" }).waitFor();
    await page.getByRole("button", { name: "Group info" }).click();
    const info = page.getByRole("complementary", { name: "Group info" });
    const carol = info.locator("li[data-member]").filter({ hasText: SHOWN_CAROL });
    const remove = carol.getByRole("button", { name: `Remove ${SHOWN_CAROL}` });

    await remove.click();
    const ask = confirmDialog(page);
    await ask.waitFor();
    await page.getByRole("alertdialog", { name: `Remove ${SHOWN_CAROL}?` }).waitFor();
    await ask.getByText(`${SHOWN_CAROL} will no longer get the messages of Hikers`, { exact: false }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Cancel", "Cancel has the focus");
    await accessibleInBothThemes(page, "the remove-member confirmation");
    await shoot(page, "confirm-remove-member");
    await page.keyboard.press("Escape");
    await ask.waitFor({ state: "detached" });
    await until("focus back on Remove", () => remove.evaluate((el) => el === document.activeElement));
    assert.equal(await carol.count(), 1, "Escape removed no one");
    await remove.click();
    await ask.getByRole("button", { name: "Cancel" }).click();
    await ask.waitFor({ state: "detached" });
    assert.equal(await carol.count(), 1, "Cancel removed no one");
    await remove.click();
    await ask.getByRole("button", { name: "Remove", exact: true }).click();
    await carol.waitFor({ state: "detached" });

    await info.getByRole("button", { name: "Leave group" }).click();
    await page.getByRole("alertdialog", { name: "Leave Hikers?" }).waitFor();
    await page.keyboard.press("Escape");
    await ask.waitFor({ state: "detached" });
    assert.equal(await info.getByRole("button", { name: "Leave group" }).count(), 1, "still in the group");
    await info.getByRole("button", { name: "Close info" }).click();

    await page.getByRole("button", { name: "Settings" }).click();
    const settings = page.getByRole("complementary", { name: "Settings" });
    await settings.getByRole("button", { name: "Sign out of this browser" }).click();
    await page.getByRole("alertdialog", { name: "Sign out of this browser?" }).waitFor();
    await ask.getByText("you will need a new sign-in code", { exact: false }).waitFor();
    await accessibleInBothThemes(page, "the sign-out confirmation");
    await page.keyboard.press("Escape");
    await ask.waitFor({ state: "detached" });
    assert.equal(await page.getByRole("button", { name: "New chat" }).count(), 1, "Escape signed nobody out");
    await settings.getByRole("button", { name: "Sign out of this browser" }).click();
    await ask.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.getByRole("status").filter({ hasText: "You are signed out." }).waitFor();
    await page.getByRole("button", { name: "Send code" }).waitFor();
  },

  /**
   * A private room's admin copies its invite code ("Copy code") and its link ("Copy link",
   * `<origin>/join/<code>`), each confirmed by "Copied"; the link, opened by someone signed in,
   * opens the Rooms dialog with the code in it, and Join room joins; opened signed out, it waits
   * through the sign-in; a link with a bad code keeps the code in the dialog with the refusal.
   */
  async room_invite_link_is_copied_and_opens_the_rooms_dialog({ server, browser }) {
    const [bob] = await server.adminUsers([BOB]);
    const a = await userPage(browser, server, { bypassCSP: true });
    await signIn(a.page, server, ALICE);
    await a.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
    await a.page.getByRole("button", { name: "Rooms" }).click();
    await a.page.getByLabel("Or create a room named").fill("Announcements");
    await a.page.getByRole("button", { name: "Create room" }).click();
    await a.page.locator(".chat-head h2").filter({ hasText: "Announcements" }).waitFor();
    await a.page.getByRole("button", { name: "Room info" }).click();
    const info = a.page.getByRole("complementary", { name: "Room info" });
    const code = (await info.locator("[data-invite]").textContent()) ?? "";
    assert.match(code, /^[0-9A-Za-z]{16}$/);
    const link = `${server.url}/join/${code}`;
    assert.equal(await info.locator("[data-invite-link]").textContent(), link, "the link is shown");
    await info.getByRole("button", { name: "Copy code" }).click();
    await info.getByRole("status").filter({ hasText: "Copied" }).first().waitFor();
    assert.equal(await a.page.evaluate(() => navigator.clipboard.readText()), code, "the code is copied");
    await info.getByRole("button", { name: "Copy link" }).click();
    await until("the link on the clipboard", async () => (await a.page.evaluate(() => navigator.clipboard.readText())) === link);
    await accessibleInBothThemes(a.page, "room info with the invite code and link");
    await shoot(a.page, "room-invite-link");

    // Bob, signed in, opens the link.
    const b = await signedIn(browser, server, bob);
    await b.page.goto(link);
    const rooms = b.page.getByRole("dialog", { name: "Rooms" });
    const target = rooms.getByLabel("Join a room: its number or invite code");
    await target.waitFor();
    assert.equal(await target.inputValue(), code, "the link's code is filled in");
    await rooms.getByText("This code came with the invite link you opened.", { exact: false }).waitFor();
    await rooms.getByRole("button", { name: "Join room" }).click();
    await b.page.locator(".chat-head h2").filter({ hasText: "Announcements" }).waitFor();
    assert.doesNotMatch(new URL(b.page.url()).pathname, /^\/join\//, "the address no longer holds the link");

    // A bad code from a link stays in the dialog with the refusal.
    await b.page.goto(`${server.url}/join/NoSuchCode123`);
    await target.waitFor();
    await rooms.getByRole("button", { name: "Join room" }).click();
    await alertMatches(rooms, /^This invite code does not work/, "a bad code");
    assert.equal(await target.inputValue(), "NoSuchCode123", "the code stays");

    // Someone signed out: the link waits through the sign-in.
    const c = await userPage(browser, server);
    await c.page.goto(link);
    await signIn(c.page, server, CAROL);
    const cRooms = c.page.getByRole("dialog", { name: "Rooms" });
    await cRooms.waitFor();
    assert.equal(await cRooms.getByLabel("Join a room: its number or invite code").inputValue(), code);
    await cRooms.getByRole("button", { name: "Join room" }).click();
    await c.page.locator(".chat-head h2").filter({ hasText: "Announcements" }).waitFor();
  },
};
