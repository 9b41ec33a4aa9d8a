// The "Notifications" setting of this browser: asking the permission, subscribing to Web Push
// with the server's VAPID key (GET /v1/push/config) and registering the subscription as this
// device's push target (POST /v1/push/targets); undone when turned off or at sign-out. Where
// push cannot be had (the server does not send to browsers, the browser has no push service),
// the setting still lets this page show notifications while a tab is open, and `note` says so.
// The browser's APIs come through `PushEnv` (ui/browser.ts; a fake in tests).

import type { Api } from "./api";
import type { KeyValue } from "./avatars";

export interface SubscriptionLike {
  toJSON(): unknown;
  unsubscribe(): Promise<boolean>;
  options?: { applicationServerKey?: ArrayBuffer | null };
}
export interface PushManagerLike {
  getSubscription(): Promise<SubscriptionLike | null>;
  subscribe(options: { userVisibleOnly: boolean; applicationServerKey: Uint8Array }): Promise<SubscriptionLike>;
}
export interface PushEnv {
  /** "granted", "denied", "default", or "unsupported" where the browser shows no notifications. */
  permission(): string;
  /**
   * Whether the browser shows notifications at all, without asking it the permission (in
   * Chromium a synchronous call to the browser process, milliseconds while a page loads).
   */
  supported?(): boolean;
  requestPermission(): Promise<string>;
  /**
   * The service worker's push manager; null without a service worker or the Push API. It
   * waits (up to 10 s) for the worker to be active, unless `waitForActive` is false: enough
   * to find and drop a subscription, which exists only if a worker was active once.
   */
  pushManager(waitForActive?: boolean): Promise<PushManagerLike | null>;
}

/** A browser that shows no notifications (and the tests that do not care). */
export const NO_PUSH: PushEnv = {
  permission: () => "unsupported",
  requestPermission: async () => "unsupported",
  pushManager: async () => null,
};

export type NotificationStatus = "unsupported" | "off" | "on" | "denied";

interface Saved { on: boolean; target?: number }

const TAB_ONLY = "Notifications show while parley is open in a tab";

export class Notifications {
  status: NotificationStatus;
  note = "";   // how notifications reach me when it is not by push
  private target: number | undefined;

  constructor(private readonly api: Api, private readonly env: PushEnv, private readonly storage: KeyValue | undefined,
    private readonly key: string, private readonly changed: () => void) {
    this.status = (env.supported?.() ?? env.permission() !== "unsupported") ? "off" : "unsupported";
  }

  /** This page may show notifications: the setting is on and the browser allows them. */
  get allowed(): boolean { return this.status === "on" && this.env.permission() === "granted"; }

  /** At start: the setting as this browser left it; the subscription is registered again (a browser may renew it). */
  async restore(): Promise<void> {
    const saved = this.load();
    if (!saved.on || this.status === "unsupported") return;
    const permission = this.env.permission();
    if (permission !== "granted") {
      this.status = permission === "denied" ? "denied" : "off";
      this.changed();
      return;
    }
    this.status = "on";
    this.target = saved.target;
    this.note = await this.subscribe();
    this.save({ on: true, target: this.target });
    this.changed();
  }

  /** Turns notifications on: asks the permission, then subscribes. Rejects with a sentence when not allowed. */
  async enable(): Promise<void> {
    let permission = this.env.permission();
    if (permission === "unsupported") throw new Error("This browser cannot show notifications.");
    if (permission !== "granted") permission = await this.env.requestPermission();
    if (permission !== "granted") {
      this.status = permission === "denied" ? "denied" : "off";
      this.changed();
      throw new Error(permission === "denied"
        ? "Notifications are blocked for this site. Allow them in the browser's site settings, then try again."
        : "Notifications were not allowed.");
    }
    this.note = await this.subscribe();
    this.status = "on";
    this.save({ on: true, target: this.target });
    this.changed();
  }

  /** Turns notifications off: the push target is removed and the browser unsubscribed. */
  async disable(): Promise<void> {
    this.status = this.env.permission() === "denied" ? "denied" : "off";
    this.note = "";
    this.save({ on: false });
    const target = this.target;
    this.target = undefined;
    this.changed();
    if (target !== undefined) await this.api.removePushTarget(target).catch(() => undefined);
    await this.unsubscribe();
  }

  /** At sign-out: the browser's subscription goes (the server drops the device's targets with the device). */
  async signOut(): Promise<void> {
    this.storage?.removeItem(this.key);
    await this.unsubscribe();
  }

  /** Subscribes and registers the target; "" when push is on, else why notifications come only while a tab is open. */
  private async subscribe(): Promise<string> {
    let key: string | undefined;
    try {
      const config = await this.api.pushConfig();
      if (config.providers?.includes("webpush")) key = config.vapid_public_key;
    } catch {
      return `${TAB_ONLY}: the server's push settings could not be read.`;
    }
    if (!key) return `${TAB_ONLY}: this server does not send notifications to browsers.`;
    try {
      const manager = await this.env.pushManager();
      if (!manager) return `${TAB_ONLY}: this browser has no push service.`;
      const appKey = fromBase64Url(key);
      let sub = await manager.getSubscription();
      if (sub && !sameBytes(sub.options?.applicationServerKey, appKey)) {
        await sub.unsubscribe();   // made for another server key: it would not take this server's pushes
        sub = null;
      }
      sub ??= await manager.subscribe({ userVisibleOnly: true, applicationServerKey: appKey });
      this.target = (await this.api.registerPush({ provider: "webpush", subscription: sub.toJSON() })).target;
      return "";
    } catch (e) {
      return `${TAB_ONLY}: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  private async unsubscribe(): Promise<void> {
    try {
      const sub = await (await this.env.pushManager(false))?.getSubscription();
      await sub?.unsubscribe();
    } catch {
      /* nothing to undo */
    }
  }

  private load(): Saved {
    try {
      const v = JSON.parse(this.storage?.getItem(this.key) ?? "null") as Saved | null;
      return v && typeof v.on === "boolean" ? v : { on: false };
    } catch {
      return { on: false };
    }
  }

  private save(v: Saved): void {
    try {
      this.storage?.setItem(this.key, JSON.stringify(v));
    } catch {
      /* private mode: for this page only */
    }
  }
}

/** The bytes of a base64url string (the VAPID key). */
export function fromBase64Url(s: string): Uint8Array {
  const b64 = s.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (s.length % 4)) % 4);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

function sameBytes(a: ArrayBuffer | null | undefined, b: Uint8Array): boolean {
  if (!a) return true;   // the browser does not say: take it as it is
  const x = new Uint8Array(a);
  return x.length === b.length && x.every((v, i) => v === b[i]);
}
