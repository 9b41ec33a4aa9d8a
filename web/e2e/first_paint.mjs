// The end-to-end scenario of a chat's first frame (merged into scenarios.mjs): a chat that opens
// at its end draws its newest messages first, the rest of the page once the page is idle, in
// place (ui/first_frame.ts). Its speed is web/e2e/bench_first_paint.mjs's to measure.

import assert from "node:assert/strict";
import { signIn, until, userPage } from "./harness.mjs";
import { ALICE, BOB, SHOWN_BOB, bubble, fillers, inView, rawSend, row } from "./actions_helpers.mjs";

/** Installed before the page's scripts: the number of bubbles in the first frame that has any. */
function firstFrameRecorder() {
  const watch = new MutationObserver(() => {
    if (!document.querySelector("li.bubble")) return;
    watch.disconnect();
    requestAnimationFrame(() => { window.__firstFrame = document.querySelectorAll("li.bubble").length; });
  });
  document.addEventListener("DOMContentLoaded", () => watch.observe(document.body, { childList: true, subtree: true }));
}

export const firstPaintScenarios = {
  /**
   * Alice has read all 80 messages of her chat with Bob. From the chat list, the chat opens at
   * its newest message with a screenful and a margin drawn in its first frame (fewer than the
   * 50 of a page), then the rest of the page, while the newest stays in view and one day line
   * heads the list; scrolling up reads the earlier ones from IndexedDB.
   */
  async a_read_chat_opens_at_its_newest_drawn_first_then_the_rest_in_place({ server, browser }) {
    const [bob] = await server.adminUsers([BOB]);
    const { page } = await userPage(browser, server);
    await signIn(page, server, ALICE);
    const me = await page.evaluate(() => JSON.parse(localStorage.getItem("parley.session")).user);
    const [ack] = await rawSend(page, server, bob.token, [{ type: "send", id: "first-1", to: me, text: "the first one" }]);
    assert.equal(ack.type, "ack");
    await fillers(page, server, bob.token, ack.chat, 79);
    await row(page, SHOWN_BOB).click();
    await bubble(page, "filler 79").waitFor();
    await until("all read on the server", async () => {
      const token = await page.evaluate(() => JSON.parse(localStorage.getItem("parley.session")).token);
      const res = await fetch(`${server.url}/v1/chats`, { headers: { Authorization: `Bearer ${token}` } });
      const c = (await res.json()).chats.find((x) => x.chat === ack.chat);
      return c && c.read === c.last_seq;
    });

    await page.addInitScript(firstFrameRecorder);
    await page.goto(`${server.url}/`);   // away, at the list
    await row(page, SHOWN_BOB).click();
    await until("the newest message in view", () => inView(bubble(page, "filler 79")));
    const first = await until("the first frame counted", () => page.evaluate(() => window.__firstFrame));
    assert.ok(first >= 20 && first < 50, `a screenful and a margin in the first frame, not the whole page (${first} bubbles)`);
    await until("the rest of the page drawn", async () => (await page.locator("li.bubble").count()) === 50);
    assert.ok(await inView(bubble(page, "filler 79")), "the newest message stays in view");
    assert.equal(await page.locator("li.day").count(), 1, "one day line, at the top");

    await until("earlier messages on scroll", async () => {
      await page.locator(".messages").evaluate((el) => { el.scrollTop = 0; el.dispatchEvent(new Event("scroll")); });
      return (await bubble(page, "the first one").count()) === 1;
    });
    assert.equal(await page.locator("li.bubble").count(), 80);
  },
};
