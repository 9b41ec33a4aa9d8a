// The end-to-end scenario of profile and group photos (docs/protocol.md: `PUT /v1/me/avatar`,
// `change` op `avatar`, the chat list's `avatar` and `peer_avatar`), merged into scenarios.mjs.

import assert from "node:assert/strict";
import { shoot, until } from "./harness.mjs";
import { BOB, SHOWN_ALICE, twoInAChat, watchCsp } from "./media.mjs";
import { jpeg } from "./media_files.mjs";

/** Picks a file with a button that opens the browser's file chooser. */
async function pick(page, button, file) {
  const [chooser] = await Promise.all([page.waitForEvent("filechooser"), button.click()]);
  await chooser.setFiles(file);
}

/** A chat list row by the name it starts with. */
const row = (page, name) => page.locator(".chat-list").getByRole("button", { name: new RegExp("^" + name.replace(/[+]/g, "\\+")) });

/** Waits until a picture shows from a blob: URL (downloaded with the token) and has decoded. */
async function shown(img, what) {
  await img.waitFor();
  assert.match(await img.getAttribute("src"), /^blob:/, `${what} comes from a blob: URL`);
  await until(`${what} to decode`, () => img.evaluate((i) => i.complete && i.naturalWidth > 0));
}

export const avatarScenarios = {
  /**
   * Alice picks a profile photo in Settings and, as its admin, a photo for a group with Bob in
   * the group's info. Bob sees the group's at once (its system message carries it) and, after
   * a reload, both in his chat list and in the chat's header, as pictures in their circle.
   */
  async profile_and_group_photos_show_for_others({ server, browser }) {
    const { a, b } = await twoInAChat(server, browser);
    const cspOk = watchCsp(b.page);

    await a.page.getByRole("button", { name: "Settings" }).click();
    const settings = a.page.getByRole("complementary", { name: "Settings" });
    await pick(a.page, settings.getByRole("button", { name: "Choose photo" }), { name: "me.jpg", mimeType: "image/jpeg", buffer: await jpeg(a.page, 600, 600) });
    await shown(settings.locator("[data-photo-setting='profile-photo'] .avatar img"), "my profile photo in Settings");
    await settings.getByRole("button", { name: "Remove photo" }).waitFor();
    await shoot(a.page, "profile-photo");
    await a.page.getByRole("button", { name: "Close settings" }).click();

    await a.page.getByRole("button", { name: "New group" }).click();
    await a.page.getByLabel("Group name").fill("Hikers");
    await a.page.getByLabel("Members (phone numbers, separated by commas)").fill(BOB);
    await a.page.getByRole("button", { name: "Create group" }).click();
    await a.page.locator(".chat-head h2").filter({ hasText: "Hikers" }).waitFor();
    await a.page.getByRole("button", { name: "Group info" }).click();
    const info = a.page.getByRole("complementary", { name: "Group info" });
    await pick(a.page, info.getByRole("button", { name: "Choose photo" }), { name: "trail.jpg", mimeType: "image/jpeg", buffer: await jpeg(a.page, 800, 500) });
    await shown(info.locator("[data-photo-setting='group-photo'] .avatar img"), "the group photo in its info");
    await shown(a.page.locator(".chat-head .avatar img"), "the group photo in the header");
    await a.page.locator("li.system").filter({ hasText: "changed the picture" }).waitFor();

    await shown(row(b.page, "Hikers").locator(".avatar img"), "the group photo at Bob's, live");
    await b.page.reload();
    await shown(row(b.page, "Hikers").locator(".avatar img"), "the group photo at Bob's after a reload");
    await shown(row(b.page, SHOWN_ALICE).locator(".avatar img"), "Alice's profile photo at Bob's after a reload");
    await row(b.page, SHOWN_ALICE).click();
    await shown(b.page.locator(".chat-head .avatar img"), "Alice's profile photo in the chat header");
    await shoot(b.page, "chat-list-photos");

    await a.page.getByRole("button", { name: "Settings" }).click();
    await settings.getByRole("button", { name: "Remove photo" }).click();
    await settings.getByRole("button", { name: "Choose photo" }).waitFor();
    assert.equal(await settings.locator("[data-photo-setting='profile-photo'] .avatar img").count(), 0, "the initials again");
    cspOk();
  },
};
