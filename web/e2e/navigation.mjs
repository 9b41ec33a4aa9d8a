// The end-to-end scenarios of getting around and reading (merged into scenarios.mjs): the
// address follows the open chat and Back steps back through the app on a phone; deep links; the
// unread line and "jump to latest"; my own message coming into view; the keyboard shortcuts and
// Escape. Others write from raw sockets (server.adminUsers tokens).

import assert from "node:assert/strict";
import { accessible, shoot, signIn, until, userPage } from "./harness.mjs";
import { ALICE, BOB, CAROL, SHOWN_ALICE, SHOWN_BOB, SHOWN_CAROL, box, bubble, choose, fillers, inView, rawSend, row, say } from "./actions_helpers.mjs";

const PHONE = { width: 390, height: 844 };

/** The page's address without its origin: "/chat/3". */
const where = (page) => { const u = new URL(page.url()); return u.pathname + u.search; };
const me = (page) => page.evaluate(() => JSON.parse(localStorage.getItem("parley.session")).user);
const tokenOf = (page) => page.evaluate(() => JSON.parse(localStorage.getItem("parley.session")).token);
const header = (page) => page.locator(".chat-head h2");
const log = (page) => page.getByRole("log", { name: "Messages" });
const jumpButton = (page) => page.locator("[data-jump-latest]");
const focused = (page) => page.evaluate(() => {
  const el = document.activeElement;
  return el?.getAttribute("aria-label") || el?.id || el?.textContent?.trim() || el?.tagName;
});

let sent = 0;
/** One message from the user with `token` to user `to` (a new chat if they have none); its ack. */
async function send(page, server, token, to, text) {
  const [ack] = await rawSend(page, server, token, [{ type: "send", id: `nav-${++sent}`, to, text }]);
  assert.equal(ack.type, "ack", `sent: ${JSON.stringify(ack)}`);
  return ack;
}

/** Runs axe-core on the page in the light theme and then the dark one. */
async function accessibleInBothThemes(page, screen) {
  await accessible(page, screen);
  await page.evaluate(() => { document.documentElement.dataset.theme = "dark"; });
  await accessible(page, `${screen} (dark)`);
  await page.evaluate(() => { document.documentElement.dataset.theme = "light"; });
}

/** Presses `keys` and waits for the side panel `name` to close with Escape, focus back on `opener`. */
async function escapeCloses(page, panel, opener) {
  await panel.waitFor();
  await page.keyboard.press("Escape");
  await panel.waitFor({ state: "detached" });
  await until(`focus back on ${opener}`, async () => (await focused(page)) === opener);
}

