// Friendly texts for the server's refusals (app/error_text.ts): every wire code of the protocol
// has its own sentence, waits are told in words, the server's text never shows; typed phone
// numbers are checked before the server is asked (app/phone_input.ts).

import { describe as suite, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { ApiError } from "../src/app/api";
import { KNOWN_CODES, errorText, retryAfterMs, waitInWords } from "../src/app/error_text";
import { checkPhone, checkPhones, toPhone } from "../src/app/phone_input";
import { describe, joinError } from "../src/app/words";
import { refusal } from "../src/app/upload";
import { mmss } from "../src/ui/ResendCode";

/** The codes of protocol.md §8's table ("| `code` | where | ..."). */
function documentedCodes(): string[] {
  const section = protocolDoc.slice(protocolDoc.indexOf("## 8. Error codes"));
  return [...section.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]);
}

/** The codes of src/proto/errors.h (`inline constexpr std::string_view kX = "x";`). */
function headerCodes(): string[] {
  return [...errorsHeader.matchAll(/std::string_view k\w+ = "([a-z_]+)";/g)].map((m) => m[1]);
}

// The protocol's own documents, outside web/ (where Vite's `?raw` does not reach).
const protocolDoc = readFileSync(new URL("../../docs/protocol.md", import.meta.url), "utf8");
const errorsHeader = readFileSync(new URL("../../src/proto/errors.h", import.meta.url), "utf8");

const FALLBACK = errorText({ code: "no_such_code_ever" });

suite("errorText", () => {
  it("finds the codes in the protocol's table and in the server's header, and they agree", () => {
    const doc = documentedCodes();
    expect(doc.length).toBeGreaterThanOrEqual(29);
    expect(new Set(doc)).toEqual(new Set(headerCodes()));
  });

  it("has a sentence of its own for every documented code, without the code or the server's text", () => {
    for (const code of documentedCodes()) {
      const text = errorText({ code, message: "some internal detail", status: 400 });
      expect(KNOWN_CODES, code).toContain(code);
      expect(text, code).not.toBe(FALLBACK);
      expect(text, code).not.toContain(code);
      expect(text, code).not.toContain("internal detail");
      expect(text, code).toMatch(/^[A-Z].*\.$/);
    }
  });

  it("tells a rate limit's wait in words, from retry_after_ms or the HTTP message", () => {
    expect(errorText({ code: "rate_limited", message: "too many requests; retry in 705 s", status: 429 }))
      .toBe("Too many tries. Try again in 12 minutes.");
    expect(errorText({ code: "rate_limited", message: "x", retry_after_ms: 45_000 })).toBe("Too many tries. Try again in 45 seconds.");
    expect(errorText({ code: "rate_limited", message: "too many lookups; retry in 1 s" })).toBe("Too many tries. Try again in 1 second.");
    expect(errorText({ code: "rate_limited" })).toBe("Too many tries. Wait a moment and try again.");
    expect(errorText({ code: "too_many_attempts", message: "too many wrong codes; retry in 12 min" }))
      .toBe("Too many wrong codes. Try again in 12 minutes.");
    expect(errorText({ code: "too_many_attempts", message: "too many attempts; request a new one" }))
      .toBe("Too many wrong codes. Ask for a new code.");
  });

  it("reads waits as seconds, minutes and hours, rounded up", () => {
    expect(waitInWords(10)).toBe("1 second");
    expect(waitInWords(59_000)).toBe("59 seconds");
    expect(waitInWords(60_000)).toBe("1 minute");
    expect(waitInWords(705_000)).toBe("12 minutes");
    expect(waitInWords(3_600_000)).toBe("1 hour");
    expect(waitInWords(3_900_000)).toBe("1 hour and 5 minutes");
    expect(waitInWords(7_260_000)).toBe("2 hours and 1 minute");
    expect(retryAfterMs({ code: "rate_limited", message: "at most 100 uploads an hour; retry in 3599 s" })).toBe(3_599_000);
    expect(retryAfterMs({ code: "rate_limited", message: "sending too fast" })).toBeUndefined();
  });

  it("goes by the HTTP status for a code it does not know, and never shows the server's text", () => {
    expect(errorText({ code: "http_502", message: "Bad Gateway", status: 502 })).toBe(errorText({ code: "unavailable" }));
    expect(errorText({ code: "http_429", message: "retry in 5 s", status: 429 })).toBe("Too many tries. Try again in 5 seconds.");
    expect(errorText({ code: "toString" })).toBe(FALLBACK);
    expect(errorText({ code: "weird", message: "raw text" })).not.toContain("raw text");
  });

  it("tells a block apart from an admin-only refusal", () => {
    expect(errorText({ code: "forbidden", message: "you block this user" })).toBe("You blocked this person. Unblock them to write.");
    expect(errorText({ code: "forbidden", message: "only admins may post" })).toBe("Only admins can do that here.");
  });

  it("puts the sentence in ApiError's message and keeps the server's text and wait beside it", () => {
    const e = new ApiError(429, "rate_limited", "too many requests; retry in 705 s");
    expect(e.message).toBe("Too many tries. Try again in 12 minutes.");
    expect(e.serverMessage).toBe("too many requests; retry in 705 s");
    expect(e.retry_after_ms).toBe(705_000);
    expect(describe(e)).toBe("Too many tries. Try again in 12 minutes.");
  });

  it("is what the app's other refusals fall back to", () => {
    expect(describe({ code: "too_many_connections", message: "too many connections from 127.0.0.1" })).not.toContain("127.0.0.1");
    expect(describe({ code: "internal", message: "store: constraint failed" })).toBe("Something went wrong on the server. Try again.");
    expect(joinError({ code: "unavailable", message: "bus down" }, { invite: "x" })).toBe(errorText({ code: "unavailable" }));
    expect(refusal(429, "rate_limited", "image", "at most 100 uploads an hour; retry in 2400 s").message)
      .toBe("Too many uploads. Try again in 40 minutes.");
  });
});

suite("typed phone numbers", () => {
  it("refuses what is not a number before asking the server", () => {
    expect(toPhone("abc")).toBeNull();
    expect(toPhone("12")).toBeNull();
    expect(() => checkPhone("abc")).toThrow('"abc" is not a valid phone number. Include the country code, like +14155550102.');
    expect(checkPhone(" +1 415 555 0102 ")).toBe("+14155550102");
  });

  it("reads a number without its country code in my own country", () => {
    expect(toPhone("415 555 0102", "+14155550101")).toBe("+14155550102");
    expect(toPhone("030 1234567", "+4915112345678")).toBe("+49301234567");
    expect(toPhone("415 555 0102")).toBeNull();   // no country to read it in
  });

  it("names every number of a list that is not valid, and leaves blanks out", () => {
    expect(checkPhones(["+14155550102", " ", "+14155550103"])).toEqual(["+14155550102", "+14155550103"]);
    expect(() => checkPhones(["+14155550102", "abc"])).toThrow('"abc" is not a valid phone number.');
    expect(() => checkPhones(["abc", "12"])).toThrow('These are not valid phone numbers: "abc", "12".');
  });
});

suite("the resend countdown", () => {
  it("writes minutes and seconds", () => {
    expect(mmss(30_000)).toBe("0:30");
    expect(mmss(29_001)).toBe("0:30");
    expect(mmss(725_000)).toBe("12:05");
    expect(mmss(-5)).toBe("0:00");
  });
});
