// Helpers of the message-action, search and mode scenarios (messages.mjs, finding.mjs): a
// bubble's menu, a raw WebSocket for messages sent outside the page, and the users' names.

import assert from "node:assert/strict";
import { signIn, until, userPage } from "./harness.mjs";
import { ALICE, BOB, SHOWN_ALICE, SHOWN_BOB, box, twoInAChat } from "./media.mjs";

export const CAROL = "+14155550103";
export const SHOWN_CAROL = "+1 415 555 0103";

/** A bubble by its exact text. */
export const bubble = (page, text) => page.locator("li.bubble").filter({ has: page.locator(".text").getByText(text, { exact: true }) });

/** A chat list row by the name it starts with. */
export const row = (page, name) =>
  page.locator(".chat-list").getByRole("button", { name: new RegExp("^" + name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")) });

/**
 * Starts a chat by number from New chat. The dialog closes only once the chat is open, so waiting
 * for it keeps a caller from typing into the composer of the chat that was open before.
 */
export async function startChat(page, phone) {
  await page.getByRole("button", { name: "New chat" }).click();
  const dialog = page.getByRole("dialog", { name: "New chat" });
  await dialog.getByLabel("Phone number (with country code)").fill(phone);
  await dialog.getByRole("button", { name: "Start chat" }).click();
  await dialog.waitFor({ state: "hidden" });
  await box(page).waitFor();
}

export async function say(page, text) {
  await box(page).fill(text);
  await box(page).press("Enter");
  await bubble(page, text).locator("[data-tick='sent'], [data-tick='delivered'], [data-tick='read']").waitFor();
}

/** Opens a bubble's menu the way a mouse user does (hover shows the ⌄), and chooses `item`. */
export async function choose(page, target, item) {
  await target.hover();
  await target.getByRole("button", { name: "Message actions" }).click();
  const menu = target.getByRole("menu", { name: "Message actions" });
  await menu.waitFor();
  await menu.getByRole(item.startsWith("React with") || item.startsWith("Remove reaction") ? "menuitemradio" : "menuitem", { name: item, exact: true }).click();
  await menu.waitFor({ state: "detached" });
}

/** The items a bubble's menu offers (closed again with Escape). */
export async function menuItems(page, target) {
  await target.hover();
  await target.getByRole("button", { name: "Message actions" }).click();
  const menu = target.getByRole("menu", { name: "Message actions" });
  await menu.waitFor();
  const items = await menu.getByRole("menuitem").allTextContents();
  await page.keyboard.press("Escape");
  await menu.waitFor({ state: "detached" });
  return items;
}

/** Whether an element is inside its scrolling list's visible part. */
export async function inView(locator) {
  return locator.evaluate((el) => {
    const box = el.getBoundingClientRect();
    const list = el.closest(".messages").getBoundingClientRect();
    return box.top >= list.top - 1 && box.bottom <= list.bottom + 1;
  });
}

/** Waits until the message gone to is highlighted and scrolled into view. */
export async function jumpedTo(locator, what) {
  await until(`${what} highlighted in view`, async () =>
    (await locator.count()) === 1 && /\bhighlight\b/.test((await locator.getAttribute("class")) ?? "") && (await inView(locator)));
}

/**
 * Sends frames one at a time over a raw WebSocket as the device with `token` (a second device,
 * from server.adminUsers); resolves with each one's answer (ack, done or error).
 */
export async function rawSend(page, server, token, frames) {
  return page.evaluate(async ({ url, token, frames }) => {
    const ws = new WebSocket(url);
    const answers = [];
    await new Promise((resolve, reject) => {
      let i = 0;
      const next = () => (i < frames.length ? ws.send(JSON.stringify(frames[i])) : resolve());
      ws.onopen = () => ws.send(JSON.stringify({ type: "auth", token }));
      ws.onerror = () => reject(new Error("raw socket failed"));
      ws.onmessage = (ev) => {
        const f = JSON.parse(ev.data);
        if (f.type === "hello") next();
        else if (["ack", "done", "error"].includes(f.type) && f.id === frames[i]?.id) {
          answers.push(f);
          i++;
          next();
        }
      };
    });
    ws.close();
    return answers;
  }, { url: server.url.replace("http", "ws") + "/v1/ws", token, frames });
}

/** `count` numbered messages ("filler 1" …) into `chat` from another device of the user with `token`. */
export async function fillers(page, server, token, chat, count, prefix = "filler") {
  const frames = Array.from({ length: count }, (_, i) => ({ type: "send", id: `${prefix}-${i + 1}`, chat, text: `${prefix} ${i + 1}` }));
  const answers = await rawSend(page, server, token, frames);
  assert.ok(answers.every((a) => a.type === "ack"), `the fillers were sent: ${JSON.stringify(answers.find((a) => a.type !== "ack"))}`);
}

/** The chat id of the open chat (from the selected chat list row). */
export async function openChatId(page) {
  const selected = page.locator(".chat-list .chat-row.selected");
  await selected.waitFor();
  return Number(await selected.getAttribute("data-chat"));
}

/** Alice and Bob in a chat (Alice said "hi"), and Bob's second device's token for messages from outside the page. */
export async function aliceAndBob(server, browser, options = {}) {
  const { a, b } = await twoInAChat(server, browser, options);
  const [bob2] = await server.adminUsers([BOB]);
  return { a, b, bobToken: bob2.token, chat: await openChatId(a.page) };
}

/** A third user signed in, with a chat with Alice started by her. */
export async function carolWithAlice(server, browser, alicePage) {
  const c = await userPage(browser, server);
  await signIn(c.page, server, CAROL);
  await startChat(alicePage, CAROL);
  await say(alicePage, "hello carol");
  await row(c.page, SHOWN_ALICE).click();
  await bubble(c.page, "hello carol").waitFor();
  return c;
}

export { ALICE, BOB, SHOWN_ALICE, SHOWN_BOB, box };
