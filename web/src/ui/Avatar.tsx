// A person's or a chat's picture: a circle with the photo (its 320 px preview, downloaded with
// the token and shown from a blob: URL; the full image if there is no preview), or else the
// initials on the chat kind's colour. Decorative: the name beside it says who it is.

import type { AppState, ChatKind } from "../app/state";
import { initials } from "./format";
import { useMediaUrl } from "./media/useMedia";

export function Avatar({ state, id, name, kind, online, large }: {
  state: AppState; id?: string; name: string; kind: ChatKind; online?: boolean; large?: boolean;
}) {
  const preview = useMediaUrl(state.media, id, "preview");
  const full = useMediaUrl(state.media, preview.failed ? id : undefined, "full");
  const url = preview.url ?? full.url;
  const px = large ? 96 : 44;
  return (
    <span class={`avatar kind-${kind}${large ? " large" : ""}${url ? " photo" : ""}`} aria-hidden="true" data-avatar={id}>
      {url ? <img src={url} alt="" width={px} height={px} /> : initials(name)}
      {online && <span class="online-dot" />}
    </span>
  );
}
