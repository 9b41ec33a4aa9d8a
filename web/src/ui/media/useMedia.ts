// The blob URL of a media object for a component on screen: downloaded once through the app's
// cache, held while the component shows it.

import { useEffect, useState } from "preact/hooks";
import type { MediaCache, Variant } from "../../app/media_cache";

export function useMediaUrl(cache: MediaCache, id: string | undefined, variant: Variant): { url?: string; failed: boolean; retry: () => void } {
  const [url, setUrl] = useState<string | undefined>(() => (id ? cache.peek(id, variant) : undefined));
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!id) { setUrl(undefined); return; }
    const release = cache.hold(id, variant);
    let live = true;
    setFailed(false);
    setUrl(cache.peek(id, variant));
    cache.url(id, variant).then((u) => { if (live) setUrl(u); }, () => { if (live) setFailed(true); });
    return () => { live = false; release(); };
  }, [cache, id, variant, attempt]);
  return { url, failed, retry: () => setAttempt((n) => n + 1) };
}

/** Saves a blob as a file named `name` (the browser's download). */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
