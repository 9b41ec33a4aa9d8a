// Group invitations at the top of the chat list: who invited me to which group, until when,
// and Accept / Decline. Rows leave when answered here or on another device, or when they expire.

import type { AppState } from "../app/state";
import type { Invite } from "../app/invites";
import { initials, who } from "./format";
import { expires } from "./time";

function Row({ state, invite }: { state: AppState; invite: Invite }) {
  const busy = state.answering(invite.code);
  const group = invite.name || `group ${invite.chat}`;
  return (
    <li class="invite-row" data-invitation={invite.code}>
      <span class="avatar kind-group" aria-hidden="true">{initials(group)}</span>
      <span class="invite-main">
        <span class="invite-text"><strong>{who(state, invite.from)}</strong> invited you to <strong>{group}</strong></span>
        <small>{busy ? (state.connected ? "Answering…" : "Waiting for the network…") : `Invitation ${expires(invite.expiresAt)}`}</small>
        <span class="invite-actions">
          <button type="button" class="primary" disabled={busy} aria-label={`Accept the invitation to ${group}`}
            onClick={() => state.acceptInvite(invite.code)}>Accept</button>
          <button type="button" disabled={busy} aria-label={`Decline the invitation to ${group}`}
            onClick={() => state.declineInvite(invite.code)}>Decline</button>
        </span>
      </span>
    </li>
  );
}

export function Invitations({ state }: { state: AppState }) {
  const list = state.inviteList();
  if (!list.length) return null;
  return (
    <section class="invitations" aria-labelledby="invitations-title">
      <h2 id="invitations-title">Group invitations</h2>
      <ul>{list.map((i) => <Row key={i.code} state={state} invite={i} />)}</ul>
    </section>
  );
}
