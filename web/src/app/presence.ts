// The presence (online, last seen, or hidden by their privacy setting) of the people I have a
// one-to-one chat or draft with, each subscribed to once.

import type { ParleyClient } from "../protocol/client";
import type { PresenceFrame } from "../protocol/frames";
import type { Presence } from "./model";

export class PresenceStore {
  readonly presence = new Map<number, Presence>();

  constructor(private readonly client: ParleyClient) {}

  /** Subscribes to the presence of those among `users` not watched yet. */
  watch(users: number[]): void {
    const unwatched = users.filter((u) => !this.presence.has(u));
    if (!unwatched.length) return;
    unwatched.forEach((u) => this.presence.set(u, { hidden: false }));
    this.client.subscribePresence(unwatched);
  }

  onFrame(p: PresenceFrame): void {
    const hidden = p.online === undefined && p.last_seen === undefined;
    this.presence.set(p.user, { online: p.online, lastSeen: p.last_seen, hidden });
  }
}
