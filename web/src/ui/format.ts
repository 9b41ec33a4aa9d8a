// Words for system messages and chat previews.

import type { AppState, Chat, Message } from "../app/state";
import type { MediaKind } from "../protocol/frames";
import { formatPhone } from "./countries";

export function who(state: AppState, user: number): string {
  const n = state.name(user);
  return n.startsWith("+") ? formatPhone(n) : n;
}

function people(state: AppState, users: unknown): string {
  // In the middle of a sentence I am "you": "Alice added you, Bob".
  return Array.isArray(users) ? users.map((u) => (Number(u) === state.me ? "you" : who(state, Number(u)))).join(", ") : "";
}

export function systemText(state: AppState, m: Pick<Message, "from" | "system">): string {
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

export function preview(state: AppState, c: Chat): string {
  if (!c.lastSeq) return c.kind === "direct" ? "" : "No messages yet";
  if (c.lastSystem) return c.kind === "direct" ? "" : "Chat updated";
  const prefix = c.lastSender === state.me ? "You: " : c.kind === "group" ? `${who(state, c.lastSender)}: ` : "";
  return prefix + (c.lastMedia ? mediaText(c.lastMedia, c.lastText) : c.lastText);
}

export function initials(name: string): string {
  const t = name.replace(/[^\p{L}\p{N} ]/gu, "").trim();
  if (!t) return "#";
  if (/^\d/.test(t)) return t.slice(-2);
  return t.split(/\s+/).slice(0, 2).map((w) => w[0]!.toUpperCase()).join("");
}
