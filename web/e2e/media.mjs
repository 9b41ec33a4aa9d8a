// The end-to-end scenarios of photos, videos, voice notes and files (docs/protocol.md §7,
// Media), merged into scenarios.mjs. The test files come from media_files.mjs; the helpers here
// are shared with avatars.mjs.

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { accessible, shoot, signIn, until, userPage } from "./harness.mjs";
import { jpeg, pdf, voiceNote, webmVideo } from "./media_files.mjs";

export const ALICE = "+14155550101";
export const BOB = "+14155550102";
export const SHOWN_ALICE = "+1 415 555 0101";
export const SHOWN_BOB = "+1 415 555 0102";

export const box = (page) => page.getByLabel("Message", { exact: true });
export const mediaBubble = (page, kind) => page.locator(`li.bubble.media.kind-${kind}`);
const uploadBubble = (page) => page.locator("li.bubble.upload");
export const SENT = "[data-tick='sent'], [data-tick='delivered'], [data-tick='read']";   // committed (Bob may have read it)

/** Fails the scenario on any Content-Security-Policy refusal in the page. */
export function watchCsp(page) {
  const refused = [];
  page.on("console", (m) => { if (/Content Security Policy/i.test(m.text())) refused.push(m.text()); });
  return () => assert.deepEqual(refused, [], "the page broke its Content-Security-Policy");
}

/** Picks files with the paperclip button (the browser's file chooser). */
export async function attach(page, files) {
  const [chooser] = await Promise.all([page.waitForEvent("filechooser"), page.getByRole("button", { name: "Attach files" }).click()]);
  await chooser.setFiles(files);
}

/** Alice and Bob signed in, each with their one-to-one chat open (started by Alice's "hi"). */
export async function twoInAChat(server, browser, { bobBypassesCsp = false } = {}) {
  const a = await userPage(browser, server);
  await signIn(a.page, server, ALICE);
  const b = await userPage(browser, server, { bypassCSP: bobBypassesCsp });   // axe-core is injected
  await signIn(b.page, server, BOB);
  await a.page.getByRole("button", { name: "New chat" }).click();
  await a.page.getByLabel("Phone number (with country code)").fill(BOB);
  await a.page.getByRole("button", { name: "Start chat" }).click();
  await box(a.page).fill("hi");
  await box(a.page).press("Enter");
  await b.page.locator(".chat-list").getByRole("button", { name: new RegExp("^\\" + SHOWN_ALICE) }).click();
  await b.page.locator("li.bubble").filter({ hasText: "hi" }).waitFor();
  return { a, b };
}

async function tokenOf(page) {
  return page.evaluate(() => JSON.parse(localStorage.getItem("parley.session")).token);
}

