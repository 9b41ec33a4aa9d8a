// The colour theme: "system" follows the browser's prefers-color-scheme (live), "light" and
// "dark" override it. The choice is this browser's, kept in localStorage. The resolved theme is
// set as <html data-theme="light|dark">, which styles.css's variables follow. main.tsx imports
// this module first, and index.html makes that script render-blocking, so the first paint is
// already in the right theme (the CSP allows no inline script to do it earlier).

export type ThemeChoice = "system" | "light" | "dark";

const KEY = "parley.theme";
const DARK = "(prefers-color-scheme: dark)";
const listeners = new Set<() => void>();

export function themeChoice(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY);
    return v === "light" || v === "dark" ? v : "system";
  } catch {
    return "system";   // storage blocked: follow the system
  }
}

function systemDark(): boolean {
  return typeof matchMedia === "function" && matchMedia(DARK).matches;
}

/** Sets <html data-theme> from the choice (and, for "system", the browser's preference now). */
function apply(): void {
  const choice = themeChoice();
  const dark = choice === "dark" || (choice === "system" && systemDark());
  document.documentElement.dataset.theme = dark ? "dark" : "light";
  for (const f of listeners) f();
}

export function setThemeChoice(choice: ThemeChoice): void {
  try {
    if (choice === "system") localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
  } catch { /* not kept: applies to this page only */ }
  apply();
}

/** Calls `f` whenever the theme changes (a choice here or in another tab, or the system's). */
export function onThemeChange(f: () => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}

if (typeof document !== "undefined") {
  apply();
  if (typeof matchMedia === "function") matchMedia(DARK).addEventListener("change", apply);
  addEventListener("storage", (e) => { if (e.key === KEY || e.key === null) apply(); });
}
