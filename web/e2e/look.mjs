// The end-to-end scenarios of the client's look, merged into scenarios.mjs: the phone layout
// with long previews, the chat list's selected row and unread badge, drawn ticks, bubbles
// grouped by sender with one tail and a colour per sender, the dark theme (system and switch),
// and axe-core on the main screens in both themes. Other users write from raw sockets
// (server.adminUsers tokens).

import assert from "node:assert/strict";
import { accessible, shoot, signIn, until, userPage } from "./harness.mjs";
import { ALICE, BOB, CAROL, SHOWN_ALICE, SHOWN_BOB, SHOWN_CAROL, box, bubble, openChatId, rawSend, row, say, startChat } from "./actions_helpers.mjs";

const DAVE = "+14155550104";
const ERIN = "+14155550105";
const LONG = "This preview is much longer than a phone's screen is wide, so the chat list has to cut it short with an ellipsis";

let sent = 0;
/** Messages from the user with `token`: to a user (`to`) or into a chat (`chat`). */
async function send(page, server, token, where, texts) {
  const frames = texts.map((text) => ({ type: "send", id: `look-${++sent}`, ...where, text }));
  const answers = await rawSend(page, server, token, frames);
  assert.ok(answers.every((a) => a.type === "ack"), `sent: ${JSON.stringify(answers)}`);
}

