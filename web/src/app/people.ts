// The people I know: their profiles as I may see them (name, about, photo, number), the
// contacts I saved and the users I block. Profiles are read with POST /v1/users for the ids
// a view asks about (batched, each once), kept up to date by `profile` frames and read again
// after each reconnect (frames are live only); contacts and blocks likewise (`contact`,
// `blocks`). The display name rule lives here: the name I saved, else theirs, else the
// number, else "User N".

import { ApiError, type Api, type Profile } from "./api";
import { checkPhone } from "./phone_input";
import type { BlocksFrame, ContactFrame, ProfileFrame } from "../protocol/frames";

export interface Person { name?: string; about?: string; avatar?: string; contactName?: string }

/** A saved contact as the list shows it. */
export interface Contact { user: number; contactName: string; phone?: string }

const BATCH = 256;   // POST /v1/users takes at most this many ids

export class People {
  private readonly people = new Map<number, Person>();
  private readonly asked = new Set<number>();      // read, on its way, or told by a frame or a list
  private readonly queued = new Set<number>();
  private readonly saved = new Set<number>();      // my contacts
  private blockedSet = new Set<number>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private contactReads = 0;                        // the newest read of the contact list
  private contactsReading = 0;                     // reads on their way
  private contactFrames: ContactFrame[] = [];      // live frames since the oldest read on its way began

  constructor(private readonly me: number, private readonly api: Api, private readonly phones: Map<number, string>,
    private readonly changed: () => void) {}

  /** The display name: the contact name I saved, else their profile name, else the number, else "User N"; mine is "You". */
  name(user: number): string {
    if (user === this.me) return "You";
    this.want(user);
    const p = this.people.get(user);
    return p?.contactName || p?.name || this.phones.get(user) || `User ${user}`;
  }

  /** What I may see of someone (asked for if not known yet). */
  get(user: number): Person | undefined {
    this.want(user);
    return this.people.get(user);
  }

  blocked(user: number): boolean { return this.blockedSet.has(user); }
  get blockedUsers(): number[] { return [...this.blockedSet]; }

  /** My saved contacts, by the name I gave them. */
  contacts(): Contact[] {
    return [...this.saved].map((user) => ({ user, contactName: this.people.get(user)?.contactName ?? "", phone: this.phones.get(user) }))
      .sort((a, b) => a.contactName.localeCompare(b.contactName) || a.user - b.user);
  }
  isContact(user: number): boolean { return this.saved.has(user); }
  /** My own number, to read numbers typed without their country code. */
  get myPhone(): string | undefined { return this.phones.get(this.me); }

  // ------------------------------------------------------------ reading

  /** Asks for the profile of `user` with the next batch, unless it was asked for already. */
  want(user: number): void {
    if (user <= 0 || user === this.me || this.asked.has(user)) return;
    this.asked.add(user);
    this.queued.add(user);
    this.timer ??= setTimeout(() => { this.timer = null; void this.read([...this.queued]); }, 0);
  }

  /** A profile read elsewhere (a lookup, the contact list, a user read): it replaces what I had. */
  take(p: Profile): void {
    this.asked.add(p.user);
    this.people.set(p.user, { name: p.name, about: p.about, avatar: p.avatar, contactName: p.contact_name });
    if (p.phone) this.phones.set(p.user, p.phone);
    if (p.blocked !== undefined) p.blocked ? this.blockedSet.add(p.user) : this.blockedSet.delete(p.user);
  }

  /** The names GET /v1/chats gives for a one-to-one peer (the rest of the profile stays). */
  named(user: number, name: string | undefined, contactName: string | undefined): void {
    if (user === this.me) return;
    const p = this.people.get(user) ?? {};
    this.people.set(user, { ...p, name, contactName });
  }

  /** After a reconnect: every profile asked for so far is read again, then contacts and blocks. */
  async refresh(): Promise<void> {
    await Promise.all([this.read([...this.asked]), this.loadContacts(), this.loadBlocks()]);
  }

