// A person's or a chat's picture: a circle with the photo (its 320 px preview, downloaded with
// the token and shown from a blob: URL; the full image if there is no preview), or else the
// initials of the name on a colour: a person's picked from their user id (one colour per user
// everywhere, protocol.md §4.8), a group's or room's by its kind. Decorative: the name beside
// it says who it is.

import type { AppState, ChatKind } from "../app/state";
import { initials } from "./format";
import { useMediaUrl } from "./media/useMedia";

/** The colour class of a person's initials (8 colours, each 4.5:1 or more with white text). */
export const hueOf = (user: number) => `hue-${Math.abs(user) % 8}`;

export function Avatar({ state, id, name, kind, user, online, large, small }: {
  state: AppState; id?: string; name: string; kind: ChatKind;
  user?: number;            // a person (a one-to-one chat's peer): the colour of their initials
  online?: boolean; large?: boolean; small?: boolean;
}) {
  const preview = useMediaUrl(state.media, id, "preview");
  const full = useMediaUrl(state.media, preview.failed ? id : undefined, "full");
  const url = id ? preview.url ?? full.url : undefined;   // a photo just removed goes at once, not after the effect
  const px = large ? 96 : small ? 28 : 44;
  const colour = user !== undefined && kind === "direct" ? ` ${hueOf(user)}` : "";
  return (
    <span class={`avatar kind-${kind}${colour}${large ? " large" : ""}${small ? " small" : ""}${url ? " photo" : ""}`} aria-hidden="true"
      data-avatar={id}>
      {url ? <img src={url} alt="" width={px} height={px} /> : initials(name)}
      {online && <span class="online-dot" />}
    </span>
  );
}

/** A person's picture by their user id: their photo as I may see it, else their initials. */
export function PersonAvatar({ state, user, small, large }: { state: AppState; user: number; small?: boolean; large?: boolean }) {
  const id = user === state.me ? state.account.myAvatar.id : state.people.get(user)?.avatar ?? state.directWith(user)?.avatar;
  const name = user === state.me ? state.account.name || state.myPhone : state.name(user);
  return <Avatar state={state} id={id} name={name} kind="direct" user={user} small={small} large={large} />;
}
