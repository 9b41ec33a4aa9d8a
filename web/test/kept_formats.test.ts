// What a page's first paint no longer computes: dates and times from a kept template
// (date_formats.ts; a template is kept only when it writes exactly what Intl.DateTimeFormat
// writes, and a page with templates kept by an earlier one writes its times without building a
// formatter), and phone numbers written out by an earlier page (kept_results.ts).
import { afterEach, describe, expect, it, vi } from "vitest";

import { templateOf, writeWith } from "../src/ui/date_formats";
import { forgetKeptResults, keptResults } from "../src/ui/kept_results";

const FORMATS: Intl.DateTimeFormatOptions[] = [
  { hour: "numeric", minute: "2-digit" }, { weekday: "long" }, { year: "numeric", month: "long", day: "numeric" }, {},
];
const LOCALES = ["en-US", "en-GB", "de-DE", "fr-FR", "es-ES", "pt-BR", "ru-RU", "tr-TR", "ja-JP", "ko-KR", "zh-TW", "zh-CN",
  "hi-IN", "he-IL", "nl-NL", "sv-SE", "pl-PL", "ar-EG", "fa-IR", "bn-BD", "th-TH", "my-MM"];

/** Dates a template was not checked with: spread over 40 years, at every minute of the day. */
function strangers(n: number): Date[] {
  let x = 12345;
  const next = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: n }, () => new Date(new Date(1995, 0, 1).getTime() + next() * 40 * 365 * 86_400_000));
}

describe("templateOf", () => {
  it("writes the US and German times as their formatters do, without a leading zero in the US", () => {
    const us = templateOf(new Intl.DateTimeFormat("en-US", FORMATS[0]))!;
    const de = templateOf(new Intl.DateTimeFormat("de-DE", FORMATS[0]))!;
    expect(writeWith(us, new Date(2026, 10, 25, 5, 12))).toMatch(/^5:12\sAM$/u);
    expect(writeWith(us, new Date(2026, 10, 25, 17, 12))).toMatch(/^5:12\sPM$/u);
    expect(writeWith(de, new Date(2026, 10, 25, 17, 12))).toBe("17:12");
    expect(writeWith(templateOf(new Intl.DateTimeFormat("en-US", FORMATS[1]))!, new Date(2026, 10, 25))).toBe("Wednesday");
    expect(writeWith(templateOf(new Intl.DateTimeFormat("de-DE", FORMATS[2]))!, new Date(2026, 2, 5))).toBe("5. März 2026");
  });

  it("keeps no template for a locale written in other digits", () => {
    expect(templateOf(new Intl.DateTimeFormat("ar-EG", FORMATS[0]))).toBeNull();
    expect(templateOf(new Intl.DateTimeFormat("fa-IR", FORMATS[3]))).toBeNull();
  });

  it("writes what Intl writes for every locale and format it keeps one for", () => {
    let kept = 0;
    for (const locale of LOCALES)
      for (const options of FORMATS) {
        const f = new Intl.DateTimeFormat(locale, options);
        const t = templateOf(f);
        if (!t) continue;
        kept++;
        for (const d of strangers(300)) expect(`${locale} ${writeWith(t, d)}`).toBe(`${locale} ${f.format(d)}`);
      }
    expect(kept).toBeGreaterThan(LOCALES.length * 2);
  });
});

describe("dateFormat", () => {
  afterEach(() => { vi.unstubAllGlobals(); vi.resetModules(); });

  it("writes through Intl first, keeps the checked templates once idle, and the next page writes from them without Intl", async () => {
    const data = new Map<string, string>();
    const idle: (() => void)[] = [];
    vi.stubGlobal("localStorage", { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) });
    vi.stubGlobal("requestIdleCallback", (fn: () => void) => idle.push(fn));
    const ts = new Date(2026, 10, 25, 5, 12).getTime();
    const want = new Intl.DateTimeFormat(undefined, FORMATS[0]).format(ts);

    const first = await import("../src/ui/date_formats");
    expect(first.dateFormat("clock", FORMATS[0])(ts)).toBe(want);
    expect(idle).toHaveLength(1);
    idle.pop()!();
    expect(data.size).toBe(1);

    vi.resetModules();
    const real = Intl.DateTimeFormat;
    const made = vi.fn((...args: ConstructorParameters<typeof Intl.DateTimeFormat>) => new real(...args));
    vi.stubGlobal("Intl", { ...Intl, DateTimeFormat: made });
    const next = await import("../src/ui/date_formats");
    expect(next.dateFormat("clock", FORMATS[0])(ts)).toBe(want);
    expect(made).not.toHaveBeenCalled();
    idle.pop()!();   // the idle check builds the formatter and keeps the template again
    expect(made).toHaveBeenCalledTimes(1);
    expect(next.dateFormat("clock", FORMATS[0])(ts)).toBe(want);
  });
});

describe("keptResults", () => {
  afterEach(() => { vi.unstubAllGlobals(); });

  it("computes each input once per page; the next page uses what was kept and computes it again once idle", () => {
    const data = new Map<string, string>();
    const idle: (() => void)[] = [];
    vi.stubGlobal("localStorage", { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) });
    vi.stubGlobal("requestIdleCallback", (fn: () => void) => idle.push(fn));
    const slow = vi.fn((s: string) => s.toUpperCase());
    const first = keptResults("k", slow);
    expect([first("ab"), first("ab"), first("cd")]).toEqual(["AB", "AB", "CD"]);
    expect(slow).toHaveBeenCalledTimes(2);
    idle.pop()!();
    expect(JSON.parse(data.get("k")!)).toEqual({ ab: "AB", cd: "CD" });

    const next = vi.fn((s: string) => `${s}!`);   // a new version of the library writes it anew
    const second = keptResults("k", next);
    expect(second("ab")).toBe("AB");             // as kept: nothing computed on the first paint
    expect(second("ef")).toBe("ef!");
    expect(next).toHaveBeenCalledTimes(1);
    idle.pop()!();
    expect(second("ab")).toBe("ab!");
    expect(JSON.parse(data.get("k")!)).toEqual({ ab: "ab!", ef: "ef!", cd: "CD" });
  });

  it("sign-out forgets them, here and in localStorage", () => {
    const data = new Map<string, string>([["k2", JSON.stringify({ a: "A" })]]);
    vi.stubGlobal("localStorage", { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v),
      removeItem: (k: string) => void data.delete(k) });
    vi.stubGlobal("requestIdleCallback", () => 0);
    const slow = vi.fn((s: string) => s.toUpperCase() + "!");
    const f = keptResults("k2", slow);
    expect(f("a")).toBe("A");
    forgetKeptResults();
    expect(data.has("k2")).toBe(false);
    expect(f("a")).toBe("A!");   // computed anew
  });

  it("at most `limit` are kept, this page's first", () => {
    const data = new Map<string, string>([["k", JSON.stringify({ old1: "1", old2: "2" })]]);
    const idle: (() => void)[] = [];
    vi.stubGlobal("localStorage", { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) });
    vi.stubGlobal("requestIdleCallback", (fn: () => void) => idle.push(fn));
    const f = keptResults("k", (s) => s, 2);
    f("a");
    idle.pop()!();
    expect(JSON.parse(data.get("k")!)).toEqual({ a: "a", old1: "1" });
  });
});
