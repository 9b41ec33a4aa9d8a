// The look's logic: which bubbles form a run (tail and sender on the first only), and the colour
// theme (System follows prefers-color-scheme live; Light and Dark are kept in localStorage).
import { afterEach, describe, expect, it, vi } from "vitest";

import type { Message } from "../src/app/state";
import { GROUP_GAP_MS, continues } from "../src/ui/grouping";

const T0 = new Date(2026, 10, 25, 12, 0).getTime();   // local time, as days are
const m = (seq: number, from: number, ts: number, system = false) =>
  ({ chat: 1, seq, from, device: from, id: `m${seq}`, ts, text: "x", ...(system ? { system: { event: "created" } } : {}) }) as unknown as Message;

describe("continues", () => {
  it("joins one sender's messages within five minutes on one day", () => {
    expect(continues(m(1, 2, T0), m(2, 2, T0 + 1000))).toBe(true);
    expect(continues(m(1, 2, T0), m(2, 2, T0 + GROUP_GAP_MS))).toBe(true);
  });
  it("starts a run at the first message, another sender, a pause, a new day or a system message", () => {
    expect(continues(undefined, m(1, 2, T0))).toBe(false);
    expect(continues(m(1, 2, T0), m(2, 3, T0 + 1000))).toBe(false);
    expect(continues(m(1, 2, T0), m(2, 2, T0 + GROUP_GAP_MS + 1))).toBe(false);
    const late = new Date(2026, 10, 25, 23, 59).getTime();
    expect(continues(m(1, 2, late), m(2, 2, late + 2 * 60_000))).toBe(false);   // past midnight
    expect(continues(m(1, 2, T0, true), m(2, 2, T0 + 1000))).toBe(false);
    expect(continues(m(1, 2, T0), m(2, 2, T0 + 1000, true))).toBe(false);
  });
});

describe("theme", () => {
  afterEach(() => { vi.unstubAllGlobals(); vi.resetModules(); });

  /** A page with a system scheme that can change, and storage; the module applies itself on import. */
  async function page(systemDark: boolean, stored?: string) {
    const store = new Map<string, string>(stored ? [["parley.theme", stored]] : []);
    const changes: (() => void)[] = [];
    const media = { get matches() { return systemDark; }, addEventListener: (_: string, f: () => void) => changes.push(f) };
    const root = { dataset: {} as Record<string, string> };
    vi.stubGlobal("document", { documentElement: root });
    vi.stubGlobal("matchMedia", () => media);
    vi.stubGlobal("addEventListener", () => undefined);
    vi.stubGlobal("localStorage", {
      getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => store.set(k, v), removeItem: (k: string) => store.delete(k),
    });
    const theme = await import("../src/ui/theme");
    return { theme, root, store, system: (dark: boolean) => { systemDark = dark; changes.forEach((f) => f()); } };
  }

  it("follows the system by default, live", async () => {
    const p = await page(true);
    expect(p.theme.themeChoice()).toBe("system");
    expect(p.root.dataset.theme).toBe("dark");
    p.system(false);
    expect(p.root.dataset.theme).toBe("light");
  });

  it("keeps Light or Dark over the system, and System again forgets the choice", async () => {
    const p = await page(true, "light");
    expect(p.root.dataset.theme).toBe("light");
    p.theme.setThemeChoice("dark");
    expect(p.store.get("parley.theme")).toBe("dark");
    p.system(false);
    expect(p.root.dataset.theme).toBe("dark");
    const told = vi.fn();
    p.theme.onThemeChange(told);
    p.theme.setThemeChoice("system");
    expect(p.store.has("parley.theme")).toBe(false);
    expect(p.root.dataset.theme).toBe("light");
    expect(told).toHaveBeenCalled();
  });
});
