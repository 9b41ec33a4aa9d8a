// Work that can wait for the page to be idle (after its first paint): `requestIdleCallback`
// where there is one, else a timer.

/** Runs `fn` once the page is idle, at the latest after `timeoutMs`. */
export function whenIdle(fn: () => void, timeoutMs = 3000): void {
  if (typeof requestIdleCallback === "function") requestIdleCallback(fn, { timeout: timeoutMs });
  else setTimeout(fn, 1000);
}
