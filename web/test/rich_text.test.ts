// The message text parser (src/ui/rich_text.ts): WhatsApp's formatting, code and links.

import { describe, expect, it } from "vitest";
import { findLinks, parseRich, plainText, type Span } from "../src/ui/rich_text";

/** Spans in a short form: text as is, `[b:…]`, `[i:…]`, `[s:…]`, `{code}`, `{{mono}}`, `<text|href>`. */
function show(spans: Span[]): string {
  return spans.map((s) => {
    switch (s.kind) {
      case "text": return s.text;
      case "link": return `<${s.text}|${s.href}>`;
      case "code": return s.block ? `{{${s.text}}}` : `{${s.text}}`;
      default: return `[${s.kind[0]}:${show(s.children)}]`;
    }
  }).join("");
}
const rich = (text: string) => show(parseRich(text));

describe("formatting", () => {
  it("bold, italic, strike and monospace", () => {
    expect(rich("*bold* _it_ ~st~ ```mono```")).toBe("[b:bold] [i:it] [s:st] {{mono}}");
    expect(rich("say `npm ci` twice")).toBe("say {npm ci} twice");
  });

  it("plain text stays one text span", () => {
    expect(parseRich("hello world")).toEqual([{ kind: "text", text: "hello world" }]);
    expect(parseRich("")).toEqual([]);
  });

  it("nests", () => {
    expect(rich("*_both_*")).toBe("[b:[i:both]]");
    expect(rich("_*both*_ and ~*struck bold*~")).toBe("[i:[b:both]] and [s:[b:struck bold]]");
    expect(rich("*bold with _italic_ inside*")).toBe("[b:bold with [i:italic] inside]");
  });

  it("markers count only at word boundaries", () => {
    expect(rich("snake_case_name")).toBe("snake_case_name");
    expect(rich("2*3*4")).toBe("2*3*4");
    expect(rich("a*b* c")).toBe("a*b* c");
    expect(rich("*b*c")).toBe("*b*c");
    expect(rich("(*yes*), *yes*!")).toBe("([b:yes]), [b:yes]!");
  });

  it("no space just inside the markers", () => {
    expect(rich("5 * 3 * 2")).toBe("5 * 3 * 2");
    expect(rich("* not*")).toBe("* not*");
    expect(rich("*not *")).toBe("*not *");
    expect(rich("*a * b*")).toBe("[b:a * b]");
  });

  it("something between, on one line", () => {
    expect(rich("**")).toBe("**");
    expect(rich("**bold**")).toBe("*[b:bold]*");
    expect(rich("*one\ntwo*")).toBe("*one\ntwo*");
    expect(rich("*one*\n*two*")).toBe("[b:one]\n[b:two]");
    expect(rich("~unclosed")).toBe("~unclosed");
  });

  it("monospace spans lines and keeps markers and links as they are", () => {
    expect(rich("```a *b*\nhttps://x.org```")).toBe("{{a *b*\nhttps://x.org}}");
    expect(rich("``````")).toBe("``````");
    expect(rich("`*x*` *y*")).toBe("{*x*} [b:y]");
    expect(rich("`a\nb`")).toBe("`a\nb`");
  });

  it("markup is only text", () => {
    expect(parseRich("<script>alert(1)</script>")).toEqual([{ kind: "text", text: "<script>alert(1)</script>" }]);
    expect(rich("*<b>x</b>*")).toBe("[b:<b>x</b>]");
  });

  it("keeps characters outside the BMP whole", () => {
    expect(rich("😀*hi*😀")).toBe("😀[b:hi]😀");   // an emoji is no letter: a boundary
    expect(rich("𝐀*hi*")).toBe("𝐀*hi*");           // a letter outside the BMP is one
    expect(rich("😀 *hi* 😀")).toBe("😀 [b:hi] 😀");
  });

  it("plainText drops the markers only", () => {
    expect(plainText("*bold* and _it_ ~no~ ```code``` https://x.org/a_b")).toBe("bold and it no code https://x.org/a_b");
    expect(plainText("snake_case 2*3")).toBe("snake_case 2*3");
  });
});

describe("links", () => {
  it("http, https and www", () => {
    expect(rich("see https://example.com/a?b=1#c now")).toBe("see <https://example.com/a?b=1#c|https://example.com/a?b=1#c> now");
    expect(rich("http://example.com")).toBe("<http://example.com|http://example.com/>");
    expect(rich("www.example.com/x")).toBe("<www.example.com/x|https://www.example.com/x>");
    expect(rich("HTTPS://Example.COM")).toBe("<HTTPS://Example.COM|https://example.com/>");
  });

  it("bare domains with a common top-level domain only", () => {
    expect(rich("parley.io and example.co.uk/path")).toBe("<parley.io|https://parley.io/> and <example.co.uk/path|https://example.co.uk/path>");
    expect(rich("notes.md main.py go.to e.g. file.txt 3.14")).toBe("notes.md main.py go.to e.g. file.txt 3.14");
    expect(rich("example.com:8080/x")).toBe("<example.com:8080/x|https://example.com:8080/x>");
  });

  it("trailing punctuation and unmatched brackets are not part of a link", () => {
    expect(rich("go to https://example.com.")).toBe("go to <https://example.com|https://example.com/>.");
    expect(rich("(https://example.com/x)")).toBe("(<https://example.com/x|https://example.com/x>)");
    expect(rich("https://en.wikipedia.org/wiki/Foo_(bar), ok")).toBe(
      "<https://en.wikipedia.org/wiki/Foo_(bar)|https://en.wikipedia.org/wiki/Foo_(bar)>, ok");
    expect(rich("example.com?!")).toBe("<example.com|https://example.com/>?!");
    expect(rich("“https://example.com”")).toBe("“<https://example.com|https://example.com/>”");
    expect(rich("「https://example.com/x」。")).toBe("「<https://example.com/x|https://example.com/x>」。");
  });

  it("a link's underscores and stars are not markers, but a link can be formatted", () => {
    expect(rich("https://x.org/a_b_c")).toBe("<https://x.org/a_b_c|https://x.org/a_b_c>");
    expect(rich("_https://x.org/a_b_")).toBe("[i:<https://x.org/a_b|https://x.org/a_b>]");
    expect(rich("*see example.com now*")).toBe("[b:see <example.com|https://example.com/> now]");
  });

  it("no other scheme, no address, no link glued to a word", () => {
    expect(findLinks("javascript:alert(1)")).toEqual([]);
    expect(findLinks("javascript://example.com/%0aalert(1)")).toEqual([]);
    expect(findLinks("data:text/html,<script>")).toEqual([]);
    expect(findLinks("ftp://example.com file://etc/passwd")).toEqual([]);
    expect(findLinks("mail bob@example.com or bob.smith@example.com")).toEqual([]);
    expect(findLinks("xhttps://example.com")).toEqual([]);
    expect(findLinks("https:// and https://nohost")).toEqual([]);
  });

  it("every href is http or https", () => {
    const texts = ["https://a.b/c", "www.x.com", "a.io", "http://localhost:8080/x", "HTTP://A.COM"];
    for (const t of texts)
      for (const l of findLinks(t)) expect(new URL(l.href).protocol).toMatch(/^https?:$/);
  });
});
