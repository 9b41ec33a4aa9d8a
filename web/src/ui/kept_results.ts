// The results of a slow pure function of a string (a phone number written out by
// libphonenumber: its first parse costs milliseconds), remembered for the page and kept in
// localStorage for the next one, so a page's first paint computes none it showed before. What
// an earlier page kept is used at once and computed again once the page is idle (a new
// version of the library writes it anew). At most `limit` are kept, this page's first. They
// are the signed-in user's (their contacts' numbers): sign-out forgets them (`forgetKeptResults`).

import { whenIdle } from "./idle";

const forgets: (() => void)[] = [];

/** Forgets every kept result, here and in localStorage (sign-out). */
export function forgetKeptResults(): void {
  for (const f of forgets) f();
}

export function keptResults(key: string, compute: (input: string) => string, limit = 300): (input: string) => string {
  const results = new Map<string, string>();   // this page's
  const unchecked = new Set<string>();         // of those, the ones taken from an earlier page
  let earlier: Record<string, string> | null = null;
  let checking = false;
  forgets.push(() => {
    results.clear();
    unchecked.clear();
    earlier = {};
    try { localStorage.removeItem(key); } catch { /* storage off: nothing kept */ }
  });

  function checkLater() {
    if (checking || typeof localStorage === "undefined") return;
    checking = true;
      whenIdle(() => {
      checking = false;
      for (const input of unchecked) results.set(input, compute(input));
      unchecked.clear();
      const kept = Object.fromEntries([...results].slice(0, limit));
      for (const [input, out] of Object.entries(earlier ?? {})) {
        if (Object.keys(kept).length >= limit) break;
        kept[input] ??= out;
      }
      try {
        localStorage.setItem(key, JSON.stringify(kept));
      } catch { /* storage full or off: the next page computes them */ }
    });
  }

  return (input) => {
    let out = results.get(input);
    if (out !== undefined) return out;
    if (!earlier) {
      try {
        earlier = (typeof localStorage === "undefined" ? null : JSON.parse(localStorage.getItem(key) ?? "null") as Record<string, string> | null) ?? {};
      } catch {
        earlier = {};
      }
    }
    if (Object.hasOwn(earlier, input)) {
      out = earlier[input]!;
      unchecked.add(input);
    } else out = compute(input);
    results.set(input, out);
    checkLater();
    return out;
  };
}
