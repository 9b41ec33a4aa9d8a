// The end-to-end scenarios of my settings of each chat (docs/protocol.md §4.8: mute, archive,
// pin, synced to all my devices with `chat_state`) and of the unread count in the tab's title,
// merged into scenarios.mjs. Bob and Carol write from raw sockets (server.adminUsers tokens).

import assert from "node:assert/strict";
import { shoot, signIn, until, userPage } from "./harness.mjs";
import { ALICE, BOB, CAROL, SHOWN_BOB, SHOWN_CAROL, bubble, rawSend, row } from "./actions_helpers.mjs";
import { chatMenu } from "./people.mjs";

/** The main list's rows (not the archived ones), top to bottom, by their accessible names. */
const mainRows = (page) => page.locator(".chat-list[aria-label='Chats'] .chat-row").evaluateAll((els) => els.map((e) => e.getAttribute("aria-label")));
const archivedToggle = (page) => page.locator(".archived-toggle");

let sent = 0;
/** One message from the user with `token` to user `to`. */
async function send(page, server, token, to, text) {
  const [answer] = await rawSend(page, server, token, [{ type: "send", id: `e2e-${++sent}`, to, text }]);
  assert.equal(answer.type, "ack", `sent: ${JSON.stringify(answer)}`);
}

async function attribute(locator, name, want, what) {
  await until(what, async () => (await locator.getAttribute(name)) === want);
}

export const chatSettingsScenarios = {
  /**
   * Alice has the app open in two tabs (two devices). On the first she pins Bob's chat, mutes
   * Carol's for 8 hours and archives it; the second follows live: Bob's chat on top with a pin,
   * Carol's with the muted bell under "Archived", where a new message from Carol leaves it. From
   * the second she unarchives, unmutes and unpins, and the first follows.
   */
  async mute_archive_pin_sync_across_tabs({ server, browser }) {
    const a1 = await userPage(browser, server);
    await signIn(a1.page, server, ALICE);
    const a2 = await userPage(browser, server);
    await signIn(a2.page, server, ALICE);
    const [bob, carol, alice] = await server.adminUsers([BOB, CAROL, ALICE]);
    await send(a1.page, server, bob.token, alice.user, "from bob");
    await send(a1.page, server, carol.token, alice.user, "from carol");
    for (const page of [a1.page, a2.page]) await row(page, SHOWN_CAROL).waitFor();
    await until("Carol's chat, the newest, on top", async () => (await mainRows(a2.page))[0]?.startsWith(SHOWN_CAROL));

    await row(a1.page, SHOWN_BOB).click();
    await chatMenu(a1.page, "Pin chat");
    await until("Bob's chat pinned on top in the other tab", async () => (await mainRows(a2.page))[0]?.startsWith(`${SHOWN_BOB}, pinned`));
    await row(a2.page, SHOWN_BOB).locator("[data-mark='pinned']").waitFor();

    await row(a1.page, SHOWN_CAROL).click();
    await chatMenu(a1.page, "Mute for 8 hours");
    await attribute(row(a2.page, SHOWN_CAROL), "data-muted", "true", "Carol's chat muted in the other tab");
    await row(a2.page, SHOWN_CAROL).locator("[data-mark='muted']").waitFor();
    await a1.page.locator(".chat-head [data-muted]").waitFor();
    await shoot(a2.page, "chat-list-pinned-muted");

    await chatMenu(a1.page, "Archive chat");
    await archivedToggle(a2.page).filter({ hasText: "Archived (1)" }).waitFor();
    await until("Carol's chat out of the main list", async () => !(await mainRows(a2.page)).some((n) => n.startsWith(SHOWN_CAROL)));
    await archivedToggle(a2.page).click();
    const archived = a2.page.locator("#archived-chats").getByRole("button", { name: new RegExp(`^\\${SHOWN_CAROL}, muted`) });
    await archived.waitFor();
    await send(a1.page, server, carol.token, alice.user, "still there?");
    await archived.filter({ hasText: "still there?" }).waitFor();
    assert.ok(!(await mainRows(a2.page)).some((n) => n.startsWith(SHOWN_CAROL)), "a new message leaves it archived");
    await shoot(a2.page, "chat-list-archived");

    await archived.click();
    await bubble(a2.page, "still there?").waitFor();
    await chatMenu(a2.page, "Unarchive chat");
    await until("Carol's chat back in the first tab's list", async () => (await mainRows(a1.page)).some((n) => n.startsWith(SHOWN_CAROL)));
    assert.equal(await archivedToggle(a1.page).count(), 0, "no archived chats left");
    await chatMenu(a2.page, "Unmute");
    await attribute(row(a1.page, SHOWN_CAROL), "data-muted", null, "Carol's chat unmuted in the first tab");
    await row(a2.page, SHOWN_BOB).click();
    await chatMenu(a2.page, "Unpin chat");
    await attribute(row(a1.page, SHOWN_BOB), "data-pinned", null, "Bob's chat unpinned in the first tab");
  },

  /** The tab's title counts the chats with unread messages, not the messages: "(2) parley"; after a reload too. */
  async unread_count_in_title({ server, browser }) {
    const a = await userPage(browser, server);
    await signIn(a.page, server, ALICE);
    const [bob, carol, alice] = await server.adminUsers([BOB, CAROL, ALICE]);
    assert.equal(await a.page.title(), "parley");
    await send(a.page, server, bob.token, alice.user, "one");
    await send(a.page, server, bob.token, alice.user, "two");
    await until("one chat unread", async () => (await a.page.title()) === "(1) parley");
    await send(a.page, server, carol.token, alice.user, "three");
    await until("two chats unread", async () => (await a.page.title()) === "(2) parley");
    await a.page.reload();
    await row(a.page, SHOWN_BOB).waitFor();
    await until("two chats unread after a reload", async () => (await a.page.title()) === "(2) parley");
    await row(a.page, SHOWN_BOB).click();
    await until("Bob's chat read", async () => (await a.page.title()) === "(1) parley");
    await row(a.page, SHOWN_CAROL).click();
    await until("all read", async () => (await a.page.title()) === "parley");
    await send(a.page, server, bob.token, alice.user, "four");   // Carol's chat is open: Bob's counts again
    await until("Bob's chat unread again", async () => (await a.page.title()) === "(1) parley");
  },
};
