import { useEffect, useState } from "preact/hooks";
import type { AppState } from "../app/state";

/** Re-renders the component whenever the app state changes. */
export function useAppState(state: AppState): AppState {
  const [, setVersion] = useState(0);
  useEffect(() => state.subscribe(() => setVersion((n) => n + 1)), [state]);
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
