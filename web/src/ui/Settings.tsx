// Settings: my profile (name, about, photo, previews), who sees what of me (last seen and online,
// name, about, photo) and who may add me to groups, this browser's notifications, my devices
// (sign out each of the others) and signing out of this browser. A change is saved at once and
// shows on my other devices.

import { useEffect, useState } from "preact/hooks";
import type { AppState } from "../app/state";
import type { PrivacyKey, Visibility } from "../protocol/frames";
import { who } from "./format";
import { useAction } from "./hooks";
import { ProfileEditor } from "./ProfileEditor";
import { useConfirm } from "./Confirm";
import { ThemeSetting } from "./ThemeSetting";
import { listTime } from "./time";

const CHOICES: [Visibility, string][] = [["everyone", "Everyone"], ["contacts", "My contacts"], ["nobody", "Nobody"]];

const CONTACTS = "My contacts: the people you saved, and those with whom you have both written in a one-to-one chat.";

/** One privacy setting as radio buttons, saved on change (the server echoes it to every device). */
function PrivacyChoice({ state, setting, legend, hint }: { state: AppState; setting: PrivacyKey; legend: string; hint?: string }) {
  const privacy = state.account.privacy;
  const [chosen, setChosen] = useState<Visibility | null>(null);
  useEffect(() => setChosen(null), [privacy]);   // the server's answer (or another device's change) replaces the choice
  const value = chosen ?? privacy?.[setting] ?? null;
  const name = `privacy-${setting}`;
  return (
    <fieldset aria-describedby={hint ? `${name}-hint` : undefined}>
      <legend>{legend}</legend>
      {CHOICES.map(([v, label]) => (
        <label class="check" key={v}>
          <input type="radio" name={name} value={v} checked={value === v} disabled={!state.connected || value === null}
            onChange={() => { setChosen(v); state.account.setPrivacy(setting, v); }} /> {label}
        </label>
      ))}
      {hint && <p class="hint" id={`${name}-hint`}>{hint}</p>}
    </fieldset>
  );
}

/** This browser's notifications: on asks the permission and subscribes to push. */
function NotificationSetting({ state }: { state: AppState }) {
  const n = state.notifications;
  const [error, busy, run] = useAction();
  const [wanted, setWanted] = useState<boolean | null>(null);   // what was clicked, until the setting says
  const hint = n.status === "unsupported" ? "This browser cannot show notifications."
    : n.status === "denied" ? "Notifications are blocked for this site in the browser's settings."
    : n.status === "on" ? n.note || "New messages are notified on this device, also when parley is closed."
    : "Get notified of new messages on this device.";
  return (
    <section class="notification-setting">
      <label class="check">
        <input type="checkbox" checked={wanted ?? n.status === "on"} disabled={busy || n.status === "unsupported"} aria-describedby="notifications-hint"
          onChange={(e) => {
            const on = (e.target as HTMLInputElement).checked;
            setWanted(on);
            void run(() => (on ? n.enable() : n.disable())).then(() => setWanted(null));
          }} />
        Notifications
      </label>
      <p class="hint" id="notifications-hint" data-notifications={n.status}>{hint}</p>
      {error && <p class="error" role="alert">{error}</p>}
    </section>
  );
}

export function SettingsPanel({ state, onClose, onSignOut, onShortcuts }: {
  state: AppState; onClose: () => void; onSignOut: () => Promise<void>; onShortcuts?: () => void;
}) {
  const [error, busy, run] = useAction();
  const [ask, question] = useConfirm();
  useEffect(() => { void run(() => state.account.loadDevices()); }, []);
  return (
    <aside class="panel" aria-label="Settings">
      <header class="panel-head">
        <h2>Settings</h2>
        <button type="button" class="icon" aria-label="Close settings" onClick={onClose}>✕</button>
      </header>
      <div class="panel-body">
        <p>Signed in as <strong>{state.account.name || who(state, state.me)}</strong> ({state.myPhone})</p>
        <ProfileEditor state={state} />
        <h3>Privacy</h3>
        <PrivacyChoice state={state} setting="last_seen" legend="Who can see my last seen and online"
          hint="If you hide yours, you do not see other people's either." />
        <PrivacyChoice state={state} setting="name" legend="Who can see my name" />
        <PrivacyChoice state={state} setting="about" legend="Who can see my about line" />
        <PrivacyChoice state={state} setting="photo" legend="Who can see my profile photo" />
        <PrivacyChoice state={state} setting="group_add" legend="Who can add me to groups"
          hint={`Anyone else who adds you sends you an invitation, which you can accept or decline. ${CONTACTS}`} />
        <NotificationSetting state={state} />
        <ThemeSetting />
        {onShortcuts && <p><button type="button" class="link" onClick={onShortcuts} data-open-shortcuts>Keyboard shortcuts</button> (Ctrl+/)</p>}
        <h3>Devices</h3>
        {error && <p class="error" role="alert">{error}</p>}
        <ul class="devices">
          {state.account.devices.map((d) => (
            <li key={d.device} data-device={d.device}>
              <span><strong>{d.name}</strong>{d.current && <span class="this-device" data-this-device>This device</span>}<br />
                <small>signed in {listTime(d.created_at)}{d.last_active_at ? `, active ${listTime(d.last_active_at)}` : ""}</small></span>
              {!d.current && <button type="button" class="danger" disabled={busy}
                onClick={() => ask({
                  title: `Sign out ${d.name}?`, confirm: "Sign out",
                  text: "That device is signed out at once. It needs a new sign-in code to use parley again.",
                  onConfirm: () => void run(() => state.account.revokeDevice(d.device)),
                })}>Sign out</button>}
            </li>
          ))}
        </ul>
        <button type="button" class="danger wide" onClick={() => ask({
          title: "Sign out of this browser?", confirm: "Sign out",
          text: "To use parley here again you will need a new sign-in code. Messages that have not been sent yet from this browser are deleted.",
          onConfirm: () => void run(onSignOut),
        })}>Sign out of this browser</button>
        {question}
      </div>
    </aside>
  );
}
