import { useEffect, useState } from "preact/hooks";
import type { AppState } from "../app/state";

/** Re-renders the component whenever the app state changes. */
export function useAppState(state: AppState): AppState {
  const [, setVersion] = useState(0);
  useEffect(() => state.subscribe(() => setVersion((n) => n + 1)), [state]);
  return state;
}