export const mediaScenarios = {
  /**
   * A video recorded in the page is sent; Bob opens it from its bubble and the viewer plays it
   * in a <video> from a blob: URL (the CSP's media-src allows it): it loads its metadata, with
   * no "can't be played" and no CSP refusal.
   */
  async video_plays_in_the_viewer({ server, browser }) {
    const { a, b } = await twoInAChat(server, browser);
    const cspOk = watchCsp(b.page);
    await attach(a.page, await webmVideo(a.page));
    await box(a.page).fill("a square");
    await box(a.page).press("Enter");
    const clip = mediaBubble(b.page, "video").filter({ hasText: "a square" });
    await clip.getByRole("button", { name: "Play video" }).click();
    const viewer = b.page.getByRole("dialog", { name: `Video from ${SHOWN_ALICE}` });
    const video = viewer.locator("video[data-full='true']");
    await video.waitFor();
    assert.match(await video.getAttribute("src"), /^blob:/, "the video plays from a blob: URL");
    await until("the video's metadata", () => video.evaluate((v) => v.readyState >= 1 || v.duration > 0));
    assert.equal(await video.evaluate((v) => v.error), null, "no media error");
    assert.equal(await viewer.getByText("This video can't be played here", { exact: false }).count(), 0);
    await shoot(b.page, "video-viewer");
    await b.page.keyboard.press("Escape");
    await viewer.waitFor({ state: "detached" });
    cspOk();
  },

  /**
   * Alice sends a photo with a caption from the paperclip. Bob sees it at once as its blurred
   * inline thumbnail, shaped like the photo, then sharp when the preview is downloaded; a click
   * opens the viewer (a dialog with the full image and a download), Escape closes it and focus
   * returns to the photo. The chat list says "📷 the view".
   */
  async send_photo_shows_thumbnail_then_full_image_to_recipient({ server, browser }) {
    const { a, b } = await twoInAChat(server, browser, { bobBypassesCsp: true });
    const cspOk = watchCsp(a.page);
    let releasePreview;
    const previewHeld = new Promise((r) => { releasePreview = r; });
    await b.page.route("**/v1/media/*/preview", async (route) => { await previewHeld; await route.continue(); });

    await attach(a.page, { name: "view.jpg", mimeType: "image/jpeg", buffer: await jpeg(a.page, 1200, 900) });
    await a.page.locator("[data-chosen='view.jpg']").waitFor();
    await box(a.page).fill("the view");
    await box(a.page).press("Enter");
    const mine = mediaBubble(a.page, "image").filter({ hasText: "the view" });
    await mine.locator(SENT).waitFor();
    assert.equal(await uploadBubble(a.page).count(), 0, "the upload bubble gave way to the message");

    const photo = mediaBubble(b.page, "image").filter({ hasText: "the view" });
    const img = photo.locator(".media-visual img");
    await img.waitFor();
    assert.match(await img.getAttribute("src"), /^data:image\/jpeg;base64,/, "the inline thumbnail first");
    assert.equal(await img.getAttribute("class"), "blurred");
    const [w, h] = [Number(await img.getAttribute("width")), Number(await img.getAttribute("height"))];
    assert.ok(Math.abs(w / h - 4 / 3) < 0.02, `shaped like the photo (${w}×${h})`);
    await shoot(b.page, "photo-thumbnail");
    releasePreview();
    await photo.locator("img[data-loaded='true']").waitFor();
    assert.match(await img.getAttribute("src"), /^blob:/, "then the preview, downloaded with the token");
    await b.page.locator(".chat-list .chat-row").first().filter({ hasText: "📷 the view" }).waitFor();

    await photo.getByRole("button", { name: "Open photo" }).click();
    const viewer = b.page.getByRole("dialog", { name: `Photo from ${SHOWN_ALICE}` });
    await viewer.locator("img[data-full='true']").waitFor();
    assert.equal(await viewer.locator("img").evaluate((el) => el.naturalWidth), 1200, "the full image");
    assert.equal(await b.page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Close viewer");
    await viewer.getByText("the view").waitFor();
    await accessible(b.page, "the photo viewer");
    await shoot(b.page, "photo-viewer");
    const [download] = await Promise.all([b.page.waitForEvent("download"), viewer.getByRole("button", { name: "Download view.jpg" }).click()]);
    assert.equal(download.suggestedFilename(), "view.jpg");
    await b.page.keyboard.press("Escape");
    await viewer.waitFor({ state: "detached" });
    assert.equal(await b.page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Open photo", "focus returns to the photo");
    await photo.getByRole("button", { name: "Open photo" }).click();
    await viewer.getByRole("button", { name: "Close viewer" }).click();
    await viewer.waitFor({ state: "detached" });
    await accessible(b.page, "a chat with a photo");
    cspOk();
  },

  /**
   * After a reload the chat list still names the last media, from GET /v1/chats alone (the
   * socket is held back): "📷 Photo" for an uncaptioned photo, "You: 📄 notes.pdf" for my file,
   * never the empty preview of a system message.
   */
  async chat_list_names_the_last_media_after_reload({ server, browser }) {
    const { a, b } = await twoInAChat(server, browser);
    const firstRow = (page) => page.locator(".chat-list .chat-row").first();
    /** Reloads with the WebSocket answered by nobody, so only the HTTP chat list speaks. */
    const reloadWithoutSocket = async (page) => {
      await page.routeWebSocket(/\/v1\/ws$/, () => {});
      await page.reload();
    };
    await attach(a.page, { name: "plain.jpg", mimeType: "image/jpeg", buffer: await jpeg(a.page, 400, 300) });
    await box(a.page).press("Enter");
    await mediaBubble(b.page, "image").locator("img").waitFor();
    await firstRow(b.page).filter({ hasText: "📷 Photo" }).waitFor();
    await reloadWithoutSocket(b.page);
    await firstRow(b.page).filter({ hasText: "📷 Photo" }).waitFor();

    await attach(a.page, { name: "notes.pdf", mimeType: "application/pdf", buffer: pdf("notes") });
    await box(a.page).press("Enter");
    await mediaBubble(a.page, "file").locator(SENT).waitFor();
    await reloadWithoutSocket(a.page);
    await firstRow(a.page).filter({ hasText: "You: 📄 notes.pdf" }).waitFor();
    await shoot(a.page, "chat-list-last-media");
  },

  /**
   * Files dragged over the chat show the drop overlay; dropped, they wait in the composer's
   * strip with a pasted image; one is taken out before sending. Several files go as one
   * message each, the caption with the first.
   */
  async attach_by_drag_and_drop_and_paste({ server, browser }) {
    const { a, b } = await twoInAChat(server, browser);
    const cspOk = watchCsp(a.page);
    const png = await a.page.evaluate(async () => {
      const c = document.createElement("canvas");
      c.width = 320; c.height = 200;
      const g = c.getContext("2d");
      g.fillStyle = "#0a5fb4"; g.fillRect(0, 0, 320, 200);
      g.fillStyle = "#fff"; g.fillRect(40, 40, 120, 80);
      const bytes = new Uint8Array(await (await new Promise((r) => c.toBlob(r, "image/png"))).arrayBuffer());
      return [...bytes];
    });
    const transfer = (files) => a.page.evaluateHandle((files) => {
      const dt = new DataTransfer();
      for (const f of files) dt.items.add(new File([Uint8Array.from(f.bytes)], f.name, { type: f.type }));
      return dt;
    }, files);
    const notes = { name: "notes.pdf", type: "application/pdf", bytes: [...pdf("notes")] };
    const shot = { name: "image.png", type: "image/png", bytes: png };

    const view = a.page.locator("section.chat-view");
    const dropped = await transfer([notes]);
    await view.dispatchEvent("dragenter", { dataTransfer: dropped });
    await a.page.locator("[data-drop-overlay]").waitFor();
    await shoot(a.page, "drop-overlay");
    await view.dispatchEvent("drop", { dataTransfer: dropped });
    await a.page.locator("[data-drop-overlay]").waitFor({ state: "detached" });
    await a.page.locator("[data-chosen='notes.pdf']").waitFor();

    const pasted = await transfer([shot]);
    await box(a.page).evaluate((el, dt) => el.dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true })), pasted);
    await a.page.locator("[data-chosen='image.png']").waitFor();
    assert.equal(await box(a.page).getAttribute("placeholder"), "Add a caption");
    await shoot(a.page, "attach-strip");
    await a.page.getByRole("button", { name: "Remove notes.pdf" }).click();
    await a.page.locator("[data-chosen='notes.pdf']").waitFor({ state: "detached" });
    await box(a.page).fill("pasted");
    await a.page.getByRole("button", { name: "Send" }).click();
    await mediaBubble(b.page, "image").filter({ hasText: "pasted" }).locator("img").waitFor();
    assert.equal(await a.page.locator("[data-chosen]").count(), 0, "the strip is empty once sent");

    const two = await transfer([notes, shot]);
    await view.dispatchEvent("drop", { dataTransfer: two });
    await a.page.locator("[data-chosen]").nth(1).waitFor();
    await box(a.page).fill("two files");
    await box(a.page).press("Enter");
    const file = mediaBubble(b.page, "file");
    await file.filter({ hasText: "notes.pdf" }).filter({ hasText: "two files" }).waitFor();
    await until("the second file's message", async () => (await mediaBubble(b.page, "image").count()) === 2);
    assert.equal(await mediaBubble(b.page, "image").last().locator(".text").count(), 0, "the caption goes with the first file only");
    assert.match(await file.locator(".file-size").textContent(), /^\d+ (B|KB)$/);
    cspOk();
  },

  /**
   * A large file's upload shows its progress in the pending bubble; ✕ aborts it, the server
   * drops its bytes (DELETE) and nothing is sent.
   */
  async upload_progress_and_cancel({ server, browser }) {
    const { a, b } = await twoInAChat(server, browser);
    let patches = 0;
    let releaseSecond;
    const secondHeld = new Promise((r) => { releaseSecond = r; });
    const deletes = [];
    // The DELETE counts once the server has answered it: a request event fires as it is sent.
    a.page.on("requestfinished", (r) => { if (r.method() === "DELETE" && r.url().includes("/v1/media/uploads/")) deletes.push(r.url()); });
    await a.page.route("**/v1/media/uploads/*", async (route) => {
      if (route.request().method() === "PATCH" && ++patches === 2) await secondHeld;
      await route.continue().catch(() => {});
    });
    await attach(a.page, { name: "big.bin", mimeType: "application/octet-stream", buffer: randomBytes(3.5 * 1024 * 1024) });
    await box(a.page).press("Enter");
    const pending = uploadBubble(a.page).filter({ hasText: "big.bin" });
    const bar = pending.getByRole("progressbar", { name: "Uploading big.bin" });
    await until("progress after the first chunk", async () => Number(await bar.getAttribute("data-progress")) >= 28);
    assert.ok(Number(await bar.getAttribute("data-progress")) < 100);
    await shoot(a.page, "upload-progress");
    await pending.getByRole("button", { name: "Cancel sending big.bin" }).click();
    await pending.waitFor({ state: "detached" });
    releaseSecond();
    await until("the answered DELETE of the upload", () => deletes.length === 1);
    const head = await fetch(deletes[0].replace(/^.*(\/v1\/)/, `${server.url}$1`), { method: "HEAD", headers: { Authorization: `Bearer ${await tokenOf(a.page)}` } });
    assert.equal(head.status, 404, "the server dropped the upload");
    await box(a.page).fill("after the cancel");
    await box(a.page).press("Enter");
    await b.page.locator("li.bubble").filter({ hasText: "after the cancel" }).waitFor();
    assert.equal(await b.page.locator("li.bubble.media").count(), 0, "nothing was sent");
  },

  /**
   * A photo sent while offline fails with a Retry button and stays in the browser's queue
   * (IndexedDB, with its bytes) across a reload; Retry sends it. A server error fails the same
   * way; a file the server refuses says why in words, without Retry.
   */
  async failed_upload_retries_from_offline_queue({ server, browser }) {
    const { a, b } = await twoInAChat(server, browser);
    const photo = { name: "queued.jpg", mimeType: "image/jpeg", buffer: await jpeg(a.page, 640, 480) };
    await a.context.setOffline(true);
    await attach(a.page, photo);
    await box(a.page).fill("from the queue");
    await box(a.page).press("Enter");
    const failed = a.page.locator("li.bubble.upload[data-state='failed']").filter({ hasText: "from the queue" });
    await failed.waitFor({ timeout: 20_000 });
    await failed.getByText("Not sent: the server can't be reached. Retry when you are back online.").waitFor();
    await failed.getByRole("button", { name: "Retry sending queued.jpg" }).waitFor();
    await shoot(a.page, "upload-failed");
    await a.context.setOffline(false);
    await a.page.reload();
    await a.page.locator(".chat-list").getByRole("button", { name: new RegExp("^\\" + SHOWN_BOB) }).click();
    const kept = uploadBubble(a.page).filter({ hasText: "from the queue" });
    await kept.getByText("The upload was interrupted.").or(kept.getByText("Not sent: the server can't be reached.", { exact: false })).waitFor();
    await kept.getByRole("button", { name: "Retry sending queued.jpg" }).click();
    await mediaBubble(a.page, "image").filter({ hasText: "from the queue" }).locator(SENT).waitFor();
    await mediaBubble(b.page, "image").filter({ hasText: "from the queue" }).locator("img").waitFor();
    assert.equal(await uploadBubble(a.page).count(), 0);

    // A server error: the same failed bubble; Retry once the server answers again.
    await a.page.route("**/v1/media", (route) => route.fulfill({ status: 503, contentType: "application/json", body: '{"error":"unavailable","message":"store down"}' }));
    await attach(a.page, { name: "second.jpg", mimeType: "image/jpeg", buffer: await jpeg(a.page, 300, 300) });
    await box(a.page).press("Enter");
    const second = uploadBubble(a.page).filter({ hasText: "The server could not take the file. Try again." });
    await second.waitFor();
    await a.page.unroute("**/v1/media");
    await second.getByRole("button", { name: "Retry sending second.jpg" }).click();
    await until("the second photo at Bob's", async () => (await mediaBubble(b.page, "image").count()) === 2);

    // Refused by the server (a "photo" whose bytes are a PDF): words, no Retry, Remove.
    await attach(a.page, { name: "fake.jpg", mimeType: "image/jpeg", buffer: pdf("not a photo") });
    await box(a.page).press("Enter");
    const refused = uploadBubble(a.page).filter({ hasText: "This photo can't be sent: its format isn't supported." });
    await refused.waitFor();
    assert.equal(await refused.getByRole("button", { name: "Retry sending fake.jpg" }).count(), 0);
    await refused.getByRole("button", { name: "Remove fake.jpg" }).click();
    await refused.waitFor({ state: "detached" });
    const stored = await a.page.evaluate(async () => {
      const device = JSON.parse(localStorage.getItem("parley.session")).device;
      const db = await new Promise((r) => { const o = indexedDB.open(`parley-outbox-${device}`); o.onsuccess = () => r(o.result); });
      const n = await new Promise((r) => { const q = db.transaction("uploads").objectStore("uploads").count(); q.onsuccess = () => r(q.result); });
      db.close();
      return n;
    });
    assert.equal(stored, 0, "nothing is left in the queue");
  },

  /**
   * A file and a voice note: Bob downloads the file under its name with the same bytes; the
   * voice note shows its waveform and duration and plays. The chat list says "🎤 Voice message".
   */
  async file_and_voice_bubbles_download({ server, browser }) {
    const { a, b } = await twoInAChat(server, browser, { bobBypassesCsp: true });
    const report = pdf("quarterly report");
    await attach(a.page, { name: "report.pdf", mimeType: "application/pdf", buffer: report });
    await box(a.page).press("Enter");
    const file = mediaBubble(b.page, "file").filter({ hasText: "report.pdf" });
    await file.waitFor();
    await file.getByText(/^\d+(\.\d)? KB$/).waitFor();
    const [download] = await Promise.all([b.page.waitForEvent("download"), file.getByRole("button", { name: "Download report.pdf" }).click()]);
    assert.equal(download.suggestedFilename(), "report.pdf");
    assert.deepEqual(await readFile(await download.path()), report, "the same bytes");

    const voice = await voiceNote(a.page);
    await attach(a.page, voice);
    await box(a.page).press("Enter");
    const note = mediaBubble(b.page, "voice");
    await note.waitFor();
    assert.equal(await note.locator("svg.waveform rect").count(), 64);
    await note.getByRole("img", { name: /^Voice message, 0:0[12]$/ }).waitFor();
    await b.page.locator(".chat-list .chat-row").first().filter({ hasText: "🎤 Voice message" }).waitFor();
    await accessible(b.page, "file and voice bubbles");
    await shoot(b.page, "file-and-voice");
    await note.getByRole("button", { name: "Play voice message" }).click();
    await note.getByRole("button", { name: "Pause voice message" }).waitFor();
    await until("the voice note to play to its end", async () => (await note.getByRole("button", { name: "Play voice message" }).count()) === 1, 10_000);
    assert.equal(await note.getByText("Can't play this voice message.").count(), 0);
  },
};
