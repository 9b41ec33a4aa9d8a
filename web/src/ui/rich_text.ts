// A message's text as WhatsApp shows it: *bold*, _italic_, ~strike~, ```monospace``` and
// `inline code`, and links (http and https URLs, www. addresses, bare domains with a common
// top-level domain). Pure: it returns spans, which RichText.tsx renders as elements (never as
// markup), so a message's text can never become HTML.
//
// WhatsApp's rules for where a marker counts: an opening one starts the text or follows a space
// or punctuation, and is followed by something other than a space; a closing one follows
// something other than a space and ends the text or comes before a space or punctuation; both
// on the same line, with something between. So `snake_case_name`, `2*3*4` and `5 * 3 * 2` stay
// as they are. Code is taken as it is (no formatting, no links inside it); a link's characters
// are never markers (`https://x.org/a_b_c`), but a link can sit inside formatting.

export type Span =
  | { kind: "text"; text: string }
  | { kind: "link"; text: string; href: string }
  | { kind: "code"; text: string; block: boolean }   // block: ```monospace```; else `inline code`
  | { kind: "bold" | "italic" | "strike"; children: Span[] };

const MARKERS: Record<string, "bold" | "italic" | "strike"> = { "*": "bold", _: "italic", "~": "strike" };

/** A character of plain text, or a link or a piece of code that formatting treats as one whole. */
type Atom = string | Span;

const WORD = /[\p{L}\p{N}]/u;
const SPACE = /\s/u;
const isWord = (a: Atom | undefined) => a !== undefined && (typeof a !== "string" || WORD.test(a));   // links and code glue like words
const isSpace = (a: Atom | undefined) => typeof a === "string" && SPACE.test(a);

// Top-level domains that make a bare "name.tld" a link: the common generic ones and country
// codes, less those that are everyday words or file extensions ("go.to", "notes.md", "main.py").
const TLDS = new Set(("com org net edu gov mil int info biz name pro io ai app dev co tv xyz eu " +
  "uk de fr es nl ch se dk fi pl pt ie ru ua cz sk hu ro gr tr il jp cn kr tw hk sg au nz ca mx br ar cl " +
  "za ng ke eg ma vn ph pk bd ir sa ae qa ly gl gg fm").split(" "));

// A URL with a scheme, a www. address, or a bare domain (whose TLD is checked above) with an
// optional port and path. None may follow a letter, a digit or a piece of an address ("@").
const LINK = new RegExp(
  String.raw`(?<![\p{L}\p{N}@.\/])(?:(https?:\/\/)[^\s<>"]+|(www\.)[^\s<>"]+|` +
  String.raw`((?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+(\p{L}{2,24}))(?![\p{L}\p{N}@-])(?::\d{1,5})?(?:[\/?#][^\s<>"]*)?)`,
  "giu");

const BRACKETS: Record<string, string> = { ")": "(", "]": "[", "}": "{", "）": "（", "」": "「", "』": "『", "】": "【" };

/** Drops what ends a sentence rather than the link: trailing punctuation, markers, unmatched brackets. */
function trimLink(s: string): string {
  for (;;) {
    const last = s.at(-1) ?? "";
    const open = BRACKETS[last];
    if (open ? s.split(open).length <= s.split(last).length - 1 : /[.,:;!?'"*_~”’»…。，、！？；：]/.test(last)) s = s.slice(0, -1);
    else return s;
  }
}

/** The safe http(s) URL a link's text stands for, or null. */
function hrefOf(text: string, withScheme: boolean): string | null {
  try {
    const url = new URL(withScheme ? text : `https://${text}`);
    const host = url.hostname.includes(".") || url.hostname === "localhost";
    return (url.protocol === "https:" || url.protocol === "http:") && host ? url.href : null;
  } catch {
    return null;
  }
}

/** The links in plain text (no code in it): where each starts and ends, and its href. */
export function findLinks(text: string): { start: number; end: number; href: string }[] {
  const found: { start: number; end: number; href: string }[] = [];
  if (!/[.:]/.test(text)) return found;   // every link has one ("https:", "www.", "name.tld"): most messages skip LINK
  for (const m of text.matchAll(LINK)) {
    if (m[3] !== undefined && !TLDS.has(m[4]!.toLowerCase())) continue;
    const raw = trimLink(m[0]);
    const href = raw.length > (m[1] ?? m[2] ?? "").length ? hrefOf(raw, m[1] !== undefined) : null;
    if (href) found.push({ start: m.index!, end: m.index! + raw.length, href });
  }
  return found;
}

/** Plain text as atoms: one per character (code point), one per link. */
function textAtoms(text: string, out: Atom[]) {
  const chars = (s: string) => { for (const c of s) out.push(c); };
  let at = 0;
  for (const l of findLinks(text)) {
    chars(text.slice(at, l.start));
    out.push({ kind: "link", text: text.slice(l.start, l.end), href: l.href });
    at = l.end;
  }
  chars(text.slice(at));
}

/** The whole text as atoms: ```monospace``` and `code` first (taken as they are), links in the rest. */
function atoms(text: string): Atom[] {
  const out: Atom[] = [];
  let plain = 0;
  let i = 0;
  while (i < text.length) {
    let code: { end: number; span: Span } | null = null;
    if (text.startsWith("```", i)) {
      const close = text.indexOf("```", i + 3);
      if (close > i + 3) code = { end: close + 3, span: { kind: "code", text: text.slice(i + 3, close), block: true } };
    } else if (text[i] === "`") {
      const close = text.indexOf("`", i + 1);
      const inner = text.slice(i + 1, close);
      if (close > i + 1 && !inner.includes("\n")) code = { end: close + 1, span: { kind: "code", text: inner, block: false } };
    }
    if (!code) { i++; continue; }
    textAtoms(text.slice(plain, i), out);
    out.push(code.span);
    i = plain = code.end;
  }
  textAtoms(text.slice(plain), out);
  return out;
}

/** Where the marker at `open` closes (before `to`, on its line), or -1. */
function closing(a: Atom[], open: number, to: number): number {
  const marker = a[open];
  for (let j = open + 2; j < to; j++) {
    if (a[j] === "\n") return -1;
    if (a[j] === marker && !isSpace(a[j - 1]) && !isWord(a[j + 1])) return j;
  }
  return -1;
}

function spans(a: Atom[], from: number, to: number): Span[] {
  const out: Span[] = [];
  let text = "";
  const flush = () => { if (text) out.push({ kind: "text", text }); text = ""; };
  for (let i = from; i < to; i++) {
    const c = a[i]!;
    if (typeof c !== "string") { flush(); out.push(c); continue; }
    const kind = MARKERS[c];
    if (kind && !isWord(a[i - 1]) && a[i + 1] !== undefined && !isSpace(a[i + 1]) && a[i + 1] !== c) {
      const end = closing(a, i, to);
      if (end > 0) {
        flush();
        out.push({ kind, children: spans(a, i + 1, end) });
        i = end;
        continue;
      }
    }
    text += c;
  }
  flush();
  return out;
}

/** A message's text as spans: formatting, code and links; the rest as text. */
export function parseRich(text: string): Span[] {
  const a = atoms(text);
  return spans(a, 0, a.length);
}

/** The text a reader sees, without the markers (for quotes and the chat list). */
export function plainText(text: string): string {
  const flat = (s: Span[]): string => s.map((x) => ("children" in x ? flat(x.children) : x.text)).join("");
  return /[*_~`]/.test(text) ? flat(parseRich(text)) : text;
}
