// Readable sentences for the server's refusals, and which requests answer a group invite.

import { errorText, type ErrorLike } from "./error_text";

/** The invite code a request answers, if it is an accept (`join` by invite) or a `decline`. */
export function inviteAnswered(request?: Record<string, unknown>): string | undefined {
  if (!request || typeof request.invite !== "string") return undefined;
  return request.type === "join" || request.type === "decline" ? request.invite : undefined;
}

/** A readable sentence for an error frame. */
export function describe(e: ErrorLike): string {
  switch (e.code) {
    case "not_member": return "You are not a member of this chat.";
    case "forbidden":   // a send to someone I block says so (protocol.md §4.8)
      return /\bblock/i.test(e.message ?? "") ? "You blocked this person. Unblock them to write." : "Only admins can do that here.";
    case "chat_full": return "The chat is full.";
    case "no_such_user": return "That user does not exist.";
    case "not_found": return "Nothing was found for that id or invite code.";
    case "no_such_chat": return "No such chat.";
    case "text_too_long": return "The message is too long.";
    case "no_such_media": return "The file is no longer on the server. Send it again.";
    case "no_such_message": return "That message is no longer there.";
    case "too_late": return "It is too late to change that message.";
    default: return errorText(e);
  }
}

/**
 * A readable sentence for a refused `join` of a room. A private room answers its id exactly as
 * an id no chat has (`no_such_chat`), so the sentence covers both.
 */
export function joinError(e: { code: string; message?: string }, request: Record<string, unknown>): string {
  const byId = typeof request.chat === "number";
  switch (e.code) {
    case "no_such_chat": return "No such room, or it is private: ask for an invite code.";
    case "not_found": return byId ? describe(e) : "This invite code does not work: check it, or ask for a new one.";
    case "invalid": return byId ? "That is not a room: groups are joined when a member adds you." : describe(e);
    case "chat_full": return "The room is full.";
    default: return describe(e);
  }
}

const ACTIONS = new Set(["edit", "delete", "react", "star"]);

/** A readable sentence for a refused edit, delete, reaction, star or forward; undefined for other requests. */
export function actionError(e: { code: string; message?: string }, request?: Record<string, unknown>): string | undefined {
  const type = String(request?.type ?? "");
  const forward = type === "send" && !!request?.forward;
  if (!ACTIONS.has(type) && !forward) return undefined;
  if (e.code === "too_late")
    return type === "edit" ? "Messages can be edited for 15 minutes only." : "Messages can be deleted for everyone for 48 hours only.";
  if (e.code === "forbidden") {
    if (type === "edit") return "You can only edit your own messages.";
    if (type === "delete") return "You can only delete your own messages for everyone.";
    if (type === "star") return "This message cannot be starred.";
  }
  if (forward && e.code === "no_such_message") return "That message can no longer be forwarded.";
  return describe(e);
}