/** WCAG contrast ratio of two CSS colours ("rgb(r, g, b)"; an alpha channel is ignored). */
export function contrast(a, b) {
  const lum = (css) => {
    const [r, g, bl] = css.match(/[\d.]+/g).slice(0, 3).map((v) => Number(v) / 255)
      .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

const rgb = (css) => css.match(/[\d.]+/g).slice(0, 3).map(Number);
const colour = (locator, property = "color") => locator.evaluate((el, p) => getComputedStyle(el)[p], property);
const theme = (page) => page.evaluate(() => document.documentElement.dataset.theme);
/** The page's own background: dark when its luminance is low. */
const pageIsDark = async (page) => contrast(await colour(page.locator("html"), "backgroundColor"), "rgb(0, 0, 0)") < 3;

/** Follows the system's colour scheme (the "System" setting) and waits for the page to apply it. */
async function systemScheme(page, scheme) {
  await page.emulateMedia({ colorScheme: scheme });
  await until(`the ${scheme} theme`, async () => (await theme(page)) === scheme);
}

/** Alice (signed in on a page) in a group "Look" with Bob and Carol, who write from raw sockets. */
async function aliceInAGroup(browser, server, options = {}) {
  const a = await userPage(browser, server, options);
  await signIn(a.page, server, ALICE);
  const [bob, carol] = await server.adminUsers([BOB, CAROL]);
  await a.page.getByRole("button", { name: "New group" }).click();
  await a.page.getByLabel("Group name").fill("Look");
  await a.page.getByLabel("Members (phone numbers, separated by commas)").fill(`${BOB}, ${CAROL}`);
  await a.page.getByRole("button", { name: "Create group" }).click();
  await a.page.locator(".chat-head h2").filter({ hasText: "Look" }).waitFor();
  return { a, bob, carol, chat: await openChatId(a.page) };
}

/** Messages on a good background, ticks, a badge: a chat list and a group chat with runs of messages. */
async function groupConversation(a, server, bob, carol, chat) {
  await send(a.page, server, bob.token, { chat }, ["Are we still on for Saturday?", "I can bring the tent", "and the stove"]);
  await send(a.page, server, carol.token, { chat }, ["Count me in!", "I'll drive"]);
  await bubble(a.page, "I'll drive").waitFor();
  await say(a.page, "Great, see you at 8");
  await say(a.page, "I'll bring food");
}

export const lookScenarios = {
  /**
   * On a 390×844 phone, four chats with long previews and unread counts: the list fits the
   * screen (no sideways scrolling), and every row's time and badge are inside it, the preview
   * cut short with an ellipsis.
   */
  async phone_chat_list_fits_long_previews_times_and_badges({ server, browser }) {
    const a = await userPage(browser, server, { width: 390, height: 844 });
    // Written before Alice signs in, so her list comes whole from GET /v1/chats.
    const [alice, ...peers] = await server.adminUsers([ALICE, BOB, CAROL, DAVE, ERIN]);
    for (const [i, p] of peers.entries()) await send(a.page, server, p.token, { to: alice.user }, [`${i + 1}. ${LONG}`, `${i + 1}. ${LONG} (again)`]);
    await signIn(a.page, server, ALICE);
    const rows = a.page.locator(".chat-list .chat-row");
    await until("four chats, each with 2 unread", async () => (await rows.count()) === 4 &&
      (await a.page.locator(".chat-list .badge").allTextContents()).join() === "2,2,2,2");
    const layout = await a.page.evaluate(() => {
      const box = (el) => { const r = el.getBoundingClientRect(); return { left: r.left, right: r.right, width: r.width }; };
      return {
        viewport: innerWidth, scroll: document.documentElement.scrollWidth,
        sidebar: box(document.querySelector(".sidebar")),
        rows: [...document.querySelectorAll(".chat-list .chat-row")].map((r) => ({
          time: box(r.querySelector(".chat-time")), badge: box(r.querySelector(".badge")),
          cut: (() => { const p = r.querySelector(".chat-preview"); return p.scrollWidth > p.clientWidth && getComputedStyle(p).textOverflow === "ellipsis"; })(),
        })),
      };
    });
    await shoot(a.page, "phone-chat-list-long");
    assert.equal(layout.viewport, 390);
    assert.ok(layout.scroll <= 390, `no sideways scrolling (the page is ${layout.scroll} px wide)`);
    assert.ok(layout.sidebar.right <= 390, `the chat list fits the screen (${layout.sidebar.width} px wide)`);
    for (const [i, r] of layout.rows.entries()) {
      for (const what of ["time", "badge"])
        assert.ok(r[what].width > 0 && r[what].left >= 0 && r[what].right <= 390, `row ${i + 1}'s ${what} on screen: ${JSON.stringify(r[what])}`);
      assert.ok(r.cut, `row ${i + 1}'s preview is cut short with an ellipsis`);
    }
  },

  /**
   * The open chat's row keeps its highlight while the mouse is over it (it used to turn into
   * the plain hover colour), and an unread badge's digits sit in its middle (they sat high).
   */
  async chat_list_keeps_selection_on_hover_and_centres_badge_digits({ server, browser }) {
    const a = await userPage(browser, server);
    const [alice, bob, carol] = await server.adminUsers([ALICE, BOB, CAROL]);
    await send(a.page, server, bob.token, { to: alice.user }, ["hello"]);
    await send(a.page, server, carol.token, { to: alice.user }, ["one", "two", "three"]);
    await signIn(a.page, server, ALICE);
    await row(a.page, `${SHOWN_CAROL}, 3 unread`).waitFor();
    await row(a.page, SHOWN_BOB).click();
    await box(a.page).waitFor();
    const selected = row(a.page, SHOWN_BOB);
    await until("the open chat's row selected", async () => /\bselected\b/.test((await selected.getAttribute("class")) ?? ""));

    const problems = [];
    await a.page.mouse.move(900, 400);                      // away from the list
    const still = await colour(selected, "backgroundColor");
    await selected.hover();
    const hovered = await colour(selected, "backgroundColor");
    if (hovered !== still) problems.push(`the selected row's background changes on hover: ${still} → ${hovered}`);
    await row(a.page, SHOWN_CAROL).hover();                  // another row shows the hover colour, not the selection's
    const other = await colour(row(a.page, SHOWN_CAROL), "backgroundColor");
    if (other === still) problems.push("a hovered row looks selected");

    const badge = row(a.page, SHOWN_CAROL).locator(".badge");
    const centres = await badge.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const range = document.createRange();
      range.selectNodeContents(el);
      const t = range.getBoundingClientRect();
      return { box: [r.left + r.width / 2, r.top + r.height / 2], text: [t.left + t.width / 2, t.top + t.height / 2] };
    });
    const [dx, dy] = [0, 1].map((i) => Math.abs(centres.box[i] - centres.text[i]));
    if (dx > 1 || dy > 1) problems.push(`the badge's digits are ${dx.toFixed(1)} px across and ${dy.toFixed(1)} px down from its centre`);
    await shoot(a.page, "chat-list-selected-hover");
    assert.deepEqual(problems, []);
  },

  /**
   * Ticks are drawn (SVG, 18×12 px), not a 12 px ✓ glyph: one stroke for sent, two for
   * delivered and read; grey, then blue for read, each 3:1 or more on the bubble, in both themes.
   */
  async ticks_are_drawn_large_enough_and_read_is_blue({ server, browser }) {
    const a = await userPage(browser, server);
    await signIn(a.page, server, ALICE);
    const b = await userPage(browser, server);
    await signIn(b.page, server, BOB);
    await b.page.close();                                    // Bob is away: the message stays "sent"
    await startChat(a.page, BOB);
    await say(a.page, "are you there?");
    const mine = bubble(a.page, "are you there?");
    const tick = mine.locator("[data-tick]");

    const checkTick = async (want, strokes) => {
      await until(`tick "${want}"`, async () => (await tick.getAttribute("data-tick")) === want);
      const svg = tick.locator("svg");
      assert.equal(await svg.count(), 1, `the ${want} tick is drawn`);
      const size = await svg.boundingBox();
      assert.ok(size.width >= 16 && size.height >= 10, `the ${want} tick is big enough: ${size.width}×${size.height}`);
      assert.equal(await svg.locator("path").count(), strokes, `${strokes} stroke(s) for ${want}`);
      assert.equal(await tick.getAttribute("aria-label"), want[0].toUpperCase() + want.slice(1), "named for screen readers");
      const [fg, bg] = [await colour(tick), await colour(mine, "backgroundColor")];
      assert.ok(contrast(fg, bg) >= 3, `the ${want} tick stands out from the bubble: ${fg} on ${bg}, ${contrast(fg, bg).toFixed(2)}:1`);
      return fg;
    };
    await checkTick("sent", 1);
    const bob = await b.context.newPage();                   // Bob is back: delivered
    await bob.goto(server.url + "/");
    const grey = await checkTick("delivered", 2);
    await row(bob, SHOWN_ALICE).click();                      // he opens the chat: read
    const blue = await checkTick("read", 2);
    assert.notEqual(blue, grey, "read is not the colour of delivered");
    const [r, g, bl] = rgb(blue);
    assert.ok(bl > r + 60 && bl > g, `read is blue: ${blue}`);
    await row(a.page, SHOWN_BOB).locator("[data-tick='read'] svg").waitFor();   // the chat list's tick too
    await shoot(a.page, "ticks");

    await systemScheme(a.page, "dark");
    const dark = await checkTick("read", 2);
    const [dr, dg, db] = rgb(dark);
    assert.ok(db > dr + 60 && db > dg, `read is blue in the dark theme too: ${dark}`);
  },

  /**
   * The theme follows the system's colour scheme until one is chosen in Settings: dark with a
   * dark system, from the first frame painted; Light overrides it and stays after a reload;
   * System follows the system's changes live. Every screen shown follows (no light patch left
   * in the dark theme). A screenshot of a chat in the dark theme.
   */
  async dark_theme_follows_the_system_and_the_switch({ server, browser }) {
    const a = await userPage(browser, server);
    // The theme at the first frame the page renders (requestAnimationFrame runs before each paint).
    await a.context.addInitScript(() => {
      requestAnimationFrame(() => { window.firstFrame = document.documentElement.dataset.theme ?? "none"; });
    });
    await a.page.emulateMedia({ colorScheme: "dark" });
    await a.page.reload();
    await until("the dark theme on the sign-in screen", async () => (await theme(a.page)) === "dark");
    assert.equal(await a.page.evaluate(() => window.firstFrame), "dark", "the first frame is already dark");
    assert.ok(await pageIsDark(a.page));
    const [alice, bob] = await server.adminUsers([ALICE, BOB]);
    await send(a.page, server, bob.token, { to: alice.user }, ["Did you see the eclipse?", "It was amazing 🌒"]);
    await signIn(a.page, server, ALICE);
    await row(a.page, SHOWN_BOB).click();
    await bubble(a.page, "It was amazing 🌒").waitFor();
    await say(a.page, "Yes! Right from the roof");
    await say(a.page, "I took photos, sending them later");
    assert.deepEqual(await lightPatches(a.page), [], "the chat list and the chat are dark all over");
    await shoot(a.page, "dark-theme");

    await a.page.getByRole("button", { name: "Settings" }).click();
    const themes = a.page.getByRole("complementary", { name: "Settings" }).getByRole("group", { name: "Theme" });
    assert.ok(await themes.getByLabel("System").isChecked(), "System is the default");
    assert.deepEqual(await lightPatches(a.page), [], "the settings are dark all over");
    await themes.getByLabel("Light").check();
    await until("the light theme, against the system's dark", async () => (await theme(a.page)) === "light");
    assert.ok(!(await pageIsDark(a.page)));
    await a.page.reload();
    await a.page.getByRole("button", { name: "New chat" }).waitFor();
    assert.equal(await a.page.evaluate(() => window.firstFrame), "light", "the choice is kept, from the first frame");

    await a.page.emulateMedia({ colorScheme: "light" });
    await a.page.getByRole("button", { name: "Settings" }).click();
    await themes.getByLabel("Dark").check();
    await until("the dark theme, against the system's light", async () => (await theme(a.page)) === "dark");
    await a.page.getByRole("button", { name: "New group" }).click();
    await a.page.getByRole("dialog", { name: "New group" }).waitFor();
    assert.deepEqual(await lightPatches(a.page), [], "a dialog is dark all over");
    await a.page.keyboard.press("Escape");
    await themes.getByLabel("System").check();
    await until("System: the system's light", async () => (await theme(a.page)) === "light");
    await systemScheme(a.page, "dark");                      // and follows it live
    assert.equal(await a.page.evaluate(() => localStorage.getItem("parley.theme")), null, "System is no choice kept");
  },

  /**
   * In a group, Bob's three messages, then Carol's two, then mine, form runs: only the first
   * bubble of each run has the tail and (for others) the sender's name, and the bubbles of a run
   * sit closer together than runs do. A message after a pause of more than five minutes starts a
   * new run. Bob and Carol have names of different colours, each 4.5:1 or more on their bubble, in
   * both themes.
   */
  async bubbles_group_with_one_tail_and_a_colour_per_sender({ server, browser }) {
    const { a, bob, carol, chat } = await aliceInAGroup(browser, server);
    await groupConversation(a, server, bob, carol, chat);
    await server.advanceClock(6 * 60_000);
    await send(a.page, server, bob.token, { chat }, ["Also: bring a jacket"]);
    await bubble(a.page, "Also: bring a jacket").waitFor();

    const runs = await a.page.locator("li.bubble").evaluateAll((els) => els.map((el) => ({
      text: el.querySelector(".text")?.textContent, tail: el.classList.contains("tail"),
      tailShape: !["none", "normal"].includes(getComputedStyle(el, "::before").content), sender: el.querySelector(".sender")?.textContent ?? null,
      top: el.getBoundingClientRect().top, bottom: el.getBoundingClientRect().bottom,
    })));
    const want = [
      ["Are we still on for Saturday?", true, SHOWN_BOB], ["I can bring the tent", false, null], ["and the stove", false, null],
      ["Count me in!", true, SHOWN_CAROL], ["I'll drive", false, null],
      ["Great, see you at 8", true, null], ["I'll bring food", false, null],
      ["Also: bring a jacket", true, SHOWN_BOB],   // after a pause
    ];
    assert.deepEqual(runs.map((r) => [r.text, r.tail, r.sender]), want);
    assert.deepEqual(runs.map((r) => r.tailShape), want.map((w) => w[1]), "the tail drawn on the first of each run only");
    const gaps = runs.slice(1).map((r, i) => r.top - runs[i].bottom);
    for (const [i, gap] of gaps.entries()) {
      if (want[i + 1][1]) assert.ok(gap >= 6, `a new run starts with space above it (${want[i + 1][0]}: ${gap} px)`);
      else assert.ok(gap <= 3, `a run's bubbles sit close (${want[i + 1][0]}: ${gap} px)`);
    }
    await shoot(a.page, "bubble-groups");

    for (const scheme of ["light", "dark"]) {
      await systemScheme(a.page, scheme);
      const names = {};
      for (const text of ["Are we still on for Saturday?", "Count me in!"]) {
        const b = bubble(a.page, text);
        const [fg, bg] = [await colour(b.locator(".sender")), await colour(b, "backgroundColor")];
        assert.ok(contrast(fg, bg) >= 4.5, `${text}: the sender's name readable in ${scheme} (${fg} on ${bg}: ${contrast(fg, bg).toFixed(2)}:1)`);
        names[text] = fg;
      }
      assert.notEqual(names["Are we still on for Saturday?"], names["Count me in!"], `Bob and Carol in different colours (${scheme})`);
      const tail = await bubble(a.page, "Count me in!").evaluate((el) => [getComputedStyle(el, "::before").backgroundColor, getComputedStyle(el).backgroundColor]);
      assert.equal(tail[0], tail[1], `the tail in the bubble's colour (${scheme})`);
    }
    await shoot(a.page, "bubble-groups-dark");
  },

  /**
   * The sidebar's toolbar is icon buttons, each with its name (for screen readers, and what the
   * other scenarios click) and a tooltip; axe-core's WCAG 2 A/AA rules pass on the chat list, a
   * group chat with bubbles, group info, settings and a dialog, in the light and the dark theme.
   */
  async main_screens_pass_axe_in_light_and_dark_with_the_icon_toolbar({ server, browser }) {
    const { a, bob, carol, chat } = await aliceInAGroup(browser, server, { bypassCSP: true });   // to inject axe-core
    await groupConversation(a, server, bob, carol, chat);
    const page = a.page;
    for (const name of ["New chat", "New group", "Rooms", "Contacts", "Starred messages", "Settings"]) {
      const button = page.locator(".side-head").getByRole("button", { name, exact: true });
      assert.equal(await button.getAttribute("title"), name, `${name} has a tooltip`);
      assert.equal(await button.locator("svg").count(), 1, `${name} is an icon`);
      const { width } = await button.boundingBox();
      assert.ok(width <= 44, `${name} is an icon button, not a word (${width} px wide)`);
    }
    const head = await page.locator(".side-head").boundingBox();
    assert.ok(head.height <= 60, `one row of icons (${head.height} px)`);

    for (const scheme of ["light", "dark"]) {
      await systemScheme(page, scheme);
      await accessible(page, `the chat list and a group chat (${scheme})`);
      await page.getByRole("button", { name: "Group info" }).click();
      await page.getByRole("complementary", { name: "Group info" }).getByText("you are an admin").waitFor();
      await accessible(page, `group info (${scheme})`);
      await page.getByRole("button", { name: "Close info" }).click();
      await page.getByRole("button", { name: "Settings" }).click();
      await page.getByRole("complementary", { name: "Settings" }).getByText("This device", { exact: true }).waitFor();
      await accessible(page, `settings (${scheme})`);
      if (scheme === "dark") await shoot(page, "settings-dark");
      await page.getByRole("button", { name: "Close settings" }).click();
      await page.getByRole("button", { name: "New group" }).click();
      await page.getByRole("dialog", { name: "New group" }).waitFor();
      await accessible(page, `the new group dialog (${scheme})`);
      await page.keyboard.press("Escape");
      await page.getByRole("dialog").waitFor({ state: "detached" });
    }
  },
};

