// My contacts: the Contacts panel (add one by number and name, remove one, start a chat with
// one, and the people I block, each with Unblock), and the contacts to pick from in New chat.

import { useState } from "preact/hooks";
import type { AppState } from "../app/state";
import { PersonAvatar } from "./Avatar";
import { formatPhone } from "./countries";
import { who } from "./format";
import { useAction } from "./hooks";

export function ContactsPanel({ state, onClose }: { state: AppState; onClose: () => void }) {
  const [phone, setPhone] = useState("");
  const [name, setName] = useState("");
  const [error, busy, run] = useAction();
  const contacts = state.people.contacts();
  const blocked = state.people.blockedUsers;
  return (
    <aside class="panel" aria-label="Contacts">
      <header class="panel-head">
        <h2>Contacts</h2>
        <button type="button" class="icon" aria-label="Close contacts" onClick={onClose}>✕</button>
      </header>
      <div class="panel-body">
        <form class="add-contact" aria-labelledby="add-contact-title" onSubmit={(e) => {
          e.preventDefault();
          void run(async () => { await state.people.addContact(phone, name); setPhone(""); setName(""); });
        }}>
          <h3 id="add-contact-title">Add a contact</h3>
          <label for="contact-phone">Phone number (with country code)</label>
          <input id="contact-phone" type="tel" required value={phone} placeholder="+14155550102"
            onInput={(e) => setPhone((e.target as HTMLInputElement).value)} />
          <label for="contact-name">Name</label>
          <input id="contact-name" required maxLength={64} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
          <button type="submit" class="primary" disabled={busy}>Add contact</button>
          {error && <p class="error" role="alert">{error}</p>}
        </form>
        <h3>My contacts</h3>
        {!contacts.length ? <p class="hint">No contacts yet.</p> : (
          <ul class="people">
            {contacts.map((c) => {
              const about = state.people.get(c.user)?.about;
              return (
                <li key={c.user} data-contact={c.user}>
                  <PersonAvatar state={state} user={c.user} />
                  <span class="person-main">
                    <strong class="person-name">{c.contactName}</strong>
                    <small>{[about, c.phone && formatPhone(c.phone)].filter(Boolean).join(" · ")}</small>
                  </span>
                  <span class="person-actions">
                    <button type="button" aria-label={`Message ${c.contactName}`} onClick={() => state.openChatWith(c.user)}>Message</button>
                    <button type="button" class="danger" disabled={busy} aria-label={`Remove ${c.contactName}`}
                      onClick={() => void run(() => state.people.removeContact(c.user))}>Remove</button>
                  </span>
                </li>
              );
            })}
          </ul>
        )}
        {blocked.length > 0 && (
          <>
            <h3>Blocked</h3>
            <ul class="people">
              {blocked.map((u) => (
                <li key={u} data-blocked={u}>
                  <PersonAvatar state={state} user={u} />
                  <span class="person-main"><strong class="person-name">{who(state, u)}</strong></span>
                  <button type="button" disabled={busy} aria-label={`Unblock ${who(state, u)}`}
                    onClick={() => void run(() => state.people.block(u, false))}>Unblock</button>
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </aside>
  );
}

/** New chat's list of my contacts: a click opens the chat with one (or starts it). */
export function ContactPicks({ state, onPick }: { state: AppState; onPick: () => void }) {
  const contacts = state.people.contacts();
  if (!contacts.length) return null;
  return (
    <section class="contact-picks" aria-labelledby="contact-picks-title">
      <h3 id="contact-picks-title">Or pick a contact</h3>
      <ul class="people">
        {contacts.map((c) => (
          <li key={c.user}>
            <button type="button" class="person-pick" data-pick={c.user} onClick={() => { state.openChatWith(c.user); onPick(); }}>
              <PersonAvatar state={state} user={c.user} small /> <span class="person-name">{c.contactName}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
