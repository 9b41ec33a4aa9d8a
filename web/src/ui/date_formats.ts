// Dates and times in the locale's way without building an `Intl.DateTimeFormat` on the first
// paint: Chromium's first one loads ICU's locale data and costs 20–40 ms of the main thread.
// Each format the page uses is kept in localStorage as a template (its parts in order, the
// names of the weekdays, months and AM/PM), taken from the real formatter and kept only when
// it writes 180 sample dates exactly as the formatter does (a locale with other
// digits, or with "in the morning" for AM, is never kept: it always goes through Intl). The
// next page formats from the template; once it is idle it builds the real formatters and
// checks the templates again (a browser update or another language replaces them).

import { whenIdle } from "./idle";

type Field = "hour" | "minute" | "dayPeriod" | "weekday" | "day" | "month" | "year";
/** A literal, or a field: a number written with at least `width` digits (2 for the year: its last two), or a name (width 0). */
type Part = string | [Field, number];
export interface Template { parts: Part[]; hourCycle?: string; names: Partial<Record<Field, string[]>> }

const FIELDS = new Set<string>(["hour", "minute", "dayPeriod", "weekday", "day", "month", "year"]);
const at = (y: number, mo: number, d: number, h = 5, mi = 7) => new Date(y, mo, d, h, mi);
/** A Thursday in March, 5:07 in the morning: every number in it is one digit, so a leading zero shows. */
const REF = () => at(2026, 2, 5);

/** The value of `field` at `d`, as the template writes it. */
function value(t: Template, field: Field, width: number, d: Date): string {
  const h = d.getHours();
  let n: number;
  switch (field) {
    case "hour":
      n = t.hourCycle === "h23" ? h : t.hourCycle === "h24" ? h || 24 : t.hourCycle === "h11" ? h % 12 : h % 12 || 12;
      break;
    case "minute": n = d.getMinutes(); break;
    case "day": n = d.getDate(); break;
    case "year": n = width === 2 ? d.getFullYear() % 100 : d.getFullYear(); break;
    case "month": if (!width) return t.names.month![d.getMonth()]!; n = d.getMonth() + 1; break;
    case "weekday": return t.names.weekday![d.getDay()]!;
    case "dayPeriod": return t.names.dayPeriod![h < 12 ? 0 : 1]!;
  }
  return String(n).padStart(width, "0");
}

export function writeWith(t: Template, d: Date): string {
  let s = "";
  for (const p of t.parts) s += typeof p === "string" ? p : value(t, p[0], p[1], d);
  return s;
}

/** Dates a template must write as its formatter does: every hour at a few minutes, days across two years (each month, weekday, both halves of a month). */
function samples(): Date[] {
  const out: Date[] = [];
  for (let h = 0; h < 24; h++) for (const mi of [0, 7, 30, 59]) out.push(at(2026, 2, 5, h, mi));
  for (let i = 0; i < 730; i += 9) out.push(at(2025, 0, 1 + i, 17, 45));
  out.push(at(2009, 11, 31, 23, 59), at(2031, 0, 1, 0, 0));
  return out;
}

/** The template of `f`, or null when it cannot write every sample date exactly as `f` does. */
export function templateOf(f: Intl.DateTimeFormat): Template | null {
  const ref = REF();
  const t: Template = { parts: [], names: {} };
  const pick = (d: Date, type: string) => f.formatToParts(d).find((p) => p.type === type)?.value ?? "";
  for (const p of f.formatToParts(ref)) {
    if (p.type === "literal") { t.parts.push(p.value); continue; }
    if (!FIELDS.has(p.type)) return null;   // an era, a time zone, a related year…: not kept
    const field = p.type as Field;
    if (field === "weekday") t.names.weekday = [1, 2, 3, 4, 5, 6, 7].map((d) => pick(at(2026, 2, d), "weekday"));   // 1 March 2026: a Sunday
    else if (field === "dayPeriod") t.names.dayPeriod = [pick(at(2026, 2, 5, 5), "dayPeriod"), pick(at(2026, 2, 5, 17), "dayPeriod")];
    else if (field === "month" && !/^\d+$/.test(p.value)) t.names.month = Array.from({ length: 12 }, (_, m) => pick(at(2026, m, 5), "month"));
    const width = field === "weekday" || field === "dayPeriod" || (field === "month" && t.names.month) ? 0
      : field === "year" ? (p.value.length === 2 ? 2 : 1) : p.value.length;
    t.parts.push([field, width]);
  }
  t.hourCycle = f.resolvedOptions().hourCycle;
  // V8's format() writes U+202F (narrow no-break space, "5:07\u202fAM") as a plain space, its formatToParts() does not.
  const plain: Template = { ...t, parts: t.parts.map((p) => (typeof p === "string" ? p.replaceAll("\u202f", " ") : p)) };
  const dates = samples();
  return [t, plain].find((c) => dates.every((d) => writeWith(c, d) === f.format(d))) ?? null;
}

// ------------------------------------------------------------ kept between pages

const KEY = "parley.dateFormats";
/** Templates hold for one browser (its ICU data) and one list of languages. */
const who = () => (typeof navigator === "undefined" ? "" : `${navigator.languages?.join(",")}|${navigator.userAgent}`);

interface Kept { who: string; formats: Record<string, Template | null> }

function load(): Record<string, Template | null> {
  try {
    const kept = JSON.parse(localStorage.getItem(KEY) ?? "null") as Kept | null;
    return kept?.who === who() ? kept.formats : {};
  } catch {
    return {};
  }
}

let kept: Record<string, Template | null> | null = null;
const made = new Map<string, { options: Intl.DateTimeFormatOptions; f?: Intl.DateTimeFormat }>();
let checking = false;

/** Once the page is idle: the real formatters, their templates checked and kept for the next page. */
function checkLater() {
  if (checking || typeof localStorage === "undefined") return;
  checking = true;
  whenIdle(() => {
    checking = false;
    const formats: Record<string, Template | null> = { ...(kept ?? load()) };   // with those this page did not use
    for (const [id, m] of made) {
      m.f ??= new Intl.DateTimeFormat(undefined, m.options);
      formats[id] = templateOf(m.f);
    }
    kept = formats;
    try {
      localStorage.setItem(KEY, JSON.stringify({ who: who(), formats } satisfies Kept));
    } catch { /* storage full or off: the next page builds its formatters */ }
  });
}

/**
 * Writes dates with `options` in the browser's locale, as `Intl.DateTimeFormat` does: from the
 * template kept by an earlier page when there is one, else through the formatter itself.
 * `id` names the format in the kept set.
 */
export function dateFormat(id: string, options: Intl.DateTimeFormatOptions): (ts: number) => string {
  return (ts) => {
    let m = made.get(id);
    if (!m) {
      made.set(id, (m = { options }));
      checkLater();
    }
    kept ??= typeof localStorage === "undefined" ? {} : load();
    const t = kept[id];
    if (t && !m.f) {
      try {
        return writeWith(t, new Date(ts));
      } catch { /* a template kept in another shape: the formatter, as without one */ }
    }
    m.f ??= new Intl.DateTimeFormat(undefined, options);
    return m.f.format(ts);
  };
}