  private async read(users: number[]): Promise<void> {
    users.forEach((u) => this.queued.delete(u));
    let any = false;
    for (let i = 0; i < users.length; i += BATCH) {
      try {
        for (const p of await this.api.users(users.slice(i, i + BATCH))) this.take(p);
        any = true;
      } catch {
        /* offline: the next reconnect reads them again */
      }
    }
    if (any) this.changed();
  }

  private async loadContacts(): Promise<void> {
    const read = ++this.contactReads;
    this.contactsReading++;
    let list: Profile[] | null;
    try {
      list = await this.api.contacts();
    } catch {
      list = null;   // offline: the next reconnect reads it again
    }
    const live = this.contactFrames;
    if (--this.contactsReading === 0) this.contactFrames = [];
    if (!list || read !== this.contactReads) return;   // failed, or a newer read is on its way
    for (const user of this.saved) {
      const p = this.people.get(user);
      if (p) p.contactName = undefined;
    }
    this.saved.clear();
    for (const p of list) {
      this.take(p);
      this.saved.add(p.user);
    }
    for (const f of live) this.applyContact(f);   // what live frames said while the list was on its way stands
    this.changed();
  }

  private async loadBlocks(): Promise<void> {
    try {
      this.blockedSet = new Set(await this.api.blocks());
    } catch {
      return;
    }
    this.changed();
  }

  // ------------------------------------------------------------ live frames

  onProfile(f: ProfileFrame): void {
    this.asked.add(f.user);
    const p = this.people.get(f.user) ?? {};
    this.people.set(f.user, { ...p, name: f.name, about: f.about, avatar: f.avatar });
  }

  onContact(f: ContactFrame): void {
    if (this.contactsReading) this.contactFrames.push(f);
    this.applyContact(f);
  }

  onBlocks(f: BlocksFrame): void { this.blockedSet = new Set(f.blocked); }

  private applyContact(f: ContactFrame): void {
    const p = this.people.get(f.user) ?? {};
    if (f.removed) {
      this.saved.delete(f.user);
      this.people.set(f.user, { ...p, contactName: undefined });
      return;
    }
    this.saved.add(f.user);
    this.people.set(f.user, { ...p, contactName: f.contact_name });
    this.want(f.user);
  }

  // ------------------------------------------------------------ changes (each rejects with a sentence)

  /** Saves someone by number under `name` (or renames them). */
  async addContact(typed: string, name: string): Promise<number> {
    const phone = checkPhone(typed, this.myPhone);   // "abc" is not a number, rather than not on parley
    let p: Profile;
    try {
      p = await this.api.saveContact(phone, name.trim());
    } catch (e) {
      throw new Error(contactError(e, phone));
    }
    this.take(p);
    this.saved.add(p.user);
    this.changed();
    return p.user;
  }

  async removeContact(user: number): Promise<void> {
    try {
      await this.api.removeContact(user);
    } catch (e) {
      if (!(e instanceof ApiError && e.code === "not_found")) throw new Error(contactError(e, ""));
    }
    this.applyContact({ type: "contact", user, removed: true });
    this.changed();
  }

  async block(user: number, blocked: boolean): Promise<void> {
    try {
      this.blockedSet = new Set(await this.api.block(user, blocked));
    } catch (e) {
      throw new Error(e instanceof ApiError ? e.message || e.code : String(e));
    }
    this.changed();
  }
}

function contactError(e: unknown, phone: string): string {
  if (!(e instanceof ApiError)) return String(e instanceof Error ? e.message : e);
  switch (e.code) {
    case "bad_phone": return "That is not a valid phone number: include the country code, like +14155550102.";
    case "no_such_user": return `${phone} is not on parley yet.`;
    case "invalid": return "That is your own number.";
    case "bad_frame": return "Give the contact a name of at most 64 characters.";
    default: return e.message || e.code;
  }
}
