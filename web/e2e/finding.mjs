// The end-to-end scenarios of finding messages and of chat modes (docs/web-client.md: starred
// messages, search, search in chat, disappearing messages), merged into scenarios.mjs.

import assert from "node:assert/strict";
import { accessible, shoot, until } from "./harness.mjs";
import {
  SHOWN_ALICE, SHOWN_BOB, aliceAndBob, bubble, carolWithAlice, choose, fillers, jumpedTo, openChatId, rawSend, row, say,
} from "./actions_helpers.mjs";
import { ALICE, twoInAChat } from "./media.mjs";

/** The messages of a chat as the server has them for the user of `page` (HTTP history). */
async function serverHistory(server, page, chat) {
  const token = await page.evaluate(() => JSON.parse(localStorage.getItem("parley.session")).token);
  const res = await fetch(`${server.url}/v1/chats/${chat}/messages?limit=200`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200);
  return (await res.json()).messages;
}

/** A system message by its words. */
const systemLine = (page, text) => page.locator("li.system").filter({ hasText: text });

/** The words a search result marks, joined (CJK is matched character by character). */
const marked = async (hit) => (await hit.locator("mark").allTextContents()).join("");

export const findingScenarios = {
  /**
   * Alice stars Bob's message (★ on it) that 60 others then follow; after a reload, with no
   * chat open, the Starred messages panel lists it and a click opens the chat there, loading
   * back to it, highlighted. Unstarred from its menu, it leaves the bubble and the list.
   */
  async starred_list_jumps_to_message({ server, browser }) {
    const { a, b, bobToken, chat } = await aliceAndBob(server, browser);
    await say(b.page, "remember the milk");
    const milk = bubble(a.page, "remember the milk");
    await choose(a.page, milk, "Star");
    await milk.locator("[data-starred]").waitFor();
    await fillers(b.page, server, bobToken, chat, 60);
    await bubble(a.page, "filler 60").waitFor();

    await a.page.reload();
    await a.page.getByRole("button", { name: "Starred messages" }).click();
    const panel = a.page.getByRole("complementary", { name: "Starred messages" });
    const item = panel.locator("[data-hit]").filter({ hasText: "remember the milk" });
    await item.waitFor();
    assert.equal(await item.locator(".hit-chat").textContent(), SHOWN_BOB, "the chat's name");
    assert.equal(await item.locator(".hit-sender").textContent(), `${SHOWN_BOB}: `, "the sender");
    await shoot(a.page, "starred");
    await item.click();
    await jumpedTo(milk, "the starred message");
    await milk.locator("[data-starred]").waitFor();

    await choose(a.page, milk, "Unstar");
    await milk.locator("[data-starred]").waitFor({ state: "detached" });
    await item.waitFor({ state: "detached" });
    await panel.getByText("No starred messages", { exact: false }).waitFor();
  },

  /**
   * Bob searches his chats from the box over the chat list: "北京" finds two messages of
   * Alice's (chat name, sender, date, the match marked; a message's markup shows as text), a
   * click opens the chat at the message 60 messages back, highlighted; a Latin word matches by
   * its beginning; a number finds the chat by name; Escape brings the chat list back.
   */
  async search_highlights_and_jumps_to_the_message({ server, browser }) {
    const { b } = await aliceAndBob(server, browser, { bobBypassesCsp: true });
    const chat = await (async () => { await row(b.page, SHOWN_ALICE).waitFor(); return Number(await row(b.page, SHOWN_ALICE).getAttribute("data-chat")); })();
    const [alice2] = await server.adminUsers([ALICE]);
    const answers = await rawSend(b.page, server, alice2.token, [
      { type: "send", id: "s-1", chat, text: "meet me in 北京 tomorrow" },
      { type: "send", id: "s-2", chat, text: "<b>bold</b> plans for 北京" },
    ]);
    assert.ok(answers.every((x) => x.type === "ack"));
    await fillers(b.page, server, alice2.token, chat, 60);
    await rawSend(b.page, server, alice2.token, [{ type: "send", id: "s-3", chat, text: "the museum opens at nine" }]);
    await bubble(b.page, "the museum opens at nine").waitFor();
    await b.page.reload();

    const box = b.page.getByRole("searchbox", { name: "Search chats and messages" });
    await box.fill("北京");
    const hits = b.page.locator(".search-results [data-hit]");
    await until("two messages found", async () => (await hits.count()) === 2);
    const hit = hits.filter({ hasText: "meet me in" });
    assert.equal(await hit.locator(".hit-chat").textContent(), SHOWN_ALICE);
    assert.equal(await hit.locator(".hit-text").textContent(), `${SHOWN_ALICE}: meet me in 北京 tomorrow`);
    assert.equal(await marked(hit), "北京");
    assert.match(await hit.locator(".hit-time").textContent(), /\S/, "a date");
    // The snippet is text: nothing in it becomes an element but the <mark>s (PostgreSQL's
    // snippets leave tags out; SQLite's keep them, shown as text).
    const markup = hits.filter({ hasText: "plans for" });
    const shown = await markup.locator(".hit-text").textContent();
    assert.match(shown, /plans for 北京/, shown);
    if (shown.includes("<")) assert.match(shown, /<b>bold<\/b> plans for/, `markup is shown as text: ${shown}`);
    const tags = await markup.locator(".hit-text *").evaluateAll((els) => els.map((e) => e.tagName));
    assert.ok(tags.every((t) => t === "SPAN" || t === "MARK"), `no element made of the message's text: ${tags}`);
    await accessible(b.page, "search results");
    await shoot(b.page, "search");
    await hit.click();
    await jumpedTo(bubble(b.page, "meet me in 北京 tomorrow"), "the message found");

    await box.fill("muse");
    const museum = hits.filter({ hasText: "the museum opens" });
    await museum.waitFor();
    assert.equal(await marked(museum), "museum", "the last word matches as a prefix");
    await box.fill("0101");
    await b.page.locator(".search-results .chat-list").getByRole("button", { name: new RegExp("^\\" + SHOWN_ALICE) }).waitFor();
    await b.page.locator(".search-results").getByText("No messages found for “0101”.").waitFor();
    await box.press("Escape");
    await b.page.locator(".search-results").waitFor({ state: "detached" });
    await row(b.page, SHOWN_ALICE).waitFor();
  },

  /**
   * Alice searches in her chat with Bob only ("Search in chat" in its header): "lunch" finds
   * Bob's message and not Carol's; a click scrolls back to it, highlighted; a Hindi word finds
   * its message too.
   */
  async search_in_chat({ server, browser }) {
    const { a, b, bobToken, chat } = await aliceAndBob(server, browser);
    const c = await carolWithAlice(server, browser, a.page);
    await say(c.page, "lunch tomorrow?");
    await row(a.page, SHOWN_BOB).click();
    await say(b.page, "lunch at noon?");
    await say(b.page, "नमस्ते दोस्त, कैसे हो?");
    await fillers(b.page, server, bobToken, chat, 30);
    await bubble(a.page, "filler 30").waitFor();

    await a.page.getByRole("button", { name: "Search in chat" }).click();
    const panel = a.page.getByRole("complementary", { name: "Search in chat" });
    const input = panel.getByRole("searchbox", { name: "Search messages in this chat" });
    await input.fill("lunch");
    const hits = panel.locator("[data-hit]");
    await until("one message found", async () => (await hits.count()) === 1 && !(await panel.getByText("Searching…").count()));
    const found = await hits.first().textContent();
    assert.match(found, /lunch at noon/, `Bob's, not Carol's: ${found}`);
    assert.equal(await marked(hits.first()), "lunch");
    await hits.first().click();
    await jumpedTo(bubble(a.page, "lunch at noon?"), "the message found in the chat");

    await input.fill("नमस्ते");
    await until("the Hindi message found", async () => (await hits.count()) === 1 && /कैसे हो/.test(await hits.first().textContent()));
    assert.equal(await marked(hits.first()), "नमस्ते");
    await shoot(a.page, "search-in-chat");
    await panel.getByRole("button", { name: "Close search" }).click();
    await panel.waitFor({ state: "detached" });
  },

  /**
   * Alice turns on disappearing messages (24 hours) from the chat menu: both see it said in
   * words and the timer in the header; her next message has expires_at 24 hours on, the earlier
   * "hi" none. The server's clock moved past it, the message leaves both pages (the `changed`
   * with expired), "hi" stays. Off again, said so. Then a temporary chat: its message goes from
   * the server once both devices have it, stays on the open pages, and a reload does not bring
   * it back; the header says "Temporary", after a reload too.
   */
  async disappearing_setting_shows_system_message_and_expiry_removes({ server, browser }) {
    const { a, b } = await twoInAChat(server, browser);
    const chat = await openChatId(a.page);
    await a.page.getByRole("button", { name: "Chat menu" }).click();
    await a.page.getByRole("menu", { name: "Chat menu" }).getByRole("menuitem", { name: "Disappearing messages" }).click();
    const dialog = a.page.getByRole("dialog", { name: "Disappearing messages" });
    assert.equal(await dialog.getByLabel("Off").isChecked(), true, "off to begin with");
    await dialog.getByLabel("24 hours").click();   // applies and closes the dialog
    await dialog.waitFor({ state: "detached" });
    await systemLine(a.page, "You turned on disappearing messages (24 hours)").waitFor();
    await systemLine(b.page, `${SHOWN_ALICE} turned on disappearing messages (24 hours)`).waitFor();
    await b.page.getByRole("img", { name: "Disappearing messages: 24 hours" }).waitFor();
    await shoot(b.page, "disappearing-on");

    await say(a.page, "this will vanish");
    await bubble(b.page, "this will vanish").waitFor();
    const sent = (await serverHistory(server, a.page, chat)).find((m) => m.text === "this will vanish");
    assert.equal(sent.expires_at, sent.ts + 86_400_000, "expires 24 hours after it was sent");
    assert.equal((await serverHistory(server, a.page, chat)).find((m) => m.text === "hi").expires_at, undefined, "sent before: kept");

    await server.advanceClock(86_400_000 + 1000);
    await bubble(a.page, "this will vanish").waitFor({ state: "detached" });
    await bubble(b.page, "this will vanish").waitFor({ state: "detached" });
    assert.equal(await bubble(b.page, "hi").count(), 1, "an earlier message stays");

    await a.page.getByRole("button", { name: "Chat menu" }).click();
    await a.page.getByRole("menuitem", { name: "Disappearing messages" }).click();
    await a.page.getByRole("dialog", { name: "Disappearing messages" }).getByLabel("Off").click();
    await systemLine(b.page, `${SHOWN_ALICE} turned off disappearing messages`).waitFor();
    await b.page.getByRole("img", { name: /^Disappearing messages/ }).waitFor({ state: "detached" });

    await b.page.getByRole("button", { name: "Chat menu" }).click();
    await b.page.getByRole("menuitem", { name: "Turn on temporary chat" }).click();
    await systemLine(a.page, `${SHOWN_BOB} turned on temporary chat`).waitFor();
    await systemLine(b.page, "You turned on temporary chat").waitFor();
    await a.page.locator("[data-temporary]").waitFor();
    await say(b.page, "just for now");
    await bubble(a.page, "just for now").waitFor();
    // parleyd stores a device's acknowledged position at most once a second, with a later
    // acknowledgement: Bob's further messages give both devices one to send.
    let nudge = 0;
    await until("the server to drop it once both devices have it", async () => {
      if (!(await serverHistory(server, b.page, chat)).some((m) => m.text === "just for now")) return true;
      await say(b.page, `nudge ${++nudge}`);
      await bubble(a.page, `nudge ${nudge}`).waitFor();
      return false;
    }, 30_000);
    assert.equal(await bubble(a.page, "just for now").count(), 1, "still on the open page");
    await a.page.reload();
    await row(a.page, SHOWN_BOB).click();
    await systemLine(a.page, `${SHOWN_BOB} turned on temporary chat`).waitFor();
    assert.equal(await bubble(a.page, "just for now").count(), 0, "a reload does not bring it back");
    await a.page.locator("[data-temporary]").waitFor();
  },
};
