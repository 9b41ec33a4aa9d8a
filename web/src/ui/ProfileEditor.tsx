// My profile in Settings: the name and about line others see (each saved with Save), my photo,
// and whether notifications show who wrote and what (previews).

import { useState } from "preact/hooks";
import type { AppState } from "../app/state";
import { useAction, useFollowed } from "./hooks";
import { PhotoSetting } from "./PhotoSetting";

export function ProfileEditor({ state }: { state: AppState }) {
  const profile = state.account.profile;
  // What the server says (a change from another device too) replaces a field when it changes.
  const [name, setName] = useFollowed(profile?.name ?? "");
  const [about, setAbout] = useFollowed(profile?.about ?? "");
  const [saved, setSaved] = useState(false);
  const [error, busy, run] = useAction();
  const changed = !!profile && (name.trim() !== (profile.name ?? "") || about !== (profile.about ?? ""));
  return (
    <section class="profile-editor" aria-labelledby="profile-title">
      <h3 id="profile-title">Profile</h3>
      <form onSubmit={(e) => {
        e.preventDefault();
        void run(async () => { await state.account.save({ name: name.trim(), about }); setSaved(true); });
      }}>
        <label for="profile-name">Name</label>
        <input id="profile-name" value={name} maxLength={64} autoComplete="name" disabled={!profile}
          onInput={(e) => { setName((e.target as HTMLInputElement).value); setSaved(false); }} />
        <label for="profile-about">About</label>
        <input id="profile-about" value={about} maxLength={140} disabled={!profile}
          onInput={(e) => { setAbout((e.target as HTMLInputElement).value); setSaved(false); }} />
        <button type="submit" disabled={busy || !changed}>Save</button>
        <span role="status" class="hint">{saved && !changed ? " Saved" : ""}</span>
        {error && <p class="error" role="alert">{error}</p>}
      </form>
      <PhotoSetting state={state} title="Profile photo" id={state.account.myAvatar.id} name={profile?.name || state.myPhone} kind="direct"
        user={state.me} onSet={(file) => state.account.setPhoto(file)} />
      <label class="check">
        <input type="checkbox" checked={profile?.previews ?? true} disabled={!profile || busy}
          onChange={(e) => void run(() => state.account.save({ previews: (e.target as HTMLInputElement).checked }))} />
        Show the sender and the message in notifications
      </label>
    </section>
  );
}
