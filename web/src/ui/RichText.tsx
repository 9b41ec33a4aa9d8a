// A message's text with WhatsApp's formatting and its links (rich_text.ts), built as elements
// and text nodes only. A link opens in a new tab, without telling the site where it came from.

import type { ComponentChildren } from "preact";
import { useMemo } from "preact/hooks";
import { parseRich, type Span } from "./rich_text";

function render(spans: Span[]): ComponentChildren[] {
  return spans.map((s, i) => {
    switch (s.kind) {
      case "text": return s.text;
      case "link": return <a key={i} href={s.href} target="_blank" rel="noopener noreferrer">{s.text}</a>;
      case "code": return <code key={i} class={s.block ? "mono" : undefined}>{s.text}</code>;
      case "bold": return <strong key={i}>{render(s.children)}</strong>;
      case "italic": return <em key={i}>{render(s.children)}</em>;
      case "strike": return <del key={i}>{render(s.children)}</del>;
    }
  });
}

export function RichText({ text }: { text: string }) {
  const children = useMemo(() => render(parseRich(text)), [text]);
  return <>{children}</>;
}
