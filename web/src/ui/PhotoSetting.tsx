// Choosing a picture: my profile photo in Settings, a group's or room's photo in its info panel
// (admins). Shows the current one, picks an image from the device (uploaded, then set) and
// removes it; says while it works and why it failed.

import { useRef, useState } from "preact/hooks";
import type { AppState, ChatKind } from "../app/state";
import { Avatar } from "./Avatar";

export function PhotoSetting({ state, title, id, name, kind, user, onSet }: {
  state: AppState; title: string; id?: string; name: string; kind: ChatKind;
  user?: number;   // a person's photo (mine): the colour of the initials
  /** Sets the photo (a file) or removes it (null); rejects with a sentence. */
  onSet: (file: File | null) => Promise<void>;
}) {
  const picker = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState<"" | "uploading" | "removing">("");
  const [error, setError] = useState("");
  async function set(file: File | null) {
    setBusy(file ? "uploading" : "removing");
    setError("");
    try {
      await onSet(file);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy("");
    }
  }
  const slug = title.toLowerCase().replace(/\W+/g, "-");
  return (
    <section class="photo-setting" aria-labelledby={`${slug}-title`} data-photo-setting={slug}>
      <h3 id={`${slug}-title`}>{title}</h3>
      <div class="photo-row">
        <Avatar state={state} id={id} name={name} kind={kind} user={user} large />
        <div class="photo-actions">
          <button type="button" disabled={!!busy} onClick={() => picker.current?.click()}>{id ? "Change photo" : "Choose photo"}</button>
          {id && <button type="button" class="danger" disabled={!!busy} onClick={() => void set(null)}>Remove photo</button>}
          <input ref={picker} type="file" accept="image/jpeg,image/png,image/webp,image/gif,image/heic" hidden
            aria-label={`${title}: choose an image`} data-photo-picker
            onChange={(e) => {
              const input = e.target as HTMLInputElement;
              const file = input.files?.[0];
              input.value = "";
              if (file) void set(file);
            }} />
        </div>
      </div>
      <p role="status" class="hint">{busy === "uploading" ? "Uploading the photo…" : busy === "removing" ? "Removing the photo…" : ""}</p>
      {error && <p class="error" role="alert">{error}</p>}
    </section>
  );
}
