// Work that can wait for the page to be idle (after its first paint): `requestIdleCallback`
// where there is one, else a timer.

/** Runs `fn` once the page is idle, at the latest after `timeoutMs` (`fallbackMs` without requestIdleCallback); returns a cancel. */
export function whenIdle(fn: () => void, timeoutMs = 3000, fallbackMs = 1000): () => void {
  if (typeof requestIdleCallback === "function") {
    const id = requestIdleCallback(fn, { timeout: timeoutMs });
    return () => cancelIdleCallback(id);
  }
  const id = setTimeout(fn, fallbackMs);
  return () => clearTimeout(id);
}
