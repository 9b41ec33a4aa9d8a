// Profile and group photos: the image is uploaded like any photo (upload.ts, kind image), then
// made my avatar (`PUT /v1/me/avatar`) or a group's (`change` op `avatar`, by its caller). My
// own avatar's id is remembered in this browser: the server tells it only to others (their
// chat list's `peer_avatar`).

import type { MediaObject } from "../protocol/frames";
import { kindOf, upload, UploadError, type HttpFetch } from "./upload";

/** Uploads an image to become an avatar; rejects with an `UploadError` in words. */
export async function uploadPhoto(fetch: HttpFetch, file: Blob & { name?: string }): Promise<MediaObject> {
  if (kindOf(file.type) !== "image") throw new UploadError("refused", "Pick a photo: a JPEG, PNG, WebP, GIF or HEIC image.", false);
  return upload({ blob: file, name: file.name || "photo.jpg", type: file.type, kind: "image" }, { fetch });
}

/** Where my avatar's id is kept between page loads (localStorage in the app). */
export type KeyValue = Pick<Storage, "getItem" | "setItem" | "removeItem">;

export class MyAvatar {
  private value: string | undefined;

  constructor(private readonly storage: KeyValue | undefined, private readonly key: string) {
    try {
      this.value = storage?.getItem(key) || undefined;
    } catch {
      this.value = undefined;
    }
  }

  /** My avatar's media id, as last set from this browser; undefined for none. */
  get id(): string | undefined { return this.value; }

  set(id: string | undefined): void {
    this.value = id || undefined;
    try {
      if (this.value) this.storage?.setItem(this.key, this.value);
      else this.storage?.removeItem(this.key);
    } catch {
      /* private mode: kept for this page only */
    }
  }
}
