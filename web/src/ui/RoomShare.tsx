// What a room's info shows about joining it: public or private, the number to share (public
// rooms), and for admins the invite code with "Copy code" and "Copy link" (`<origin>/join/<code>`,
// which opens the Rooms dialog with the code filled in). Copying uses the Clipboard API; where
// it is missing (plain http:// off localhost) a hidden text area, and failing that the text is
// selected on the page for the user to copy.

import { useEffect, useRef, useState } from "preact/hooks";
import type { ComponentChildren } from "preact";
import type { Chat } from "../app/state";
import { GlobeIcon, LockIcon } from "./Icons";

/** The address that opens the Rooms dialog with `code` in it. */
export function joinLink(code: string): string {
  return `${location.origin}/join/${encodeURIComponent(code)}`;
}

/** Copies by selecting a hidden text area: for pages where the Clipboard API is missing. */
function copyBySelection(text: string): boolean {
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.className = "sr-only";
  document.body.append(area);
  area.select();
  let ok = false;
  try { ok = document.execCommand("copy"); } catch { ok = false; }
  area.remove();
  return ok;
}

type Result = "" | "copied" | "selected";

/**
 * A copy button for a short text shown beside it (`shown`): "Copied" when it worked, else the
 * shown text is selected so Ctrl+C copies it. `label` names the button when its words alone
 * would not say what it copies.
 */
function CopyButton({ text, shown, label, children }: { text: string; shown: { current: HTMLElement | null }; label?: string; children: ComponentChildren }) {
  const [result, setResult] = useState<Result>("");
  useEffect(() => {
    if (!result) return;
    const t = setTimeout(() => setResult(""), 3000);
    return () => clearTimeout(t);
  }, [result]);
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setResult("copied");
      return;
    } catch { /* no Clipboard API, or no permission */ }
    if (copyBySelection(text)) { setResult("copied"); return; }
    const el = shown.current;
    if (el) getSelection()?.selectAllChildren(el);
    setResult("selected");
  }
  return (
    <>
      <button type="button" class="copy" aria-label={label} onClick={() => void copy()}>{children}</button>
      <span role="status" class="copy-status">{result === "copied" ? "Copied" : result === "selected" ? "Selected: press Ctrl+C to copy it" : ""}</span>
    </>
  );
}

/** A room's info: public or private, what to share to bring people in, and (admins) the invite code and link. */
export function RoomAccessInfo({ chat }: { chat: Chat }) {
  const info = chat.info!;
  const isPublic = info.public === true;   // absent (an older server, an older room): private
  const idRef = useRef<HTMLElement>(null);
  const codeRef = useRef<HTMLElement>(null);
  const linkRef = useRef<HTMLElement>(null);
  return (
    <section class="room-access" aria-label="Who can join" data-access={isPublic ? "public" : "private"}>
      <p class="access-title">{isPublic ? <GlobeIcon /> : <LockIcon />} {isPublic ? "Public room" : "Private room"}</p>
      <p class="hint">{isPublic
        ? "Anyone who knows its number can join."
        : "Only people with the invite code can join; to anyone else it does not exist."}</p>
      {isPublic && (
        <p class="share">Room number: <code data-room-id ref={idRef}>{chat.chat}</code>{" "}
          <CopyButton text={String(chat.chat)} shown={idRef} label="Copy room number">Copy</CopyButton></p>
      )}
      {info.invite ? (
        <>
          <p class="share">Invite code: <code data-invite ref={codeRef}>{info.invite}</code>{" "}
            <CopyButton text={info.invite} shown={codeRef}>Copy code</CopyButton></p>
          <p class="share">Invite link: <code class="invite-link" data-invite-link ref={linkRef}>{joinLink(info.invite)}</code>{" "}
            <CopyButton text={joinLink(info.invite)} shown={linkRef}>Copy link</CopyButton></p>
        </>
      ) : !isPublic && info.role !== "none" && <p class="hint">Ask an admin for the invite code to bring someone in.</p>}
    </section>
  );
}
