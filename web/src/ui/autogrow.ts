// A textarea that grows with its text, one line at a time up to `maxLines`, and scrolls past
// them; it shrinks back when the text does (after sending, to one line). The height is set
// through the CSSOM, which the page's CSP (no inline styles) allows.

import type { RefObject } from "preact";
import { useEffect, useLayoutEffect } from "preact/hooks";

export const COMPOSER_LINES = 6;

/** Fits `el`'s height to its text, at most `maxLines` lines. */
export function fitHeight(el: HTMLTextAreaElement, maxLines: number) {
  const cs = getComputedStyle(el);
  const px = (v: string) => parseFloat(v) || 0;
  const line = px(cs.lineHeight) || px(cs.fontSize) * 1.4;
  const padding = px(cs.paddingTop) + px(cs.paddingBottom);
  const border = px(cs.borderTopWidth) + px(cs.borderBottomWidth);
  const max = line * maxLines + padding + border;
  el.style.height = "auto";                       // measure the text, not the current height
  const wanted = el.scrollHeight + border;        // scrollHeight has the padding, not the border
  el.style.height = `${Math.min(wanted, max)}px`;
  el.style.overflowY = wanted > max + 1 ? "auto" : "hidden";
}

/** Keeps the textarea of `ref` fitted to `value` (its text), and to its width (lines wrap anew). */
export function useAutoGrow(ref: RefObject<HTMLTextAreaElement>, value: string, maxLines = COMPOSER_LINES) {
  useLayoutEffect(() => { if (ref.current) fitHeight(ref.current, maxLines); }, [value, maxLines]);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    let width = el.clientWidth;
    const watch = new ResizeObserver(() => {
      if (el.clientWidth === width) return;   // its own height changing: nothing to do
      width = el.clientWidth;
      fitHeight(el, maxLines);
    });
    watch.observe(el);
    return () => watch.disconnect();
  }, [maxLines]);
}
