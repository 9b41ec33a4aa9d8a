// The end-to-end scenarios of profiles, contacts and blocks (docs/protocol.md §4.8), merged into
// scenarios.mjs: names where phones showed, saved contacts and a chat started from them, and a
// block that keeps a message from ever showing.

import assert from "node:assert/strict";
import { accessible, shoot, signIn, until, userPage } from "./harness.mjs";
import { ALICE, BOB, CAROL, SHOWN_ALICE, SHOWN_CAROL, box, bubble, row, say, startChat } from "./actions_helpers.mjs";
import { twoInAChat } from "./media.mjs";

export const status = (page) => page.locator("[data-status]");
export const header = (page) => page.locator(".chat-head h2");

/** Sets my display name in Settings → Profile and waits until it is saved. */
export async function setName(page, name) {
  await page.getByRole("button", { name: "Settings" }).click();
  const settings = page.getByRole("complementary", { name: "Settings" });
  const field = settings.getByLabel("Name", { exact: true });
  await until("my profile to load", () => field.isEnabled());
  await field.fill(name);
  await settings.getByRole("button", { name: "Save", exact: true }).click();
  await settings.getByRole("status").filter({ hasText: "Saved" }).waitFor();
  await page.getByRole("button", { name: "Close settings" }).click();
}

/** Chooses an item of the open chat's ⋮ menu. */
export async function chatMenu(page, item) {
  await page.getByRole("button", { name: "Chat menu" }).click();
  await page.getByRole("menu", { name: "Chat menu" }).getByRole("menuitem", { name: item, exact: true }).click();
  await page.getByRole("menu", { name: "Chat menu" }).waitFor({ state: "detached" });
}


async function signedIn(browser, server, phone, options = {}) {
  const u = await userPage(browser, server, options);
  await signIn(u.page, server, phone);
  return u;
}

