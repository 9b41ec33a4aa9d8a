// Words for system messages, chat previews, quotes and the chat modes.

import type { AppState, Chat, Message } from "../app/state";
import type { MediaKind } from "../protocol/frames";
import { formatPhone } from "./countries";
import { plainText } from "./rich_text";

export function who(state: AppState, user: number): string {
  const n = state.name(user);
  return n.startsWith("+") ? formatPhone(n) : n;
}

function people(state: AppState, users: unknown): string {
  // In the middle of a sentence I am "you": "Alice added you, Bob".
  return Array.isArray(users) ? users.map((u) => (Number(u) === state.me ? "you" : who(state, Number(u)))).join(", ") : "";
}

/** A chat's mode: messages go once delivered (`temporary`), or `disappear` seconds after they were sent (0: off). */
export interface Mode { temporary: boolean; disappear: number }

/** "24 hours", "7 days", "90 days" (any other length in days or hours). */
export function disappearLabel(seconds: number): string {
  if (seconds % 86400 === 0 && seconds > 86400) return `${seconds / 86400} days`;   // a day is "24 hours"
  const hours = Math.round(seconds / 3600);
  return `${hours} ${hours === 1 ? "hour" : "hours"}`;
}

/** The mode a `mode` system message set. */
export function modeOf(system: Message["system"]): Mode {
  return { temporary: system?.temporary === true, disappear: Number(system?.disappear) || 0 };
}

/**
 * A `mode` system message in words, told against the mode before it (off when not known):
 * "You turned on disappearing messages (24 hours)", "… turned off temporary chat".
 */
export function modeText(by: string, now: Mode, before: Mode = { temporary: false, disappear: 0 }): string {
  const said: string[] = [];
  if (now.disappear !== before.disappear) {
    if (!now.disappear) said.push(`${by} turned off disappearing messages`);
    else if (!before.disappear) said.push(`${by} turned on disappearing messages (${disappearLabel(now.disappear)})`);
    else said.push(`${by} changed disappearing messages to ${disappearLabel(now.disappear)}`);
  }
  if (now.temporary !== before.temporary) said.push(`${by} turned ${now.temporary ? "on" : "off"} temporary chat`);
  if (!said.length) {
    said.push(now.disappear ? `${by} set disappearing messages to ${disappearLabel(now.disappear)}` : `${by} turned off disappearing messages`);
    if (now.temporary) said.push("temporary chat is on");
  }
  return said.join("; ");
}

/**
 * A system message in words. `before`: for a `mode` message, the mode the chat had before it
 * (from the previous `mode` message loaded), if known.
 */
export function systemText(state: AppState, m: Pick<Message, "from" | "system">, before?: Mode): string {
  const s = m.system ?? { event: "" };
  const by = who(state, m.from);
  switch (s.event) {
    case "created": return `${by} created ${s.kind === "room" ? "the room" : "the group"} “${String(s.name ?? "")}”`;
    case "added": return `${by} added ${people(state, s.users)}`;
    case "removed": return `${by} removed ${people(state, s.users)}`;
    case "left": {
      const p = people(state, s.promoted);
      return `${by} left` + (p ? ` (${p} is now an admin)` : "");
    }
    case "promoted": return `${by} made ${people(state, s.users)} admin`;
    case "demoted": return `${by} made ${people(state, s.users)} a member`;
    case "renamed": return `${by} renamed the chat to “${String(s.name ?? "")}”`;
    case "avatar": return s.avatar ? `${by} changed the picture` : `${by} removed the picture`;
    case "mode": return modeText(by, modeOf(s), before);
    case "settings": return `${by} changed the settings: ` +
      `${s.members_can_add ? "all members" : "only admins"} can add, ${s.everyone_posts ? "everyone" : "only admins"} can send`;
    default: return `${by} changed the chat`;
  }
}

const MEDIA: Record<MediaKind, [string, string]> = {
  image: ["📷", "Photo"], video: ["🎥", "Video"], voice: ["🎤", "Voice message"], file: ["📄", "File"],
};

/** "📷 Photo", "🎥 Video", "🎤 Voice message", "📄 report.pdf"; the caption instead of the word when there is one. */
export function mediaText(media: { kind: MediaKind; name?: string }, caption: string): string {
  const [icon, word] = MEDIA[media.kind] ?? MEDIA.file;
  return `${icon} ${caption || (media.kind === "file" ? media.name || word : word)}`;
}

/** What a deleted message says in its place. */
export function deletedText(mine: boolean): string {
  return mine ? "You deleted this message" : "This message was deleted";
}

/** A quoted message in one line: its first line of text, or its media in words. */
export function quoteLine(m: Pick<Message, "text" | "media" | "deleted">): string {
  if (m.deleted) return "This message was deleted";
  const first = plainText(m.text).split("\n", 1)[0]!;   // as it reads: without *bold* markers
  return m.media ? mediaText(m.media, first) : first;
}

export function preview(state: AppState, c: Chat): string {
  if (!c.lastSeq) return c.kind === "direct" ? "" : "No messages yet";
  if (c.lastGone === "deleted") return `🚫 ${deletedText(c.lastSender === state.me)}`;
  if (c.lastGone) return "";
  if (c.lastSystem) return c.kind === "direct" ? "" : "Chat updated";
  const prefix = c.lastSender === state.me ? "You: " : c.kind === "group" ? `${who(state, c.lastSender)}: ` : "";
  const text = plainText(c.lastText);
  return prefix + (c.lastMedia ? mediaText(c.lastMedia, text) : text);
}

export function initials(name: string): string {
  const t = name.replace(/[^\p{L}\p{N} ]/gu, "").trim();
  if (!t) return "#";
  if (/^\d/.test(t)) return t.slice(-2);
  return t.split(/\s+/).slice(0, 2).map((w) => w[0]!.toUpperCase()).join("");
}
