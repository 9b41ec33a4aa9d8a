import { useLayoutEffect, useRef, useState } from "preact/hooks";
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

/**
 * A form field's value that starts as what the server says and follows it when that changes (a
 * save from another device), until then keeping what is typed. Not reset as the form mounts: an
 * effect then runs after the first paint, and would undo what a quick hand (or a test) typed in
 * between (a fresh-clone CI run lost "Bobby" that way and found Save disabled).
 */
export function useFollowed<T>(server: T): [T, (value: T) => void] {
  const [value, setValue] = useState(server);
  const seen = useRef(server);
  useLayoutEffect(() => {
    if (Object.is(seen.current, server)) return;
    seen.current = server;
    setValue(server);
  }, [server]);
  return [value, setValue];
}
