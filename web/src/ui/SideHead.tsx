// The sidebar's header: my picture and name, and a toolbar of icon buttons (New chat, New
// group, Rooms, Contacts, Starred messages, Settings), each named for screen readers and with a
// tooltip. The names are the ones the rest of the app and its tests know the buttons by.

import type { AppState } from "../app/state";
import { PersonAvatar } from "./Avatar";
import { formatPhone } from "./countries";
import { ContactsIcon, GearIcon, NewChatIcon, NewGroupIcon, RoomsIcon, StarIcon } from "./Icons";

export type SidePanel = "contacts" | "starred" | "settings";
export type SideDialog = "chat" | "group" | "room";

export function SideHead({ state, side, onPanel, onDialog }: {
  state: AppState; side: string | null;
  onPanel: (p: SidePanel) => void;      // opens it, or closes it when open
  onDialog: (d: SideDialog) => void;
}) {
  const myName = state.account.name;
  // A dialog's button: the text stays in the button (visually hidden), so it is its name and its textContent.
  const opener = (d: SideDialog, label: string, icon: preact.JSX.Element) => (
    <button type="button" class="icon" title={label} onClick={() => onDialog(d)}>{icon}<span class="sr-only">{label}</span></button>
  );
  return (
    <header class="side-head">
      <PersonAvatar state={state} user={state.me} small />
      <h1 class="me">{myName || formatPhone(state.myPhone)}</h1>
      <div class="toolbar">
        {opener("chat", "New chat", <NewChatIcon />)}
        {opener("group", "New group", <NewGroupIcon />)}
        {opener("room", "Rooms", <RoomsIcon />)}
        <button type="button" class="icon" aria-label="Contacts" title="Contacts" aria-pressed={side === "contacts" ? "true" : "false"}
          onClick={() => onPanel("contacts")}><ContactsIcon /></button>
        <button type="button" class="icon" aria-label="Starred messages" title="Starred messages" aria-pressed={side === "starred" ? "true" : "false"}
          onClick={() => onPanel("starred")}><StarIcon /></button>
        <button type="button" class="icon" aria-label="Settings" title="Settings" aria-pressed={side === "settings" ? "true" : "false"}
          onClick={() => onPanel("settings")}><GearIcon /></button>
      </div>
    </header>
  );
}
