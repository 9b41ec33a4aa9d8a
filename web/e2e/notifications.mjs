// The end-to-end scenario of notifications (docs/protocol.md §4.9), merged into scenarios.mjs.
// Headless Chromium reaches no push service, so the page's PushManager is replaced by one that
// hands out a subscription with a real P-256 key (what the server checks), and pushes are
// delivered to the service worker through the DevTools protocol
// (ServiceWorker.deliverPushMessage), as a push service would after decrypting them.

import assert from "node:assert/strict";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { shoot, signIn, until, userPage } from "./harness.mjs";
import { ALICE, BOB, SHOWN_BOB, rawSend, row } from "./actions_helpers.mjs";

/** A Web Push subscription as a browser would make it: an https endpoint, a P-256 key and a 16-byte secret. */
function fakeSubscription() {
  const { publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const jwk = publicKey.export({ format: "jwk" });
  const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, "base64url"), Buffer.from(jwk.y, "base64url")]);
  return {
    endpoint: `https://fcm.googleapis.com/fcm/send/e2e-${randomBytes(8).toString("hex")}`,
    p256dh: point.toString("base64url"),
    auth: randomBytes(16).toString("base64url"),
  };
}

/**
 * Before any script of the page: PushManager hands out `sub` (and records unsubscribe), and
 * `document.hidden` follows `window.__e2eHidden`, so the test can hide the tab.
 */
async function stubBrowser(context, sub) {
  await context.addInitScript(({ endpoint, p256dh, auth }) => {
    let current = null;
    const made = {
      endpoint, options: { applicationServerKey: null, userVisibleOnly: true },
      toJSON: () => ({ endpoint, expirationTime: null, keys: { p256dh, auth } }),
      unsubscribe: async () => { current = null; window.__e2eUnsubscribed = true; return true; },
    };
    PushManager.prototype.subscribe = async function () { current = made; return made; };
    PushManager.prototype.getSubscription = async function () { return current; };
    Object.defineProperty(Document.prototype, "hidden", { configurable: true, get: () => window.__e2eHidden === true });
  }, sub);
}

/** The notifications the service worker's registration shows now: [{title, body, tag}]. */
const notifications = (page) => page.evaluate(async () =>
  (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag })));

async function targets(server, token) {
  const res = await fetch(`${server.url}/v1/push/targets`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200, `GET /v1/push/targets: ${res.status}`);
  return (await res.json()).targets;
}

export const notificationScenarios = {
  /**
   * Alice turns Notifications on in Settings: the page subscribes with the server's VAPID key
   * and the server lists a webpush target for her device. A push delivered to the service
   * worker shows its title, body and tag; a second with the same tag replaces it. With the tab
   * hidden, Bob's message shows a notification from the page. Signing out unsubscribes, and the
   * revoked device's target is gone.
   */
  async push_notification_shown_and_target_registered({ server, browser }) {
    const a = await userPage(browser, server);
    await a.context.grantPermissions(["notifications"], { origin: server.url });
    await stubBrowser(a.context, fakeSubscription());
    await a.page.reload();
    await signIn(a.page, server, ALICE);
    const session = await a.page.evaluate(() => JSON.parse(localStorage.getItem("parley.session")));

    await a.page.getByRole("button", { name: "Settings" }).click();
    const settings = a.page.getByRole("complementary", { name: "Settings" });
    await settings.getByRole("checkbox", { name: "Notifications", exact: true }).click();   // checked once the server answered
    const hint = settings.locator("[data-notifications='on']");
    await hint.waitFor();
    assert.equal(await hint.textContent(), "New messages are notified on this device, also when parley is closed.", "by push, not only in the tab");
    const registered = await until("the push target on the server", async () => {
      const list = await targets(server, session.token);
      return list.length ? list : null;
    });
    assert.deepEqual(registered.map((t) => [t.provider, t.device]), [["webpush", session.device]]);
    await shoot(a.page, "settings-notifications");
    await a.page.getByRole("button", { name: "Close settings" }).click();

    // A push, as the push service delivers it to the service worker.
    const cdp = await a.context.newCDPSession(a.page);
    const registrations = [];
    const versions = [];
    cdp.on("ServiceWorker.workerRegistrationUpdated", (e) => registrations.push(...e.registrations));
    cdp.on("ServiceWorker.workerVersionUpdated", (e) => versions.push(...e.versions));
    await cdp.send("ServiceWorker.enable");
    const registration = await until("the service worker's registration", () =>
      registrations.find((r) => !r.isDeleted && r.scopeURL === `${server.url}/`));
    await until("the service worker activated", () =>
      versions.some((v) => v.registrationId === registration.registrationId && v.status === "activated"));
    /** Delivers `payload` until `shown` holds (a push DevTools hands over while the worker starts can be lost; the tag makes a repeat replace it). */
    const pushUntil = (what, payload, shown) => until(what, async () => {
      await cdp.send("ServiceWorker.deliverPushMessage",
        { origin: server.url, registrationId: registration.registrationId, data: JSON.stringify(payload) });
      const deadline = Date.now() + 2000;
      while (Date.now() < deadline) {
        if (shown(await notifications(a.page))) return true;
        await new Promise((r) => setTimeout(r, 50));
      }
      return false;
    });
    const payload = { event: "message", chat: 42, kind: "direct", seq: 9, count: 1, badge: 1, title: "Bo", body: "see you at 8", tag: "chat-42" };
    await pushUntil("the pushed notification", payload, (list) => list.some((n) => n.body === "see you at 8" && n.title === "Bo" && n.tag === "chat-42"));
    await pushUntil("the newer notification replacing it", { ...payload, seq: 11, count: 3, body: "3 new messages" }, (list) => {
      const shown = list.filter((n) => n.tag === "chat-42");
      return shown.length === 1 && shown[0].body === "3 new messages";
    });

    // The tab is open but hidden: the page itself notifies Bob's message.
    const [bob, alice] = await server.adminUsers([BOB, ALICE]);
    await a.page.evaluate(() => { window.__e2eHidden = true; });
    const [ack] = await rawSend(a.page, server, bob.token, [{ type: "send", id: "wake-1", to: alice.user, text: "are you awake?" }]);
    assert.equal(ack.type, "ack");
    await row(a.page, SHOWN_BOB).waitFor();
    await until("the page's notification", async () =>
      (await notifications(a.page)).some((n) => n.title === SHOWN_BOB && n.body === "are you awake?" && n.tag === `chat-${ack.chat}`));
    await a.page.evaluate(() => { window.__e2eHidden = false; });

    // Sign out: the browser unsubscribes, and the server dropped the device's target.
    await a.page.getByRole("button", { name: "Settings" }).click();
    await settings.getByRole("button", { name: "Sign out of this browser" }).click();
    await a.page.getByRole("alertdialog").getByRole("button", { name: "Sign out", exact: true }).click();   // it asks first
    await a.page.getByRole("button", { name: "Send code" }).waitFor();
    assert.equal(await a.page.evaluate(() => window.__e2eUnsubscribed === true), true, "unsubscribed at sign-out");
    assert.deepEqual(await targets(server, alice.token), [], "no target left for the signed-out device");
  },
};
