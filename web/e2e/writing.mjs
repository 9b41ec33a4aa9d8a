// The end-to-end scenarios of writing (docs/web-client.md, "A chat" and "Writing"): the message
// box that grows, WhatsApp's formatting and links, the emoji picker and colour emoji, merged
// into scenarios.mjs.

import assert from "node:assert/strict";
import { accessible, shoot, until } from "./harness.mjs";
import { SHOWN_ALICE, SENT, box, twoInAChat, watchCsp } from "./media.mjs";

const FORMATTED = "*bold* _it_ ~st~ ```mono``` see https://example.com/a_b?x=1, snake_case_name " +
  "<script>document.title='owned'</script> javascript:alert(1)";

/** The message box's height in CSS pixels, and whether it scrolls. */
const boxSize = (page) => box(page).evaluate((el) => ({ height: el.getBoundingClientRect().height, scrolls: el.scrollHeight > el.clientHeight + 1 }));

/** Coloured pixels (not grey: the channels differ by over 80) in a PNG, counted in the page on a canvas. */
async function colouredPixels(page, png) {
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = img.width;
    canvas.height = img.height;
    const ctx = canvas.getContext("2d");
    ctx.drawImage(img, 0, 0);
    const px = ctx.getImageData(0, 0, img.width, img.height).data;
    let n = 0;
    for (let i = 0; i < px.length; i += 4) if (Math.max(px[i], px[i + 1], px[i + 2]) - Math.min(px[i], px[i + 1], px[i + 2]) > 80) n++;
    return n;
  }, png.toString("base64"));
}

const COVERED = "😀😂❤️";
const focusedId = (page) => page.evaluate(() => document.activeElement?.id ?? "");
const focusedEmoji = (page) => page.evaluate(() => document.activeElement?.getAttribute("data-emoji") ?? "");

