// The end-to-end scenarios of message actions (docs/web-client.md: reply, react, edit, delete,
// forward), merged into scenarios.mjs. Each action is checked where it lands: the other
// user's page (or my other device), after the server has answered.

import assert from "node:assert/strict";
import { accessible, shoot, signIn, until, userPage } from "./harness.mjs";
import {
  ALICE, SHOWN_ALICE, SHOWN_BOB, SHOWN_CAROL, aliceAndBob, box, bubble, carolWithAlice, choose, fillers, jumpedTo, menuItems,
  openChatId, rawSend, row, say,
} from "./actions_helpers.mjs";

/** A bubble whose own text (not a quote in it) contains `part`. */
const bubbleWith = (page, part) => page.locator("li.bubble").filter({ has: page.locator(".text", { hasText: part }) });

/** The reactions under a bubble as { emoji: count } (no waiting: for `until`). */
const reactions = (target) => target.locator(".reaction").evaluateAll((els) =>
  Object.fromEntries(els.map((e) => [e.getAttribute("data-emoji"), Number(e.getAttribute("data-count"))])));

async function reactionsAre(target, want, what) {
  await until(what, async () => JSON.stringify(await reactions(target)) === JSON.stringify(want));
}

export const messageScenarios = {
  /**
   * Alice replies to Bob's question (cancelling once): the quote above the box, then in the
   * bubble, shows Bob's name and the first line; Bob sees it quoting "You". After a reload with
   * 60 messages in between, the quote is read from the server and a click loads back to the
   * original, scrolled into view and highlighted. Bob deletes the question for everyone: the
   * quote and the original show the tombstone.
   */
  async reply_quotes_the_original_and_shows_the_tombstone_after_delete({ server, browser }) {
    const { a, b, bobToken, chat } = await aliceAndBob(server, browser);
    await box(b.page).fill("where shall we meet?\nby the river");
    await box(b.page).press("Enter");
    const question = bubbleWith(a.page, "where shall we meet?");
    await question.waitFor();
    await fillers(b.page, server, bobToken, chat, 60);
    await bubble(a.page, "filler 60").waitFor();

    await choose(a.page, question, "Reply");
    const composing = a.page.locator("[data-compose='reply']");
    await composing.waitFor();
    assert.equal(await composing.locator(".quote-sender").textContent(), `Replying to ${SHOWN_BOB}`);
    assert.equal(await composing.locator(".quote-text").textContent(), "where shall we meet?", "the first line only");
    await a.page.getByRole("button", { name: "Cancel reply" }).click();
    await composing.waitFor({ state: "detached" });
    await choose(a.page, question, "Reply");
    await composing.waitFor();
    await shoot(a.page, "reply-composing");
    await say(a.page, "at the station");
    assert.equal(await composing.count(), 0, "the quote leaves the box once sent");
    const quote = bubble(a.page, "at the station").locator("[data-quote]");
    assert.equal(await quote.locator(".quote-sender").textContent(), SHOWN_BOB);
    assert.equal(await quote.locator(".quote-text").textContent(), "where shall we meet?");
    const bobsQuote = bubble(b.page, "at the station").locator("[data-quote]");
    await bobsQuote.waitFor();
    assert.equal(await bobsQuote.locator(".quote-sender").textContent(), "You");

    await a.page.reload();
    await row(a.page, SHOWN_BOB).click();
    await bubble(a.page, "at the station").waitFor();
    assert.equal(await question.count(), 0, "after a reload the original is not loaded (60 messages later)");
    await until("the quote read from the server", async () => (await quote.locator(".quote-text").textContent()) === "where shall we meet?");
    await quote.click();
    await jumpedTo(question, "the quoted message");
    await shoot(a.page, "reply-jumped");

    await choose(b.page, bubbleWith(b.page, "where shall we meet?"), "Delete");
    const dialog = b.page.getByRole("dialog", { name: "Delete message?" });
    await dialog.getByRole("button", { name: "Delete for everyone" }).click();
    await b.page.locator("li.bubble.deleted").filter({ hasText: "You deleted this message" }).waitFor();
    await until("the tombstone in Alice's quote", async () => (await quote.locator(".quote-text").textContent()) === "This message was deleted");
    await a.page.locator("li.bubble.deleted .tombstone em").filter({ hasText: "This message was deleted" }).waitFor();
    assert.equal(await question.count(), 0, "the original's text is gone");
    await until("Bob's quote too", async () => (await bobsQuote.locator(".quote-text").textContent()) === "This message was deleted");
  },

  /**
   * Bob reacts 👍 to Alice's message from the keyboard; Alice sees 👍 1 and adds hers by
   * clicking it (👍 2 for Bob); Bob changes his to ❤️ (👍 1 ❤️ 1), then clicks his ❤️ to take it
   * back; Alice takes hers back from the menu: no reactions left on either side.
   */
  async react_change_and_remove_shows_counts_to_the_other_user({ server, browser }) {
    const { a, b } = await aliceAndBob(server, browser, { bobBypassesCsp: true });   // axe-core is injected
    const hiA = bubble(a.page, "hi");
    const hiB = bubble(b.page, "hi");
    await hiB.hover();
    await hiB.getByRole("button", { name: "Message actions" }).focus();
    await b.page.keyboard.press("Enter");
    await until("focus on the first reaction", () => b.page.evaluate(() => document.activeElement?.getAttribute("aria-label") === "React with 👍"));
    await accessible(b.page, "a message's menu");
    await b.page.keyboard.press("Enter");
    await reactionsAre(hiA, { "👍": 1 }, "👍 1 for Alice");

    await hiA.getByRole("button", { name: "👍 1: react with 👍" }).click();
    await reactionsAre(hiB, { "👍": 2 }, "👍 2 for Bob");
    await until("Alice's 👍 marked as hers", async () => (await hiA.locator(".reaction.mine").getAttribute("aria-pressed")) === "true");

    await choose(b.page, hiB, "React with ❤️");
    await reactionsAre(hiA, { "👍": 1, "❤️": 1 }, "Bob's reaction changed to ❤️");
    await shoot(a.page, "reactions");
    await hiB.getByRole("button", { name: "❤️ 1, your reaction: remove it" }).click();
    await reactionsAre(hiA, { "👍": 1 }, "Bob's ❤️ taken back");
    await choose(a.page, hiA, "Remove reaction 👍");
    await reactionsAre(hiB, {}, "no reactions left for Bob");
    await reactionsAre(hiA, {}, "no reactions left for Alice");
  },

  /**
   * Alice edits her message (Bob's menu offers him no Edit of it): Bob sees the new text with
   * "edited". She deletes another for everyone (Bob may only delete it for himself): Bob sees
   * "This message was deleted" in italics, his chat list too, and so does a reload.
   */
  async edit_and_delete_for_everyone_reach_the_other_user({ server, browser }) {
    const { a, b } = await aliceAndBob(server, browser, { bobBypassesCsp: true });   // axe-core is injected
    await say(a.page, "see you at 5");
    await bubble(b.page, "see you at 5").waitFor();
    assert.deepEqual(await menuItems(b.page, bubble(b.page, "see you at 5")), ["Reply", "Forward", "Star", "Delete"], "no Edit of someone else's message");
    assert.deepEqual(await menuItems(a.page, bubble(a.page, "see you at 5")), ["Reply", "Forward", "Star", "Message info", "Edit", "Delete"]);

    await choose(a.page, bubble(a.page, "see you at 5"), "Edit");
    await a.page.locator("[data-compose='edit']").waitFor();
    assert.equal(await box(a.page).inputValue(), "see you at 5", "the message's text is in the box");
    await box(a.page).fill("see you at 6");
    await box(a.page).press("Enter");
    const edited = bubble(b.page, "see you at 6");
    await edited.locator("[data-edited]").waitFor();
    assert.equal(await edited.locator("[data-edited]").textContent(), "edited");
    await bubble(a.page, "see you at 6").locator("[data-edited]").waitFor();
    assert.equal(await bubble(b.page, "see you at 5").count(), 0);

    await say(a.page, "oops, wrong chat");
    await choose(b.page, bubble(b.page, "oops, wrong chat"), "Delete");
    const bobs = b.page.getByRole("dialog", { name: "Delete message?" });
    await bobs.getByRole("button", { name: "Delete for me" }).waitFor();
    await accessible(b.page, "the delete dialog");
    assert.equal(await bobs.getByRole("button", { name: "Delete for everyone" }).count(), 0, "not Bob's to delete for everyone");
    await bobs.getByRole("button", { name: "Cancel" }).click();
    await bobs.waitFor({ state: "detached" });

    await choose(a.page, bubble(a.page, "oops, wrong chat"), "Delete");
    await a.page.getByRole("dialog", { name: "Delete message?" }).getByRole("button", { name: "Delete for everyone" }).click();
    const tombstone = b.page.locator("li.bubble.deleted .tombstone em").filter({ hasText: "This message was deleted" });
    await tombstone.waitFor();
    assert.equal(await bubble(b.page, "oops, wrong chat").count(), 0);
    await a.page.locator("li.bubble.deleted").filter({ hasText: "You deleted this message" }).waitFor();
    await until("Bob's chat list says it was deleted", async () => /This message was deleted/.test(await row(b.page, SHOWN_ALICE).textContent()));
    await shoot(b.page, "edited-and-deleted");

    await b.page.reload();
    await row(b.page, SHOWN_ALICE).click();
    await tombstone.waitFor();
    await bubble(b.page, "see you at 6").locator("[data-edited]").waitFor();
  },

  /**
   * Alice, on two devices, deletes Bob's message for herself: it leaves both of her pages (the
   * `marked` update), stays on Bob's, and a reload of her other device does not bring it back.
   */
  async delete_for_me_hides_on_my_other_device_only({ server, browser }) {
    const { a, b } = await aliceAndBob(server, browser);
    const a2 = await userPage(browser, server);
    await signIn(a2.page, server, ALICE);
    await row(a2.page, SHOWN_BOB).click();
    await bubble(a2.page, "hi").waitFor();
    await say(b.page, "just between us");
    await bubble(a.page, "just between us").waitFor();
    await bubble(a2.page, "just between us").waitFor();

    await choose(a.page, bubble(a.page, "just between us"), "Delete");
    const dialog = a.page.getByRole("dialog", { name: "Delete message?" });
    assert.equal(await dialog.getByRole("button", { name: "Delete for everyone" }).count(), 0, "Bob's message: for me only");
    await dialog.getByRole("button", { name: "Delete for me" }).click();
    await bubble(a.page, "just between us").waitFor({ state: "detached" });
    await bubble(a2.page, "just between us").waitFor({ state: "detached" });

    await say(b.page, "after that");
    await bubble(a2.page, "after that").waitFor();
    assert.equal(await bubble(b.page, "just between us").count(), 1, "Bob still has it");
    await a2.page.reload();
    await row(a2.page, SHOWN_BOB).click();
    await bubble(a2.page, "after that").waitFor();
    assert.equal(await bubble(a2.page, "just between us").count(), 0, "the history skips it");
  },

  /**
   * Alice forwards Bob's message to Carol from the chat picker: Carol sees it marked
   * "Forwarded". Forwarded on and on (by Alice's other device), the fifth hop reads
   * "Forwarded many times".
   */
  async forward_marks_forwarded({ server, browser }) {
    const { a, b } = await aliceAndBob(server, browser);
    const c = await carolWithAlice(server, browser, a.page);
    await row(a.page, SHOWN_BOB).click();
    await say(b.page, "pass it on");
    await choose(a.page, bubble(a.page, "pass it on"), "Forward");
    const dialog = a.page.getByRole("dialog", { name: "Forward message to" });
    await dialog.getByLabel(SHOWN_CAROL).check();
    await shoot(a.page, "forward-dialog");
    await dialog.getByRole("button", { name: "Forward", exact: true }).click();
    await dialog.waitFor({ state: "detached" });
    const forwarded = bubble(c.page, "pass it on");
    await forwarded.locator("[data-forwarded='1']").waitFor();
    assert.equal(await forwarded.locator(".forwarded").textContent(), "↪ Forwarded");
    assert.equal(await bubble(a.page, "pass it on").locator("[data-forwarded]").count(), 0, "the original is not marked");

    const [alice2] = await server.adminUsers([ALICE]);
    const chat = await openChatId(c.page);
    let seq = Number(await forwarded.getAttribute("data-seq"));
    for (let hop = 2; hop <= 5; hop++) {
      const [ack] = await rawSend(c.page, server, alice2.token, [{ type: "send", id: `hop-${hop}`, chat, forward: { chat, seq } }]);
      assert.equal(ack.type, "ack", JSON.stringify(ack));
      seq = ack.seq;
    }
    const many = c.page.locator(`li.bubble[data-seq="${seq}"]`);
    await many.locator("[data-forwarded='5']").waitFor();
    assert.equal(await many.locator(".forwarded").textContent(), "↪ Forwarded many times");
    assert.equal(await many.locator(".text").textContent(), "pass it on");
  },
};