/**
 * In the dark theme: the visible elements painted with a light background (luminance over
 * 0.4) that is not one of the theme's accents, which are light on purpose. One left means a
 * colour written into the stylesheet instead of a theme variable.
 */
async function lightPatches(page) {
  return page.evaluate(() => {
    const root = getComputedStyle(document.documentElement);
    const probe = document.createElement("span");
    document.body.append(probe);
    const resolved = (v) => { probe.style.color = root.getPropertyValue(v); return getComputedStyle(probe).color; };
    const allowed = new Set(["--accent", "--accent-dark", "--toast-bg", "--quiet", "--flash", "--read", "--online"].map(resolved));
    probe.remove();
    const lum = (css) => css.match(/[\d.]+/g).slice(0, 3).map((v) => Number(v) / 255)
      .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)).reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
    const found = [];
    for (const el of document.querySelectorAll("body *")) {
      const s = getComputedStyle(el);
      const bg = s.backgroundColor;
      const alpha = bg.startsWith("rgba") ? Number(bg.match(/[\d.]+/g)[3]) : 1;
      if (alpha < 0.5 || allowed.has(bg.replace(/rgba\((.*), [\d.]+\)/, "rgb($1)")) || lum(bg) <= 0.4) continue;
      const r = el.getBoundingClientRect();
      if (!r.width || !r.height || s.visibility === "hidden" || el.closest(".avatar, img, video")) continue;
      found.push(`${el.tagName.toLowerCase()}.${[...el.classList].join(".")}: ${bg}`);
    }
    return found;
  });
}
