// What a bubble shows of its media: a photo or a video's poster (the inline thumbnail, blurred,
// until the preview is downloaded; a click opens the viewer), a file (icon, name, size,
// download) or a voice note (play, waveform, duration). Sizes are attributes, never inline
// styles: the page's Content-Security-Policy forbids those.

import { useEffect, useMemo, useState } from "preact/hooks";
import type { AppState } from "../../app/state";
import type { MediaObject } from "../../protocol/frames";
import { DownloadIcon, FileIcon, PauseIcon, PlayIcon } from "../Icons";
import { bars, duration, fit, humanSize } from "./measure";
import { saveBlob, useMediaUrl } from "./useMedia";
import { VoicePlayer } from "./voice_player";

export const thumbnailUrl = (m: MediaObject) => (m.thumbnail ? `data:image/jpeg;base64,${m.thumbnail}` : undefined);

/** A photo or a video's poster frame, sized to its aspect; opens the viewer. */
function Visual({ state, media, onOpen }: { state: AppState; media: MediaObject; onOpen: () => void }) {
  const video = media.kind === "video";
  // A video's full bytes are the video: only its poster (the preview) is fetched for the bubble.
  const variant = media.preview ? "preview" : video ? undefined : "full";
  const { url } = useMediaUrl(state.media, variant ? media.id : undefined, variant ?? "preview");
  const box = fit(media.width, media.height);
  const src = url ?? thumbnailUrl(media);
  return (
    <button type="button" class={`media-visual${video ? " video" : ""}`} aria-label={video ? "Play video" : "Open photo"}
      data-media={media.id} onClick={onOpen}>
      {src ? (
        <img src={src} width={box.width} height={box.height} alt="" class={url ? "sharp" : "blurred"}
          data-loaded={url ? "true" : undefined} />
      ) : (
        <svg class="media-placeholder" width={box.width} height={box.height} aria-hidden="true"><rect width="100%" height="100%" /></svg>
      )}
      {video && <span class="play-badge" aria-hidden="true"><PlayIcon /></span>}
      {video && media.duration_ms !== undefined && <span class="media-duration">{duration(media.duration_ms)}</span>}
    </button>
  );
}

/** Downloads the object and saves it under its name. */
function useDownload(state: AppState, media: MediaObject, name: string) {
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  async function download() {
    setBusy(true);
    setFailed(false);
    try {
      saveBlob(await state.media.blob(media.id, "full"), name);
    } catch {
      setFailed(true);
    } finally {
      setBusy(false);
    }
  }
  return { busy, failed, download };
}

export function fileName(media: MediaObject): string {
  if (media.name) return media.name;
  const ext = media.mime.split("/")[1]?.replace(/^x-/, "").replace(/[^a-z0-9]/gi, "") ?? "";
  return media.kind === "image" ? "photo.jpg" : `${media.kind}${ext ? "." + ext : ""}`;
}

function FileMedia({ state, media }: { state: AppState; media: MediaObject }) {
  const name = fileName(media);
  const { busy, failed, download } = useDownload(state, media, name);
  return (
    <div class="file-media" data-file>
      <span class="file-icon" aria-hidden="true"><FileIcon /></span>
      <span class="file-main">
        <span class="file-name">{name}</span>
        <span class="file-size">{humanSize(media.size)}{failed && <span class="error-inline"> · Download failed</span>}</span>
      </span>
      <button type="button" class="icon download" aria-label={`Download ${name}`} disabled={busy} onClick={() => void download()}>
        <DownloadIcon />
      </button>
    </div>
  );
}

function VoiceNote({ state, media }: { state: AppState; media: MediaObject }) {
  const [, redraw] = useState(0);
  const player = useMemo(() => new VoicePlayer(() => state.media.blob(media.id, "full"), () => redraw((n) => n + 1)), [state, media.id]);
  useEffect(() => () => player.dispose(), [player]);
  const total = media.duration_ms ? media.duration_ms / 1000 : player.duration;
  const played = total ? player.position / total : 0;
  const levels = bars(media.waveform);
  const shown = player.playing || player.position > 0 ? player.position * 1000 : total * 1000;
  return (
    <div class="voice" data-voice data-playing={player.playing ? "true" : undefined}>
      <button type="button" class="voice-play" aria-label={player.playing ? "Pause voice message" : "Play voice message"}
        disabled={player.loading} onClick={() => void player.toggle()}>
        {player.playing ? <PauseIcon /> : <PlayIcon />}
      </button>
      <svg class="waveform" width="192" height="32" viewBox="0 0 256 32" role="img" aria-label={`Voice message, ${duration(total * 1000)}`}>
        {levels.map((v, i) => {
          const h = Math.max(3, Math.round(v * 30));
          return <rect key={i} x={i * 4} y={(32 - h) / 2} width="2.6" height={h} rx="1.3" class={i < played * levels.length ? "played" : undefined} />;
        })}
      </svg>
      <span class="voice-time" data-voice-time>{duration(shown)}</span>
      {player.failed && <span class="error-inline">Can't play this voice message.</span>}
    </div>
  );
}

export function MediaContent({ state, media, onOpen }: { state: AppState; media: MediaObject; onOpen: () => void }) {
  switch (media.kind) {
    case "image":
    case "video": return <Visual state={state} media={media} onOpen={onOpen} />;
    case "voice": return <VoiceNote state={state} media={media} />;
    default: return <FileMedia state={state} media={media} />;
  }
}
