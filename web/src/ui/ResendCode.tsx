// "Resend code in 0:30" under the code field, then a button that asks for a new code. The wait
// starts when a code was sent, and runs as long as the server asks when it refuses (rate limit).

import { useEffect, useState } from "preact/hooks";

/** How long to wait before offering a new code, so a slow SMS is not raced by a second one. */
export const RESEND_AFTER_MS = 30_000;

/** "0:30", "12:05": minutes and seconds. */
export function mmss(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** Counts down to `until` (ms since the epoch), then shows the button. */
export function ResendCode({ until, busy, onResend }: { until: number; busy: boolean; onResend: () => void }) {
  const [tick, setTick] = useState(0);
  const left = until - Date.now();
  useEffect(() => {
    if (left <= 0) return;
    // Just past the next whole second, counted now (the effect runs a frame after the render).
    const t = setTimeout(() => setTick((n) => n + 1), ((until - Date.now()) % 1000 || 1000) + 5);
    return () => clearTimeout(t);
  }, [tick, until]);
  if (left > 0) return <p class="hint resend" role="timer" data-resend-wait>Resend code in {mmss(left)}</p>;
  return <button type="button" class="link resend" disabled={busy} onClick={onResend}>Resend code</button>;
}
