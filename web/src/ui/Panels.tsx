// The side panels and dialogs: group / room info with admin actions (the photo, a room's access
// and invite code from RoomShare.tsx; removing and leaving ask first), and the forms to start a
// chat (by number or from my contacts), create a group or a room (private or public), join a
// room. Settings are in Settings.tsx.

import { useEffect, useRef, useState } from "preact/hooks";
import type { AppState, Chat, RoomAccess } from "../app/state";
import { Avatar, PersonAvatar } from "./Avatar";
import { ContactPicks } from "./Contacts";
import { Dialog } from "./Dialog";
import { PhotoSetting } from "./PhotoSetting";
import { who } from "./format";
import { useAction, useFollowed } from "./hooks";
import { useConfirm } from "./Confirm";
import { RoomAccessInfo } from "./RoomShare";

function phonesOf(text: string): string[] {
  return text.split(/[,;\n]+/).map((s) => s.trim()).filter(Boolean);
}

export function InfoPanel({ state, chat, onClose }: { state: AppState; chat: Chat; onClose: () => void }) {
  const info = chat.info;
  const admin = info?.role === "admin";
  const [add, setAdd] = useState("");
  const [name, setName] = useFollowed(chat.name);   // a rename by another member replaces it
  const [error, busy, run] = useAction();
  const [ask, question] = useConfirm();
  useEffect(() => state.refreshInfo(chat.chat), [chat.chat]);
  const canAdd = admin || (chat.kind === "group" && info?.members_can_add && info.role === "member");
  return (
    <aside class="panel" aria-label={chat.kind === "room" ? "Room info" : "Group info"}>
      <header class="panel-head">
        <h2>{chat.kind === "room" ? "Room info" : "Group info"}</h2>
        <button type="button" class="icon" aria-label="Close info" onClick={onClose}>✕</button>
      </header>
      {!info ? <p>Loading…</p> : (
        <div class="panel-body">
          {admin ? (
            <form class="inline-form" onSubmit={(e) => { e.preventDefault(); if (name.trim()) state.change(chat.chat, "rename", [], { name: name.trim() }); }}>
              <label for="chat-name">Name</label>
              <input id="chat-name" value={name} maxLength={100} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
              <button type="submit">Rename</button>
            </form>
          ) : <p class="big-name">{info.name}</p>}
          {admin ? (
            <PhotoSetting state={state} title={chat.kind === "room" ? "Room photo" : "Group photo"} id={chat.avatar} name={chat.name}
              kind={chat.kind} onSet={(file) => state.setChatPhoto(chat.chat, file)} />
          ) : chat.avatar && <Avatar state={state} id={chat.avatar} name={chat.name} kind={chat.kind} large />}
          <p>{info.member_count} {info.member_count === 1 ? "member" : "members"} · you are {info.role === "none" ? "not a member" : `${info.role === "admin" ? "an admin" : "a member"}`}</p>
          {chat.kind === "room" && <RoomAccessInfo chat={chat} />}
          {admin && (
            <fieldset>
              <legend>Settings</legend>
              {chat.kind === "group" && (
                <label class="check"><input type="checkbox" checked={info.members_can_add}
                  onChange={(e) => state.change(chat.chat, "settings", [], { members_can_add: (e.target as HTMLInputElement).checked, everyone_posts: info.everyone_posts })} />
                  All members can add people</label>
              )}
              <label class="check"><input type="checkbox" checked={info.everyone_posts}
                onChange={(e) => state.change(chat.chat, "settings", [], { members_can_add: info.members_can_add, everyone_posts: (e.target as HTMLInputElement).checked })} />
                Everyone can send messages</label>
            </fieldset>
          )}
          {canAdd && (
            <form class="inline-form" onSubmit={(e) => { e.preventDefault(); void run(async () => { await state.addMembers(chat.chat, phonesOf(add)); setAdd(""); }); }}>
              <label for="add-member">Add members (phone numbers)</label>
              <input id="add-member" type="tel" value={add} placeholder="+14155550102, +4930123456" onInput={(e) => setAdd((e.target as HTMLInputElement).value)} />
              <button type="submit" disabled={busy}>Add</button>
            </form>
          )}
          {error && <p class="error" role="alert">{error}</p>}
          <h3>{chat.kind === "room" ? "Admins" : "Members"}</h3>
          <ul class="members">
            {info.members.map((m) => (
              <li key={m.user} data-member={m.user}>
                <PersonAvatar state={state} user={m.user} small />
                <span class="member-name">{who(state, m.user)}</span>
                {m.role === "admin" && <span class="role">admin</span>}
                {admin && m.user !== state.me && (
                  <span class="member-actions">
                    {m.role === "member"
                      ? <button type="button" onClick={() => state.change(chat.chat, "promote", [m.user])}>Make admin</button>
                      : <button type="button" onClick={() => state.change(chat.chat, "demote", [m.user])}>Dismiss as admin</button>}
                    <button type="button" class="danger" aria-label={`Remove ${who(state, m.user)}`} onClick={() => ask({
                      title: `Remove ${who(state, m.user)}?`, confirm: "Remove",
                      text: `${who(state, m.user)} will no longer get the messages of ${info.name} and can't send to it. Everyone in the ${chat.kind === "room" ? "room" : "group"} sees that you removed them.`,
                      onConfirm: () => state.change(chat.chat, "remove", [m.user]),
                    })}>Remove</button>
                  </span>
                )}
              </li>
            ))}
          </ul>
          {info.role !== "none" && (
            <button type="button" class="danger wide" onClick={() => ask({
              title: `Leave ${info.name}?`, confirm: "Leave",
              text: chat.kind === "room"
                ? `You will no longer get its posts. To come back, you need ${info.public ? "its number" : "an invite code"}.`
                : "You will no longer get its messages, and its members see that you left. To come back, an admin has to add you.",
              onConfirm: () => { state.leave(chat.chat); onClose(); },
            })}>
              Leave {chat.kind === "room" ? "room" : "group"}
            </button>
          )}
          {question}
        </div>
      )}
    </aside>
  );
}

