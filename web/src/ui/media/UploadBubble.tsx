// A photo or file of mine on its way: the local picture (or the file's name and size), the
// upload's progress with a cancel button, a clock while its send waits for the network, or why
// it failed with Retry and Remove.

import { useEffect, useState } from "preact/hooks";
import type { AppState, OutgoingMedia } from "../../app/state";
import { Ticks } from "../Ticks";
import { FileIcon, RetryIcon } from "../Icons";
import { humanSize } from "./measure";

const NOUN = { image: "photo", video: "video", voice: "voice message", file: "file" } as const;

/** A blob URL for a local picture while it is shown. */
function useLocalUrl(blob: Blob, wanted: boolean): string | undefined {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    if (!wanted) return;
    const u = URL.createObjectURL(blob);
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [blob, wanted]);
  return url;
}

export function UploadBubble({ state, item }: { state: AppState; item: OutgoingMedia }) {
  const [broken, setBroken] = useState(false);   // bytes the browser cannot show as a picture
  const picture = item.kind === "image" && /^image\/(jpeg|png|webp|gif)$/.test(item.type) && !broken;
  const local = useLocalUrl(item.blob, picture);
  const size = item.blob.size;
  const percent = size ? Math.floor(((item.sent ?? 0) * 100) / size) : 0;
  const failed = item.state === "failed";
  return (
    <li class={`bubble mine upload ${failed ? "failed" : "pending"}`} data-upload={item.id} data-state={item.state}>
      {picture && local ? (
        <img class="upload-picture" src={local} alt={`${NOUN[item.kind]} ${item.name}`} onError={() => setBroken(true)} />
      ) : (
        <div class="file-media">
          <span class="file-icon" aria-hidden="true"><FileIcon /></span>
          <span class="file-main"><span class="file-name">{item.name}</span><span class="file-size">{humanSize(size)}</span></span>
        </div>
      )}
      {item.state === "uploading" && (
        <div class="upload-progress">
          <progress max={100} value={percent} aria-label={`Uploading ${item.name}`} data-progress={percent} />
          <span class="upload-percent" aria-hidden="true">{percent}%</span>
          <button type="button" class="icon cancel" aria-label={`Cancel sending ${item.name}`} onClick={() => state.uploads.cancel(item.id)}>✕</button>
        </div>
      )}
      {item.caption && <span class="text">{item.caption}</span>}
      <span class="meta">
        {failed ? (
          <>
            <span class="error-inline" data-upload-error>{item.error}</span>
            {item.retryable && (
              <button type="button" class="link retry" aria-label={`Retry sending ${item.name}`} onClick={() => state.uploads.retry(item.id)}>
                <RetryIcon /> Retry
              </button>
            )}
            <button type="button" class="link" aria-label={`Remove ${item.name}`} onClick={() => state.uploads.cancel(item.id)}>Remove</button>
          </>
        ) : item.state === "sending" ? <span>{state.connected ? "sending…" : "waiting for network"}</span> : null}
        <Ticks tick={failed ? "failed" : "pending"} />
      </span>
    </li>
  );
}