export const writingScenarios = {
  /**
   * Alice's message box grows line by line, stops growing at six lines and scrolls, and is one
   * line again after sending. Her message with *bold*, _italic_, ~strike~, ```mono```, a link
   * (with an underscore) and a <script> reaches Bob as <strong>, <em>, <del>, <code> and an
   * <a> that opens in a new tab without a referrer; the script stays text and never runs, no
   * other scheme becomes a link, snake_case_name stays as it is; his chat list shows the text
   * without the markers. The page keeps its CSP (no inline style for the height).
   */
  async composer_grows_and_links_and_formatting_render({ server, browser }) {
    const { a, b } = await twoInAChat(server, browser);
    const cspOk = watchCsp(a.page);
    const one = await boxSize(a.page);
    await box(a.page).fill("line 1\nline 2\nline 3");
    const three = await boxSize(a.page);
    assert.ok(three.height > one.height + 30, `three lines make the box taller (${one.height} → ${three.height} px)`);
    assert.equal(three.scrolls, false, "three lines fit without scrolling");
    await box(a.page).fill(Array.from({ length: 12 }, (_, i) => `line ${i + 1}`).join("\n"));
    const twelve = await boxSize(a.page);
    assert.ok(twelve.height > three.height + 50 && twelve.height < one.height * 6, `it stops at about six lines (${twelve.height} px)`);
    assert.ok(twelve.scrolls, "past six lines the box scrolls");
    await box(a.page).press("Shift+Enter");
    assert.match(await box(a.page).inputValue(), /line 12\n$/, "Shift+Enter is a new line");
    await box(a.page).press("Enter");
    await a.page.locator("li.bubble.mine").filter({ hasText: "line 12" }).locator(SENT).waitFor();
    await until("the box back to one line", async () => Math.abs((await boxSize(a.page)).height - one.height) < 1);

    await box(a.page).fill(FORMATTED);
    await box(a.page).press("Enter");
    const mine = a.page.locator("li.bubble.mine").filter({ hasText: "snake_case_name" });
    await mine.locator(SENT).waitFor();
    assert.equal(await mine.locator(".text strong").textContent(), "bold", "formatted on the sender's side too");

    const got = b.page.locator("li.bubble.theirs").filter({ hasText: "snake_case_name" });
    await got.waitFor();
    const text = got.locator(".text");
    assert.equal(await text.locator("strong").textContent(), "bold");
    assert.equal(await text.locator("em").textContent(), "it");
    assert.equal(await text.locator("del").textContent(), "st");
    assert.equal(await text.locator("code").textContent(), "mono");
    const link = text.getByRole("link");
    assert.equal(await link.count(), 1, "one link: javascript: is not one");
    assert.equal(await link.textContent(), "https://example.com/a_b?x=1");
    assert.equal(await link.getAttribute("href"), "https://example.com/a_b?x=1");
    assert.equal(await link.getAttribute("target"), "_blank");
    assert.equal(await link.getAttribute("rel"), "noopener noreferrer");
    assert.equal(await text.locator("script").count(), 0, "no <script> element");
    const shown = await text.textContent();
    assert.ok(shown.includes("<script>document.title='owned'</script>"), "the markup is shown as text");
    assert.ok(shown.includes("snake_case_name") && shown.includes("javascript:alert(1)"), "the rest as typed");
    assert.notEqual(await b.page.title(), "owned", "the script never ran");
    const preview = b.page.locator(".chat-list").getByRole("button", { name: new RegExp("^\\" + SHOWN_ALICE) }).locator(".chat-preview");
    await until("the chat list without markers", async () => (await preview.textContent()).includes("bold it st mono see https://example.com/a_b?x=1"));
    await shoot(b.page, "formatting");
    cspOk();
  },

  /**
   * Alice opens the emoji picker (its search box has the focus), finds 😀 by name and picks it
   * with Enter where her caret is, picks 🍕 from Food & drink with the mouse and the next one
   * with the arrow keys; Escape closes the picker and gives the focus back to the box, with the
   * caret after the emoji. Bob sees them drawn in colour (the Noto Color Emoji font: coloured
   * pixels in a screenshot of his bubble). The picker passes axe-core in both themes, a press
   * outside closes it, and nothing breaks the CSP (no inline styles).
   */
  async emoji_picker_inserts_and_emoji_render_in_colour({ server, browser }) {
    const { a, b } = await twoInAChat(server, browser, { bobBypassesCsp: true });
    const cspOk = watchCsp(a.page);
    await box(a.page).fill("a b");
    await box(a.page).evaluate((el) => el.setSelectionRange(1, 1));
    await a.page.getByRole("button", { name: "Emoji", exact: true }).click();
    const picker = a.page.getByRole("dialog", { name: "Emoji" });
    const search = picker.getByRole("searchbox", { name: "Search emoji" });
    await search.waitFor();
    await until("the search box focused", async () => (await search.evaluate((el) => el === document.activeElement)));
    await picker.getByRole("button", { name: "grinning face", exact: true }).waitFor();   // the data has loaded
    await search.fill("grinning");
    await picker.getByRole("button", { name: "grinning face with big eyes" }).waitFor();
    await search.press("Enter");                      // the first found
    assert.equal(await box(a.page).inputValue(), "a😀 b", "inserted at the caret");

    await search.fill("");
    await picker.getByRole("button", { name: "Food & drink" }).click();
    await picker.getByRole("button", { name: "pizza", exact: true }).click();
    assert.equal(await box(a.page).inputValue(), "a😀🍕 b");
    await shoot(a.page, "emoji-picker");

    await search.focus();
    await a.page.keyboard.press("ArrowDown");         // into the grid: its first emoji
    const first = await focusedEmoji(a.page);
    await a.page.keyboard.press("ArrowRight");
    const second = await focusedEmoji(a.page);
    assert.ok(first && second && first !== second, `the arrow keys move through the grid (${first} → ${second})`);
    await a.page.keyboard.press("Enter");
    const typed = `a😀🍕${second} b`;
    assert.equal(await box(a.page).inputValue(), typed);
    await a.page.keyboard.press("Escape");
    await picker.waitFor({ state: "detached" });
    assert.equal(await focusedId(a.page), "composer-text", "the focus is back in the message box");
    assert.equal(await box(a.page).evaluate((el) => el.selectionStart), typed.indexOf(" b"), "the caret after the emoji");
    await box(a.page).press("Enter");
    // Typed ones too, of those that a text font (DejaVu Sans) also draws, in black and white.
    await box(a.page).fill(COVERED);
    await box(a.page).press("Enter");

    const got = b.page.locator("li.bubble.theirs").filter({ hasText: typed });
    await got.waitFor();
    const covered = b.page.locator("li.bubble.theirs").filter({ hasText: COVERED });
    await covered.waitFor();
    await shoot(b.page, "emoji");
    for (const [bubble, what] of [[got, typed], [covered, COVERED]]) {
      const coloured = await colouredPixels(b.page, await bubble.locator(".text").screenshot());
      assert.ok(coloured > 60, `${what} drawn in colour (${coloured} coloured pixels)`);
    }
    const font = await got.locator(".text").evaluate((el) => getComputedStyle(el).fontFamily);
    assert.match(font, /Noto Color Emoji/, "the font stack names the colour emoji font");

    // The picker on Bob's page (whose CSP is bypassed so axe-core can be injected), in both themes.
    await b.page.getByRole("button", { name: "Emoji", exact: true }).click();
    const bobs = b.page.getByRole("dialog", { name: "Emoji" });
    await bobs.locator("[data-emoji]").first().waitFor();
    await accessible(b.page, "the emoji picker");
    await b.page.evaluate(() => { document.documentElement.dataset.theme = "dark"; });
    await accessible(b.page, "the emoji picker (dark theme)");
    await b.page.locator("li.bubble.theirs").first().click();   // a press outside closes it
    await bobs.waitFor({ state: "detached" });
    cspOk();
  },
};