export function NewChatDialog({ state, onClose }: { state: AppState; onClose: () => void }) {
  const [phone, setPhone] = useState("");
  const [error, busy, run] = useAction();
  return (
    <Dialog title="New chat" onClose={onClose}>
      <form onSubmit={(e) => { e.preventDefault(); void run(async () => { await state.startChat(phone.trim()); onClose(); }); }}>
        <label for="new-chat-phone">Phone number (with country code)</label>
        <input id="new-chat-phone" type="tel" required autoFocus value={phone} placeholder="+14155550102"
          onInput={(e) => setPhone((e.target as HTMLInputElement).value)} />
        {error && <p class="error" role="alert">{error}</p>}
        <button type="submit" class="primary" disabled={busy}>Start chat</button>
      </form>
      <ContactPicks state={state} onPick={onClose} />
    </Dialog>
  );
}

export function NewGroupDialog({ state, onClose }: { state: AppState; onClose: () => void }) {
  const [name, setName] = useState("");
  const [members, setMembers] = useState("");
  const [error, busy, run] = useAction();
  return (
    <Dialog title="New group" onClose={onClose}>
      <form onSubmit={(e) => { e.preventDefault(); void run(async () => { await state.createGroup(name.trim(), phonesOf(members)); onClose(); }); }}>
        <label for="group-name">Group name</label>
        <input id="group-name" required autoFocus maxLength={100} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        <label for="group-members">Members (phone numbers, separated by commas)</label>
        <textarea id="group-members" rows={3} value={members} placeholder="+14155550102, +14155550103"
          onInput={(e) => setMembers((e.target as HTMLTextAreaElement).value)} />
        {error && <p class="error" role="alert">{error}</p>}
        <button type="submit" class="primary" disabled={busy}>Create group</button>
      </form>
    </Dialog>
  );
}

