// A textarea that grows with its text, one line at a time up to `maxLines`, and scrolls past
// them; it shrinks back when the text does (after sending, to one line). Where the browser
// sizes it by CSS (`field-sizing: content`, Chromium 123+; styles.css caps it at six lines),
// nothing is measured here. Elsewhere the height is set through the CSSOM, which the page's CSP
// (no inline styles) allows, and only once it has text: measuring is a forced layout, which
// the chat's first paint should not pay for an empty box.

import type { RefObject } from "preact";
import { useEffect, useLayoutEffect, useRef } from "preact/hooks";

export const COMPOSER_LINES = 6;

/** Fits `el`'s height to its text, at most `maxLines` lines; returns its width then. */
export function fitHeight(el: HTMLTextAreaElement, maxLines: number): number {
  const cs = getComputedStyle(el);
  const px = (v: string) => parseFloat(v) || 0;
  const line = px(cs.lineHeight) || px(cs.fontSize) * 1.4;
  const padding = px(cs.paddingTop) + px(cs.paddingBottom);
  const border = px(cs.borderTopWidth) + px(cs.borderBottomWidth);
  const max = line * maxLines + padding + border;
  el.style.height = "auto";                       // measure the text, not the current height
  const wanted = el.scrollHeight + border;        // scrollHeight has the padding, not the border
  const width = el.clientWidth;                   // (laid out for scrollHeight already)
  el.style.height = `${Math.min(wanted, max)}px`;
  el.style.overflowY = wanted > max + 1 ? "auto" : "hidden";
  return width;
}

/** Whether the browser fits a textarea to its text by itself (`field-sizing: content`). */
export const SIZED_BY_CSS = typeof CSS !== "undefined" && typeof CSS.supports === "function" && CSS.supports("field-sizing", "content");

/** Keeps the textarea of `ref` fitted to `value` (its text), and to its width (lines wrap anew). */
export function useAutoGrow(ref: RefObject<HTMLTextAreaElement>, value: string, maxLines = COMPOSER_LINES) {
  const width = useRef(-1);   // when it was last fitted (-1: never; an empty box is one line as it is)
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || SIZED_BY_CSS || (!value && width.current < 0)) return;
    width.current = fitHeight(el, maxLines);
  }, [value, maxLines]);
  useEffect(() => {
    const el = ref.current;
    if (!el || SIZED_BY_CSS || typeof ResizeObserver === "undefined") return;
    const watch = new ResizeObserver(() => {
      if (width.current < 0 || el.clientWidth === width.current) return;   // never fitted, or its own height changing
      width.current = fitHeight(el, maxLines);
    });
    watch.observe(el);
    return () => watch.disconnect();
  }, [maxLines]);
}
