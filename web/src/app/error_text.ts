// The one place where a refusal from the server becomes a sentence for the user. Every wire
// code of docs/protocol.md §8 has its own; the server's `message` is never shown (it is for
// developers and may change), except that HTTP gives its wait only there ("retry in 705 s").

/** An error as the server (or the network) gave it: a WebSocket `error` frame or an HTTP answer. */
export interface ErrorLike {
  code: string;
  message?: string;          // the server's own text: read for a wait or a block, never shown
  retry_after_ms?: number;   // WebSocket `rate_limited` and `unavailable`
  status?: number;           // HTTP status (0: the server was not reached)
}

/** A wait in words, rounded up: "45 seconds", "12 minutes", "1 hour and 5 minutes". */
export function waitInWords(ms: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
  const s = Math.max(1, Math.ceil(ms / 1000));
  if (s < 60) return plural(s, "second");
  const m = Math.ceil(s / 60);
  if (m < 60) return plural(m, "minute");
  const h = Math.floor(m / 60);
  return m % 60 ? `${plural(h, "hour")} and ${plural(m % 60, "minute")}` : plural(h, "hour");
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, sec: 1000, min: 60_000, h: 3_600_000 };

/**
 * How long the server asks to wait, in ms: `retry_after_ms` on the WebSocket; over HTTP the
 * only place it says is its message ("retry in 705 s", "retry in 12 min"). Undefined if neither.
 */
export function retryAfterMs(e: ErrorLike): number | undefined {
  if (typeof e.retry_after_ms === "number" && e.retry_after_ms > 0) return e.retry_after_ms;
  const m = /retry in (\d+)\s*(ms|sec|s|min|h)\b/i.exec(e.message ?? "");
  return m ? Number(m[1]) * UNITS[m[2].toLowerCase()] : undefined;
}

const TEXT: Record<string, string> = {
  bad_json: "The app sent something the server could not read. Reload the page and try again.",
  bad_frame: "The app sent something the server could not read. Reload the page and try again.",
  unknown_type: "This version of the app asked for something the server does not know. Reload the page.",
  frame_too_large: "That is too much to send at once.",
  text_too_long: "The message is too long. Split it into shorter messages.",
  not_authenticated: "You are not signed in. Sign in again.",
  unauthorized: "This browser was signed out. Sign in again to continue.",
  no_such_user: "That person is not on parley.",
  no_such_chat: "This chat does not exist any more.",
  not_member: "You are not a member of this chat.",
  forbidden: "Only admins can do that here.",
  chat_full: "The chat is full.",
  no_such_media: "The file is no longer on the server. Send it again.",
  no_such_message: "That message is no longer there.",
  too_late: "It is too late to change that message.",
  unsupported_media: "This file type can't be sent.",
  too_large: "The file is too large to send.",
  offset_mismatch: "The upload was interrupted. Try again.",
  too_many_errors: "The connection was closed after too many errors. Reload the page.",
  too_many_connections: "Too many parley tabs or devices are connected from here. Close one and try again.",
  invalid: "The server could not accept that. Check what you entered and try again.",
  not_found: "That could not be found: it may have been removed.",
  bad_phone: "That is not a valid phone number. Include the country code, like +14155550102.",
  code_expired: "That code has expired. Ask for a new one.",
  code_invalid: "That code is not right. Check it and try again.",
  unavailable: "The server can't do that right now. Try again in a moment.",
  internal: "Something went wrong on the server. Try again.",
  network: "The server cannot be reached. Check your connection and try again.",
};

/** The codes with a sentence of their own (the tests check every code of the protocol is one). */
export const KNOWN_CODES: readonly string[] = [...Object.keys(TEXT), "rate_limited", "too_many_attempts"];

const FALLBACK = "Something went wrong. Try again.";

/** A friendly sentence for any refusal: one per wire code, with the wait in words where the server gave one. */
export function errorText(e: ErrorLike): string {
  const wait = retryAfterMs(e);
  switch (e.code) {
    case "rate_limited":
      return wait ? `Too many tries. Try again in ${waitInWords(wait)}.` : "Too many tries. Wait a moment and try again.";
    case "too_many_attempts":   // this code tried too often ("request a new one"), or wrong codes for an hour ("retry in N min")
      return wait ? `Too many wrong codes. Try again in ${waitInWords(wait)}.` : "Too many wrong codes. Ask for a new code.";
    case "forbidden":           // a send to someone I block says so (protocol.md §4.8)
      return /\bblock/i.test(e.message ?? "") ? "You blocked this person. Unblock them to write." : TEXT.forbidden;
  }
  if (Object.hasOwn(TEXT, e.code)) return TEXT[e.code];
  const status = e.status ?? 0;   // a code this app does not know: go by the HTTP status
  if (status === 401) return TEXT.unauthorized;
  if (status === 404) return TEXT.not_found;
  if (status === 413) return TEXT.too_large;
  if (status === 429) return errorText({ ...e, code: "rate_limited" });
  if (status >= 500) return TEXT.unavailable;
  return FALLBACK;
}