const ACCESS: [RoomAccess, string][] = [
  ["private", "Private (invite code only)"],
  ["public", "Public (anyone can find it by its number)"],
];
const ACCESS_HINT: Record<RoomAccess, string> = {
  private: "People join with the invite code you share from Room info. You can't change this later.",
  public: "Anyone who knows the room's number can join. You can't change this later.",
};

/**
 * Join a room (by its number or invite code) or create one. A join keeps the dialog open until
 * the server answers, so a refusal shows here, next to what was typed. An invite link
 * (`/join/<code>`) opens it with its code filled in (`invite`).
 */
export function RoomDialog({ state, onClose, invite = "" }: { state: AppState; onClose: () => void; invite?: string }) {
  const [target, setTarget] = useState(invite);
  const [joinError, setJoinError] = useState("");
  const [joining, setJoining] = useState(false);
  const [name, setName] = useState("");
  const [access, setAccess] = useState<RoomAccess>("private");
  const [everyone, setEveryone] = useState(false);
  const [error, busy, run] = useAction();
  const mounted = useRef(true);
  const targetRef = useRef<HTMLInputElement>(null);
  useEffect(() => () => { mounted.current = false; }, []);

  function join() {
    setJoinError("");
    setJoining(true);
    state.joinRoom(target).then(
      () => { if (mounted.current) onClose(); },
      (e: unknown) => {
        const text = e instanceof Error ? e.message : String(e);
        if (!mounted.current) { state.notify(text); return; }   // the dialog was closed meanwhile
        setJoining(false);
        setJoinError(text);
        targetRef.current?.focus();
      });
  }

  return (
    <Dialog title="Rooms" onClose={onClose}>
      <form onSubmit={(e) => { e.preventDefault(); join(); }}>
        <label for="room-target">Join a room: its number or invite code</label>
        <input id="room-target" ref={targetRef} required autoFocus value={target} autoComplete="off" spellcheck={false}
          aria-invalid={joinError ? "true" : undefined} aria-describedby={joinError ? "room-target-error room-target-hint" : "room-target-hint"}
          onInput={(e) => { setTarget((e.target as HTMLInputElement).value); setJoinError(""); }} />
        <p class="hint" id="room-target-hint">{invite && target === invite
          ? "This code came with the invite link you opened. Join the room with it, or close this to stay out."
          : "A private room is joined with its invite code only."}</p>
        {joinError && <p class="error" role="alert" id="room-target-error" data-join-error>{joinError}</p>}
        <button type="submit" class="primary" disabled={joining}>{joining ? "Joining…" : "Join room"}</button>
        {joining && !state.connected && <p class="hint" role="status">Waiting for the connection…</p>}
      </form>
      <form onSubmit={(e) => { e.preventDefault(); void run(async () => { await state.createRoom(name.trim(), everyone, access); onClose(); }); }}>
        <label for="room-name">Or create a room named</label>
        <input id="room-name" required maxLength={100} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        <fieldset class="choice" aria-describedby="room-access-hint">
          <legend>Who can join</legend>
          {ACCESS.map(([v, label]) => (
            <label class="check" key={v}>
              <input type="radio" name="room-access" value={v} checked={access === v} onChange={() => setAccess(v)} /> {label}
            </label>
          ))}
          <p class="hint" id="room-access-hint">{ACCESS_HINT[access]}</p>
        </fieldset>
        <label class="check"><input type="checkbox" checked={everyone} onChange={(e) => setEveryone((e.target as HTMLInputElement).checked)} /> Everyone can post (otherwise only admins)</label>
        {error && <p class="error" role="alert">{error}</p>}
        <button type="submit" disabled={busy}>Create room</button>
      </form>
    </Dialog>
  );
}
