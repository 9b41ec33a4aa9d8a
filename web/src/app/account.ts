// My own account: my profile (name, about line, photo, whether notifications show previews),
// my privacy settings (last seen, group adds, and who sees my name, about and photo) and my
// devices. The profile is read after each `hello` and kept up to date by my own `profile`
// frames, so a change made on another device shows here too.

import { ApiError, type Api, type Device, type MyProfile, type ProfileChange } from "./api";
import { MyAvatar, uploadPhoto } from "./avatars";
import type { MediaCache } from "./media_cache";
import { describe } from "./words";
import type { ParleyClient } from "../protocol/client";
import type { PrivacyFrame, PrivacyKey, PrivacySettings, ProfileFrame, Visibility } from "../protocol/frames";

export interface AccountParts {
  me: number;
  api: Api;
  client: ParleyClient;
  media: MediaCache;
  changed: () => void;
  /** Reads the chat list again (my photo shows in my chat with myself). */
  refreshChats: () => Promise<void>;
}

export class Account {
  profile: MyProfile | null = null;         // null until read
  privacy: PrivacySettings | null = null;   // null until the server said
  devices: Device[] = [];
  readonly myAvatar: MyAvatar;              // my photo's id, remembered so it shows before the profile is read

  constructor(private readonly parts: AccountParts) {
    this.myAvatar = new MyAvatar(typeof localStorage === "undefined" ? undefined : localStorage, `parley.avatar.${parts.me}`);
  }

  /** My display name, "" when I have not set one. */
  get name(): string { return this.profile?.name ?? ""; }

  /** Reads my profile (after each `hello`). */
  async load(): Promise<void> {
    try {
      this.take(await this.parts.api.myProfile());
    } catch {
      return;   // offline, or an older server: the next hello reads again
    }
    this.parts.changed();
  }

  onPrivacy(f: PrivacyFrame): void {
    const { type: _, ...settings } = f;
    this.privacy = settings;
  }

  /** My own `profile` frame (a change from this or another of my devices). */
  onProfile(f: ProfileFrame): void {
    if (this.profile) this.profile = { ...this.profile, name: f.name, about: f.about, avatar: f.avatar };
    this.myAvatar.set(f.avatar);
  }

  /** Who sees my last seen, may add me to groups, sees my name, about or photo; the server echoes it to every device. */
  setPrivacy(key: PrivacyKey, value: Visibility): void { this.parts.client.privacy({ [key]: value }); }

  /** Saves my name, about line or the previews setting; rejects with a sentence. */
  async save(change: ProfileChange): Promise<void> {
    try {
      this.take(await this.parts.api.setProfile(change));
    } catch (e) {
      if (e instanceof ApiError && e.code === "bad_frame") throw new Error("A name can be at most 64 characters, and the about line 140.");
      throw e instanceof ApiError ? new Error(describe(e)) : e;
    }
    this.parts.changed();
  }

  /** Makes `file` my profile photo (uploaded first), or removes it (null); then reads the chat list again. */
  async setPhoto(file: File | null): Promise<void> {
    const id = file ? await this.upload(file) : "";
    try {
      await this.parts.api.setAvatar(id);
    } catch (e) {
      throw e instanceof ApiError ? new Error(describe(e)) : e;
    }
    this.myAvatar.set(id);
    if (this.profile) this.profile = { ...this.profile, avatar: id || undefined };
    await this.parts.refreshChats();
  }

  /** Uploads an image to become a photo (mine or a group's); shown at once, without a download. */
  async upload(file: File): Promise<string> {
    const media = await uploadPhoto((path, init) => this.parts.api.authorized(path, init), file);
    this.parts.media.seedSent(media, file);
    return media.id;
  }

  async loadDevices(): Promise<void> {
    this.devices = await this.parts.api.devices();
    this.parts.changed();
  }

  async revokeDevice(device: number): Promise<void> {
    await this.parts.api.revoke(device);
    await this.loadDevices();
  }

  private take(p: MyProfile): void {
    this.profile = p;
    this.myAvatar.set(p.avatar);
  }
}
