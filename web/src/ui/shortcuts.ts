// The keyboard shortcuts, as WhatsApp Web has them where parley has the feature: which key
// does what (`commandOf`, read by keyboard.ts) and the list the "Keyboard shortcuts" dialog
// shows, from one table. Keys are matched by their place on the keyboard (`code`), so Shift and
// the layout do not change them; Ctrl is Cmd on a Mac.

export type Command = "new-chat" | "new-group" | "search" | "search-in-chat" | "next-chat" | "previous-chat" | "mark-read"
  | "archive" | "pin" | "mute" | "settings" | "shortcuts";

interface Combo { ctrl?: boolean; alt?: boolean; shift?: boolean; code: string; label: string }

interface Shortcut { command: Command; what: string; keys: Combo[] }

const ctrlAlt = (code: string, label: string): Combo => ({ ctrl: true, alt: true, code, label });
const ctrlAltShift = (code: string, label: string): Combo => ({ ctrl: true, alt: true, shift: true, code, label });

export const SHORTCUTS: Shortcut[] = [
  { command: "new-chat", what: "New chat", keys: [ctrlAlt("KeyN", "N")] },
  { command: "new-group", what: "New group", keys: [ctrlAltShift("KeyN", "N")] },
  { command: "search", what: "Search chats and messages", keys: [ctrlAlt("Slash", "/"), { ctrl: true, code: "KeyK", label: "K" }] },
  { command: "search-in-chat", what: "Search in chat", keys: [ctrlAltShift("KeyF", "F")] },
  { command: "next-chat", what: "Next chat", keys: [ctrlAltShift("BracketRight", "]"), { alt: true, code: "ArrowDown", label: "↓" }] },
  { command: "previous-chat", what: "Previous chat", keys: [ctrlAltShift("BracketLeft", "["), { alt: true, code: "ArrowUp", label: "↑" }] },
  { command: "mark-read", what: "Mark as read (the open chat, or the chat row in focus)", keys: [ctrlAltShift("KeyU", "U")] },
  { command: "archive", what: "Archive or unarchive chat", keys: [ctrlAlt("KeyE", "E")] },
  { command: "pin", what: "Pin or unpin chat", keys: [ctrlAltShift("KeyP", "P")] },
  { command: "mute", what: "Mute chat for 8 hours, or unmute", keys: [ctrlAltShift("KeyM", "M")] },
  { command: "settings", what: "Settings", keys: [ctrlAlt("Comma", ",")] },
  { command: "shortcuts", what: "Keyboard shortcuts", keys: [{ ctrl: true, code: "Slash", label: "/" }] },
];

/** Keys that are not commands, for the same list. */
export const OTHER_KEYS: { what: string; keys: string[][] }[] = [
  { what: "Close a menu, dialog or panel", keys: [["Escape"]] },
  { what: "Move between messages (in the message list)", keys: [["↑"], ["↓"], ["Home"], ["End"]] },
  { what: "A message's actions (in the message list)", keys: [["Enter"], ["Shift", "F10"]] },
  { what: "Move between chats (in the chat list)", keys: [["↑"], ["↓"]] },
  { what: "Send the message", keys: [["Enter"]] },
  { what: "New line in the message", keys: [["Shift", "Enter"]] },
];

/** The keys of a combination, as shown: ["Ctrl", "Alt", "Shift", "N"]. */
export function keysOf(c: Combo): string[] {
  return [...(c.ctrl ? ["Ctrl"] : []), ...(c.alt ? ["Alt"] : []), ...(c.shift ? ["Shift"] : []), c.label];
}

/** What a key event says, as far as shortcuts care. */
export interface KeyLike { key: string; code: string; ctrlKey: boolean; altKey: boolean; shiftKey: boolean; metaKey: boolean; altGraph?: boolean }

/** The command a key press means, if any. */
export function commandOf(k: KeyLike): Command | null {
  // Where AltGr is Ctrl+Alt, it types characters (ę, €, @): a character outside ASCII is typing.
  if (k.altGraph || (k.altKey && k.key.length === 1 && /[^\x20-\x7e]/.test(k.key))) return null;
  const ctrl = k.ctrlKey || k.metaKey;
  for (const s of SHORTCUTS)
    for (const c of s.keys)
      if (c.code === k.code && !!c.ctrl === ctrl && !!c.alt === k.altKey && !!c.shift === k.shiftKey) return s.command;
  return null;
}
