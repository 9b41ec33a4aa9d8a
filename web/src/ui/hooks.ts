import { useLayoutEffect, useState } from "preact/hooks";
import type { AppState } from "../app/state";

/**
 * Re-renders the component whenever the app state changes. It subscribes as soon as it is
 * rendered (a layout effect), not after the next paint: a change in between (the chat list
 * read from IndexedDB, offline, takes a few milliseconds) would otherwise never show.
 */
export function useAppState(state: AppState): AppState {
  const [, setVersion] = useState(0);
  useLayoutEffect(() => state.subscribe(() => setVersion((n) => n + 1)), [state]);
  return state;
}

/** Runs an action of a form or panel: [its error in words, whether it runs, run]. */
export function useAction(): [string, boolean, (f: () => Promise<void> | void) => Promise<void>] {
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  async function run(f: () => Promise<void> | void) {
    setBusy(true);
    setError("");
    try {
      await f();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }
  return [error, busy, run];
}