export const peopleScenarios = {
  /**
   * Alice, Bob and Carol set their names. Alice's chat list and header name Bob, Bob's name
   * Alice, the initials come from the name; in a group, the senders, the header's member list
   * and the info panel say names. Bob's rename reaches Alice live. Carol hides her name from
   * everyone: after a reload Alice sees her number again.
   */
  async profile_names_shown_everywhere({ server, browser }) {
    const a = await signedIn(browser, server, ALICE);
    const b = await signedIn(browser, server, BOB);
    const c = await signedIn(browser, server, CAROL);
    await setName(a.page, "Alice Liddell");
    await setName(b.page, "Bob Builder");
    await setName(c.page, "Carol Danvers");
    await a.page.locator(".side-head .me").filter({ hasText: "Alice Liddell" }).waitFor();

    await startChat(a.page, BOB);
    await header(a.page).filter({ hasText: "Bob Builder" }).waitFor();
    await say(a.page, "hi bob");
    await row(a.page, "Bob Builder").waitFor();
    assert.equal(await row(a.page, "Bob Builder").locator(".avatar").textContent(), "BB", "initials from the name");
    await row(b.page, "Alice Liddell").click();
    await header(b.page).filter({ hasText: "Alice Liddell" }).waitFor();
    await bubble(b.page, "hi bob").waitFor();

    await a.page.getByRole("button", { name: "New group" }).click();
    await a.page.getByLabel("Group name").fill("Trio");
    await a.page.getByLabel("Members (phone numbers, separated by commas)").fill(`${BOB}, ${CAROL}`);
    await a.page.getByRole("button", { name: "Create group" }).click();
    await header(a.page).filter({ hasText: "Trio" }).waitFor();
    await row(c.page, "Trio").click();
    await say(c.page, "hello trio");
    await bubble(a.page, "hello trio").locator(".sender").filter({ hasText: "Carol Danvers" }).waitFor();
    await until("member names in the group's header", async () => {
      const line = (await status(a.page).textContent()) ?? "";
      return line.includes("Bob Builder") && line.includes("Carol Danvers");
    });
    await a.page.getByRole("button", { name: "Group info" }).click();
    const info = a.page.getByRole("complementary", { name: "Group info" });
    await info.locator("li[data-member]").filter({ hasText: "Carol Danvers" }).waitFor();
    await info.locator("li[data-member]").filter({ hasText: "Bob Builder" }).waitFor();
    await shoot(a.page, "profile-names");
    await a.page.getByRole("button", { name: "Close info" }).click();

    await setName(b.page, "Bobby");                          // live: a profile frame
    await row(a.page, "Bobby").waitFor();
    await until("the new name in the group's header", async () => ((await status(a.page).textContent()) ?? "").includes("Bobby"));

    await c.page.getByRole("button", { name: "Settings" }).click();
    const names = c.page.getByRole("complementary", { name: "Settings" }).getByRole("group", { name: "Who can see my name" });
    await until("the name setting loaded", () => names.getByLabel("Everyone").isChecked());
    await names.getByLabel("Nobody").click();   // checked once the server echoes it
    await until("the name setting saved", () => names.getByLabel("Nobody").isChecked());
    await a.page.reload();
    await row(a.page, "Trio").click();
    await bubble(a.page, "hello trio").locator(".sender").filter({ hasText: SHOWN_CAROL }).waitFor();
  },

  /**
   * Alice saves Bob as a contact (a number not on parley is refused in words); her other device
   * lists him too. "Message" starts the chat, named with the contact name rather than Bob's own;
   * New chat offers the contact; removing it brings Bob's own name back. axe-core checks the
   * Contacts panel and the chat menu.
   */
  async contacts_and_new_chat_from_contacts({ server, browser }) {
    const a = await signedIn(browser, server, ALICE, { bypassCSP: true });   // axe-core is injected
    const a2 = await signedIn(browser, server, ALICE);
    const b = await signedIn(browser, server, BOB);
    await setName(b.page, "Bob Builder");

    await a.page.getByRole("button", { name: "Contacts" }).click();
    const panel = a.page.getByRole("complementary", { name: "Contacts" });
    await panel.getByLabel("Phone number (with country code)").fill("+14155550199");
    await panel.getByLabel("Name", { exact: true }).fill("Nobody");
    await panel.getByRole("button", { name: "Add contact" }).click();
    await panel.getByRole("alert").filter({ hasText: "is not on parley yet" }).waitFor();
    await panel.getByLabel("Phone number (with country code)").fill(BOB);
    await panel.getByLabel("Name", { exact: true }).fill("Bob (work)");
    await panel.getByRole("button", { name: "Add contact" }).click();
    const entry = panel.locator("li[data-contact]").filter({ hasText: "Bob (work)" });
    // The entry may show the name a moment before the number: the live `contact` frame (sent to
    // every device of Alice's) can come before the answer to her own request, which brings it.
    await entry.filter({ hasText: "+1 415 555 0102" }).waitFor();
    await shoot(a.page, "contacts");
    await accessible(a.page, "the contacts panel");

    await a2.page.getByRole("button", { name: "Contacts" }).click();
    await a2.page.getByRole("complementary", { name: "Contacts" }).locator("li[data-contact]").filter({ hasText: "Bob (work)" }).waitFor();

    await entry.getByRole("button", { name: "Message Bob (work)" }).click();
    await header(a.page).filter({ hasText: "Bob (work)" }).waitFor();
    await say(a.page, "hi from my contacts");
    await a.page.getByRole("button", { name: "Chat menu" }).click();
    await a.page.getByRole("menu", { name: "Chat menu" }).waitFor();
    await accessible(a.page, "the chat menu");
    await a.page.keyboard.press("Escape");
    await row(a.page, "Bob (work)").waitFor();
    await row(b.page, SHOWN_ALICE).click();
    await bubble(b.page, "hi from my contacts").waitFor();

    await a.page.getByRole("button", { name: "New chat" }).click();
    const dialog = a.page.getByRole("dialog", { name: "New chat" });
    await dialog.getByRole("button", { name: "Bob (work)" }).click();
    await dialog.waitFor({ state: "detached" });
    await header(a.page).filter({ hasText: "Bob (work)" }).waitFor();

    await entry.getByRole("button", { name: "Remove Bob (work)" }).click();
    await entry.waitFor({ state: "detached" });
    await panel.getByText("No contacts yet.").waitFor();
    await row(a.page, "Bob Builder").waitFor();
    await a2.page.getByRole("complementary", { name: "Contacts" }).getByText("No contacts yet.").waitFor();
  },

  /**
   * Bob blocks Alice from the chat menu: the message box gives way to "You blocked …" with
   * Unblock. What Alice sends meanwhile never shows at Bob's, not even after the unblock and a
   * reload; what she sends after the unblock does, and Bob can answer again.
   */
  async block_and_unblock({ server, browser }) {
    const { a, b } = await twoInAChat(server, browser);
    await chatMenu(b.page, `Block ${SHOWN_ALICE}`);
    const note = b.page.locator("[data-blocked-note]");
    await note.waitFor();
    assert.equal(await box(b.page).count(), 0, "no message box while blocked");
    await b.page.getByRole("button", { name: "Contacts" }).click();
    await b.page.getByRole("complementary", { name: "Contacts" }).locator("[data-blocked]").filter({ hasText: SHOWN_ALICE }).waitFor();
    await b.page.getByRole("button", { name: "Close contacts" }).click();
    await shoot(b.page, "blocked");

    await say(a.page, "are you there?");                    // committed: Alice's one tick
    await note.getByRole("button", { name: "Unblock" }).click();
    await note.waitFor({ state: "detached" });
    await box(b.page).waitFor();
    await say(a.page, "after the unblock");
    await bubble(b.page, "after the unblock").waitFor();
    assert.equal(await bubble(b.page, "are you there?").count(), 0, "the message sent while blocked never shows");
    await b.page.reload();
    await row(b.page, SHOWN_ALICE).click();
    await bubble(b.page, "after the unblock").waitFor();
    assert.equal(await bubble(b.page, "are you there?").count(), 0, "nor after a reload");
    await say(b.page, "welcome back");
    await bubble(a.page, "welcome back").waitFor();
  },
};