export const navigationScenarios = {
  /**
   * On a 390×844 screen: opening a chat puts it in the address (/chat/N) and Back brings the
   * list back, still in the app; Back closes a panel and a dialog too, and the in-app back arrow
   * does not grow the history. A reload at /chat/N keeps the chat open; a new tab at /chat/N,
   * the older notification address /?chat=N and a link opened before signing in open it; a chat
   * that is not mine falls back to the list with a note.
   */
  async phone_back_returns_to_the_chat_list_and_deep_links_open_a_chat({ server, browser }) {
    const [alice, carol] = await server.adminUsers([ALICE, CAROL]);
    const b = await userPage(browser, server, PHONE);
    const page = b.page;
    await signIn(page, server, BOB);
    const { chat } = await send(page, server, alice.token, await me(page), "hi from alice");
    const { chat: notMine } = await send(page, server, alice.token, carol.user, "hi carol");

    const aliceRow = row(page, SHOWN_ALICE);
    await aliceRow.click();
    await bubble(page, "hi from alice").waitFor();
    assert.equal(where(page), `/chat/${chat}`, "the address follows the open chat");
    assert.equal(await aliceRow.isVisible(), false, "one column: the chat covers the list");
    const length = await page.evaluate(() => history.length);
    await page.goBack();
    await aliceRow.waitFor();
    assert.equal(where(page), "/", "Back shows the list, in the app");
    assert.equal(await bubble(page, "hi from alice").count(), 0, "the chat is closed");
    await page.goForward();
    await bubble(page, "hi from alice").waitFor();
    await page.getByRole("button", { name: "Back to chats" }).click();
    await aliceRow.waitFor();
    await aliceRow.click();
    await page.getByRole("button", { name: "Back to chats" }).click();
    await aliceRow.waitFor();
    assert.equal(await page.evaluate(() => history.length), length, "the back arrow goes back in history, it does not add to it");

    // Back closes a panel over the list, a panel over the chat, and a dialog.
    await page.getByRole("button", { name: "Settings" }).click();
    const settings = page.getByRole("complementary", { name: "Settings" });
    await settings.waitFor();
    await page.goBack();
    await settings.waitFor({ state: "detached" });
    await aliceRow.waitFor();
    await aliceRow.click();
    await page.getByRole("button", { name: "Search in chat" }).click();
    const search = page.getByRole("complementary", { name: "Search in chat" });
    await search.waitFor();
    await page.goBack();
    await search.waitFor({ state: "detached" });
    await box(page).waitFor();
    assert.equal(where(page), `/chat/${chat}`, "the chat stays open under the panel");
    await page.goBack();
    await aliceRow.waitFor();
    await page.getByRole("button", { name: "New chat" }).click();
    await page.getByRole("dialog", { name: "New chat" }).waitFor();
    await page.goBack();
    await page.getByRole("dialog").waitFor({ state: "detached" });
    await aliceRow.waitFor();

    // A reload keeps the chat open; Back from it still shows the list.
    await aliceRow.click();
    await bubble(page, "hi from alice").waitFor();
    await page.reload();
    await bubble(page, "hi from alice").waitFor();
    assert.equal(await header(page).textContent(), SHOWN_ALICE);
    assert.equal(where(page), `/chat/${chat}`);
    await shoot(page, "phone-deep-link");
    await page.goBack();
    await aliceRow.waitFor();

    // A new tab at the chat's address opens it, with the list under it for Back; so does a notification's older address.
    const tab = await b.context.newPage();
    await tab.goto(`${server.url}/chat/${chat}`);
    await bubble(tab, "hi from alice").waitFor();
    await tab.goBack();
    await row(tab, SHOWN_ALICE).waitFor();
    assert.equal(where(tab), "/");
    await tab.goto(`${server.url}/?chat=${chat}`);
    await bubble(tab, "hi from alice").waitFor();
    assert.equal(where(tab), `/chat/${chat}`, "/?chat=N becomes /chat/N");
    // A chat that is not mine, and one that does not exist: the list, with a note.
    for (const other of [notMine, 999999]) {
      await tab.goto(`${server.url}/chat/${other}`);
      await tab.getByRole("alert").filter({ hasText: "That chat isn't available" }).waitFor();
      await row(tab, SHOWN_ALICE).waitFor();
      assert.equal(where(tab), "/");
      assert.equal(await bubble(tab, "hi carol").count(), 0);
    }

    // A link opened while signed out opens the chat after signing in (on a wide screen here).
    const fresh = await userPage(browser, server);
    await fresh.page.goto(`${server.url}/chat/${chat}`);
    await signIn(fresh.page, server, BOB);
    await bubble(fresh.page, "hi from alice").waitFor();
    assert.equal(where(fresh.page), `/chat/${chat}`);
  },

  /**
   * 60 messages arrive while Bob is at the chat list: opening the chat shows "60 unread
   * messages" above the first of them, in view, rather than the end (axe-core checks it in both
   * themes). Scrolled up, three more come: they stay below, and the "jump to latest" button says
   * 3; it goes to the end. At the end, a new message keeps the view there, with no button. A
   * reload keeps the place where the chat was scrolled to.
   */
  async unread_divider_and_jump_to_latest({ server, browser }) {
    const [alice] = await server.adminUsers([ALICE]);
    const b = await userPage(browser, server, { bypassCSP: true });   // axe-core is injected
    const page = b.page;
    await signIn(page, server, BOB);
    const { chat } = await send(page, server, alice.token, await me(page), "before you left");
    await row(page, SHOWN_ALICE).click();
    await bubble(page, "before you left").waitFor();
    await page.goto(`${server.url}/`);   // away, at the list
    await row(page, SHOWN_ALICE).waitFor();
    await fillers(page, server, alice.token, chat, 60);
    await row(page, `${SHOWN_ALICE}, 60 unread`).waitFor();

    await row(page, SHOWN_ALICE).click();
    const line = page.locator("[data-unread-line]");
    await line.waitFor();
    assert.equal(await line.textContent(), "60 unread messages");
    await until("the unread line and the first unread message in view", async () => await inView(line) && await inView(bubble(page, "filler 1")));
    assert.equal(await inView(bubble(page, "filler 60")), false, "opened at the first unread message, not at the end");
    const [lineBox, firstBox] = [await line.boundingBox(), await bubble(page, "filler 1").boundingBox()];
    assert.ok(lineBox.y < firstBox.y, "the line is above the first unread message");
    await accessibleInBothThemes(page, "a chat with the unread line");
    await shoot(page, "unread-line");

    await log(page).evaluate((el) => { el.closest(".messages").scrollTop = 300; });
    await fillers(page, server, alice.token, chat, 3, "new");
    await bubble(page, "new 3").waitFor();
    const jump = page.getByRole("button", { name: "Jump to latest message, 3 new" });
    await jump.waitFor();
    assert.equal(await jump.locator(".jump-count").textContent(), "3");
    assert.equal(await inView(bubble(page, "new 3")), false, "scrolled up, the new messages stay below");
    await shoot(page, "jump-to-latest");
    await jump.click();
    await until("the newest message in view", () => inView(bubble(page, "new 3")));
    await jumpButton(page).waitFor({ state: "detached" });
    await send(page, server, alice.token, await me(page), "while at the end");
    await until("a new message at the end stays in view", () => inView(bubble(page, "while at the end")));
    assert.equal(await jumpButton(page).count(), 0);

    // A reload keeps the place: scrolled back to "filler 20", the chat opens there again (all
    // read on the server first, or the page would rightly open at an unread line instead).
    await until("all read on the server", async () => {
      const res = await fetch(`${server.url}/v1/chats`, { headers: { Authorization: `Bearer ${await tokenOf(page)}` } });
      const c = (await res.json()).chats.find((x) => x.chat === chat);
      return c && c.read === c.last_seq;
    });
    await bubble(page, "filler 20").evaluate((el) => el.scrollIntoView({ block: "start" }));
    await until("scrolled back", async () => !(await inView(bubble(page, "while at the end"))));
    await page.reload();
    await bubble(page, "filler 20").waitFor();
    await until("back at filler 20 after the reload", () => inView(bubble(page, "filler 20")));
    assert.equal(await inView(bubble(page, "while at the end")), false, "not at the end");
  },

  /**
   * Scrolled up in a long chat, what Bob sends (a message, then a reply chosen from an old
   * message's menu) brings the view to the end, where it shows.
   */
  async own_message_scrolls_into_view_when_scrolled_up({ server, browser }) {
    const [alice] = await server.adminUsers([ALICE]);
    const b = await userPage(browser, server);
    const page = b.page;
    await signIn(page, server, BOB);
    const { chat } = await send(page, server, alice.token, await me(page), "hello bob");
    await row(page, SHOWN_ALICE).click();
    await bubble(page, "hello bob").waitFor();
    await fillers(page, server, alice.token, chat, 60);
    await until("the newest message in view", () => inView(bubble(page, "filler 60")));

    const scrollUp = () => log(page).evaluate((el) => { el.closest(".messages").scrollTop = 200; });
    await scrollUp();
    await until("scrolled up", async () => !(await inView(bubble(page, "filler 60"))));
    await say(page, "my own message");
    await until("my message in view", () => inView(bubble(page, "my own message")));

    await scrollUp();
    await until("scrolled up again", async () => !(await inView(bubble(page, "my own message"))));
    await choose(page, bubble(page, "filler 10"), "Reply");
    await box(page).fill("a reply to ten");
    await box(page).press("Enter");
    const reply = bubble(page, "a reply to ten").and(page.locator(":not(.pending)"));   // acknowledged
    await reply.waitFor();
    await until("my reply in view", () => inView(reply));
  },

  /**
   * WhatsApp Web's shortcuts: new chat and new group, the shortcuts list (Ctrl+/, and from
   * Settings; axe-core in both themes), search, next and previous chat, mark as read (a chat row
   * in focus, without opening it), archive, pin, mute, settings, search in chat. Escape closes
   * every panel (settings, contacts, starred, group info, search in chat), the dialogs and the
   * menus, and focus returns to what opened them. The message list is one Tab stop: the arrow
   * keys move between messages and Enter or Shift+F10 opens a message's actions.
   */
  async keyboard_shortcuts_and_escape_close_panels({ server, browser }) {
    const [bob, carol] = await server.adminUsers([BOB, CAROL]);
    const a = await userPage(browser, server, { bypassCSP: true });
    const page = a.page;
    await signIn(page, server, ALICE);
    const alice = await me(page);
    await send(page, server, bob.token, alice, "from bob");
    const { chat: carolChat } = await send(page, server, carol.token, alice, "from carol");
    await row(page, SHOWN_CAROL).waitFor();
    await row(page, SHOWN_BOB).waitFor();

    for (const [keys, name] of [["Control+Alt+KeyN", "New chat"], ["Control+Alt+Shift+KeyN", "New group"], ["Control+Slash", "Keyboard shortcuts"]]) {
      await page.keyboard.press(keys);
      const dialog = page.getByRole("dialog", { name });
      await dialog.waitFor();
      if (name === "Keyboard shortcuts") {
        await dialog.getByRole("rowheader", { name: "Next chat" }).waitFor();
        await accessibleInBothThemes(page, "the keyboard shortcuts");
        await shoot(page, "shortcuts");
      }
      await page.keyboard.press("Escape");
      await dialog.waitFor({ state: "detached" });
    }
    for (const keys of ["Control+KeyK", "Control+Alt+Slash"]) {
      await page.locator("body").focus();
      await page.keyboard.press(keys);
      await until(`${keys} focuses the search box`, async () => (await focused(page)) === "Search chats and messages");
    }

    // Next and previous chat, in the list's order (Carol's, the newest, first).
    await page.keyboard.press("Control+Alt+Shift+BracketRight");
    await header(page).filter({ hasText: SHOWN_CAROL }).waitFor();
    await page.keyboard.press("Control+Alt+Shift+BracketRight");
    await header(page).filter({ hasText: SHOWN_BOB }).waitFor();
    await page.keyboard.press("Control+Alt+Shift+BracketLeft");
    await header(page).filter({ hasText: SHOWN_CAROL }).waitFor();
    await page.keyboard.press("Alt+ArrowDown");
    await header(page).filter({ hasText: SHOWN_BOB }).waitFor();

    // Mark as read: Carol's new message, her row in focus, Bob's chat still open.
    await send(page, server, carol.token, alice, "are you there?");
    await row(page, `${SHOWN_CAROL}, 1 unread`).focus();
    await page.keyboard.press("Control+Alt+Shift+KeyU");
    await until("Carol's chat read", async () => !/unread/.test(await row(page, SHOWN_CAROL).getAttribute("aria-label")));
    assert.equal(await header(page).textContent(), SHOWN_BOB, "marked read without opening it");
    await until("read on the server", async () => {
      const res = await fetch(`${server.url}/v1/chats`, { headers: { Authorization: `Bearer ${await tokenOf(page)}` } });
      const c = (await res.json()).chats.find((x) => x.chat === carolChat);
      return c && c.read === c.last_seq;
    });

    // Archive, pin and mute the open chat, and back.
    await box(page).focus();
    await page.keyboard.press("Control+Alt+KeyE");
    await page.locator(".archived-toggle").filter({ hasText: "Archived (1)" }).waitFor();
    await page.keyboard.press("Control+Alt+KeyE");
    await page.locator(".archived-toggle").waitFor({ state: "detached" });
    await page.keyboard.press("Control+Alt+Shift+KeyP");
    await page.locator(".chat-head [data-pinned]").waitFor();
    await page.keyboard.press("Control+Alt+Shift+KeyP");
    await page.locator(".chat-head [data-pinned]").waitFor({ state: "detached" });
    await page.keyboard.press("Control+Alt+Shift+KeyM");
    await page.locator(".chat-head [data-muted]").waitFor();
    await page.keyboard.press("Control+Alt+Shift+KeyM");
    await page.locator(".chat-head [data-muted]").waitFor({ state: "detached" });

    // Escape closes each panel; focus goes back to its button.
    await page.keyboard.press("Control+Alt+Comma");
    const settings = page.getByRole("complementary", { name: "Settings" });
    await settings.waitFor();
    await settings.getByRole("button", { name: "Keyboard shortcuts" }).click();
    await page.getByRole("dialog", { name: "Keyboard shortcuts" }).waitFor();
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "detached" });
    assert.equal(await focused(page), "Keyboard shortcuts", "focus back on the button in Settings");
    await escapeCloses(page, settings, "Settings");
    for (const [button, panel] of [["Contacts", "Contacts"], ["Starred messages", "Starred messages"]]) {
      await page.getByRole("button", { name: button, exact: true }).click();
      await escapeCloses(page, page.getByRole("complementary", { name: panel }), button);
    }
    await page.keyboard.press("Control+Alt+Shift+KeyF");
    const inChat = page.getByRole("complementary", { name: "Search in chat" });
    await inChat.waitFor();
    await until("focus in the chat's search box", async () => (await focused(page)) === "Search messages in this chat");
    await page.keyboard.press("Escape");
    await inChat.waitFor({ state: "detached" });
    await page.getByRole("button", { name: "Chat menu" }).click();
    await page.getByRole("menu", { name: "Chat menu" }).waitFor();
    await page.keyboard.press("Escape");
    await page.getByRole("menu").waitFor({ state: "detached" });
    assert.equal(await focused(page), "Chat menu");
    await page.getByRole("button", { name: "Rooms" }).click();
    await page.getByRole("dialog", { name: "Rooms" }).waitFor();
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "detached" });
    await page.keyboard.press("Control+Alt+Shift+KeyN");
    await page.getByLabel("Group name").fill("Keys");
    await page.getByLabel("Members (phone numbers, separated by commas)").fill(BOB);
    await page.getByRole("button", { name: "Create group" }).click();
    await header(page).filter({ hasText: "Keys" }).waitFor();
    await page.getByRole("button", { name: "Group info" }).click();
    await escapeCloses(page, page.getByRole("complementary", { name: "Group info" }), "Group info");

    // The message list from the keyboard (once Bob's chat is the one open: Preact renders the
    // switch after the click's task, and what is typed before it goes to the group's box).
    await row(page, SHOWN_BOB).click();
    await header(page).filter({ hasText: SHOWN_BOB }).waitFor();
    await say(page, "one");
    await say(page, "two");
    await log(page).focus();
    const focusedText = () => page.evaluate(() => document.activeElement?.querySelector(".text")?.textContent);
    await page.keyboard.press("ArrowUp");
    await until("the last message in focus", async () => (await focusedText()) === "two");
    await page.keyboard.press("ArrowUp");
    await until("the one before", async () => (await focusedText()) === "one");
    await page.keyboard.press("ArrowDown");
    await until("back to the last", async () => (await focusedText()) === "two");
    for (const keys of ["Enter", "Shift+F10"]) {
      await page.keyboard.press(keys);
      const menu = bubble(page, "two").getByRole("menu", { name: "Message actions" });
      await menu.waitFor();
      await until("focus on the menu's first item", () => page.evaluate(() => !!document.activeElement?.closest("[role=menu]")));
      await page.keyboard.press("Escape");
      await menu.waitFor({ state: "detached" });
      assert.equal(await focused(page), "Message actions", "focus back on the message's ⌄");
      await log(page).focus();
      await page.keyboard.press("ArrowUp");
      await until("the last message in focus again", async () => (await focusedText()) === "two");
    }
  },
};
