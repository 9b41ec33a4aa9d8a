// The full-size viewer of a photo or video: a modal <dialog> over the app, the full object
// downloaded with the token (the preview or thumbnail meanwhile) and shown from a blob: URL (a
// video plays in a <video controls>, which the CSP's `media-src 'self' blob:` allows), a download
// button, closed by Escape, the ✕ or a click beside the picture; focus goes back to the bubble
// that opened it.

import { useRef, useState } from "preact/hooks";
import type { AppState, Message } from "../../app/state";
import { who } from "../format";
import { clock } from "../time";
import { useModal } from "../Dialog";
import { DownloadIcon } from "../Icons";
import { fileName, thumbnailUrl } from "./MediaContent";
import { saveBlob, useMediaUrl } from "./useMedia";
import { RichText } from "../RichText";

export function Viewer({ state, message, onClose }: { state: AppState; message: Message; onClose: () => void }) {
  const media = message.media!;
  const ref = useRef<HTMLDialogElement>(null);
  const video = media.kind === "video";
  const full = useMediaUrl(state.media, media.id, "full");
  const preview = state.media.peek(media.id, "preview");
  const [unplayable, setUnplayable] = useState(false);   // a format this browser cannot decode
  useModal(ref);
  const title = `${video ? "Video" : "Photo"} from ${who(state, message.from)}`;
  const name = fileName(media);
  return (
    <dialog ref={ref} class="viewer" aria-label={title} onCancel={(e) => { e.preventDefault(); onClose(); }}
      onClick={(e) => { if (e.target === e.currentTarget || (e.target as HTMLElement).classList.contains("viewer-stage")) onClose(); }}>
      <header class="viewer-head">
        <div class="viewer-title">
          <strong>{who(state, message.from)}</strong>
          <time dateTime={new Date(message.ts).toISOString()}>{clock(message.ts)}</time>
        </div>
        <button type="button" class="icon" aria-label={`Download ${name}`} disabled={!full.url}
          onClick={() => void state.media.blob(media.id, "full").then((b) => saveBlob(b, name))}><DownloadIcon /></button>
        <button type="button" class="icon" aria-label="Close viewer" autofocus onClick={onClose}>✕</button>
      </header>
      <div class="viewer-stage">
        {video ? (
          full.url && !unplayable
            ? <video src={full.url} controls autoplay playsInline poster={preview ?? thumbnailUrl(media)} aria-label={message.text || "Video"}
                data-full="true" onError={() => setUnplayable(true)} />
            : unplayable ? <p class="viewer-wait" role="status">This video can't be played here. Download it to watch it.</p>
            : <p class="viewer-wait" role="status">{full.failed ? "The video could not be downloaded." : "Loading the video…"}</p>
        ) : (
          <img src={full.url ?? preview ?? thumbnailUrl(media)} alt={message.text || "Photo"} width={media.width} height={media.height}
            class={full.url ? "sharp" : "blurred"} data-full={full.url ? "true" : undefined} />
        )}
        {full.failed && !video && <p class="viewer-wait" role="alert">The photo could not be downloaded. <button type="button" class="link" onClick={full.retry}>Try again</button></p>}
      </div>
      {message.text && <p class="viewer-caption"><RichText text={message.text} /></p>}
    </dialog>
  );
}
