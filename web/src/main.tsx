// The browser client's entry: signed out, the sign-in screen; signed in, the messenger over
// one ParleyClient whose unanswered requests live in IndexedDB, with notifications (the service
// worker's, and this page's own while it is hidden) that open their chat.

import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { Api, ApiError } from "./app/api";
import { IndexedDbOutbox } from "./app/outbox";
import { clearSession, loadSession, saveSession, type Session } from "./app/session";
import { AppState } from "./app/state";
import { ParleyClient } from "./protocol/client";
import { watchAlerts } from "./ui/alerts";
import { browserPush, chatFromAddress, onNotificationClick, registerServiceWorker, showAlert } from "./ui/browser";
import { Messenger } from "./ui/Messenger";
import { SignIn } from "./ui/SignIn";
import "./ui/styles.css";

function wsUrl(): string {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/v1/ws`;
}

function connect(session: Session): { state: AppState; outbox: IndexedDbOutbox } {
  const api = new Api("", session.token);
  const outbox = new IndexedDbOutbox(`parley-outbox-${session.device}`);
  const client = new ParleyClient({
    url: wsUrl(), token: session.token, position: session.position, outbox,
    foreground: document.visibilityState === "visible",
  });
  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  client.on("position", (pts) => {
    session.position = pts;
    saveTimer ??= setTimeout(() => { saveTimer = null; saveSession(session); }, 250);
  });
  return { state: new AppState(session.user, session.phone, api, client, outbox.uploads, browserPush), outbox };
}

/** Opens a chat a notification named, if it is one of mine. */
function openChat(state: AppState, chat: number): void {
  if (state.chats.has(chat)) state.open({ chat });
}

function Root() {
  const [session, setSession] = useState<Session | null>(() => loadSession());
  const [app, setApp] = useState<{ state: AppState; outbox: IndexedDbOutbox } | null>(null);
  const [signedOut, setSignedOut] = useState("");

  useEffect(() => {
    if (!session) return;
    const a = connect(session);
    a.state.client.on("unauthorized", () => {
      // Revoked elsewhere, or the token is no longer valid: back to sign-in.
      clearSession();
      void a.outbox.destroy();
      void a.state.notifications.signOut();
      setSignedOut("This browser was signed out. Sign in again to continue.");
      setSession(null);
    });
    setApp(a);
    const opened = chatFromAddress();
    void a.state.start().then(() => { if (opened) openChat(a.state, opened); });
    const stopAlerts = watchAlerts(a.state, () => document.hidden, (alert) => void showAlert(alert, (chat) => openChat(a.state, chat)));
    const stopClicks = onNotificationClick((chat) => openChat(a.state, chat));
    return () => {
      stopAlerts();
      stopClicks();
      a.state.client.stop();
      a.state.dispose();
      a.state.media.clear();
      setApp(null);
    };
  }, [session]);

  async function signOut() {
    if (!app || !session) return;
    try {
      await app.state.api.revoke(session.device);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) throw e;
    }
    app.state.client.stop();
    clearSession();
    await app.state.notifications.signOut();
    await app.outbox.destroy().catch(() => undefined);
    setSignedOut("You are signed out.");
    setSession(null);
  }

  if (!session)
    return (
      <>
        {signedOut && <p class="signed-out" role="status">{signedOut}</p>}
        <SignIn api={new Api()} onSignedIn={(v) => {
          const s: Session = { token: v.token, user: v.user, device: v.device, phone: v.phone, position: 0 };
          saveSession(s);
          setSignedOut("");
          setSession(s);
        }} />
      </>
    );
  if (!app) return null;
  return <Messenger state={app.state} onSignOut={signOut} />;
}

registerServiceWorker();
render(<Root />, document.getElementById("app")!);
