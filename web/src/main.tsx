// The browser client's entry: signed out, the sign-in screen; signed in, the messenger over
// one ParleyClient whose unanswered requests (and the history it has seen) live in IndexedDB,
// with notifications (the service worker's, and this page's own while it is hidden) that open
// their chat. The address follows the open chat (`/chat/42`), and Back steps back through the
// app (ui/navigation.ts).

import "./ui/theme";   // first: the page paints in the chosen theme
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { Api, ApiError } from "./app/api";
import { IndexedDbOutbox } from "./app/outbox";
import { HistoryCache } from "./app/history_cache";
import { IndexedDbKeyValue } from "./app/history_idb";
import { clearSession, loadSession, saveSession, type Session } from "./app/session";
import { AppState } from "./app/state";
import { ParleyClient } from "./protocol/client";
import { watchAlerts } from "./ui/alerts";
import { browserPush, onNotificationClick, registerServiceWorker, showAlert } from "./ui/browser";
import { Navigator, parseRoute } from "./app/route";
import { browserHistory, NOT_MY_CHAT } from "./ui/navigation";
import { LinkNote } from "./ui/LinkNote";
import { Messenger } from "./ui/Messenger";
import { SignIn } from "./ui/SignIn";
import "./ui/styles.css";

function wsUrl(): string {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/v1/ws`;
}

// Messages seen, kept in this browser: chats open at once, and offline (wiped on sign-out). The
// signed-in device's cache is made before the first render, so its first reads (the saved chat
// list, the linked chat) run while the app starts.
let early: { device: number; cache: HistoryCache } | null = null;
function historyCache(session: Session): HistoryCache {
  const cache = early?.device === session.device ? early.cache : new HistoryCache(new IndexedDbKeyValue(`parley-history-${session.device}`));
  early = null;
  return cache;
}
const signedIn = loadSession();
if (signedIn) {
  early = { device: signedIn.device, cache: historyCache(signedIn) };
  early.cache.warm(parseRoute(location.pathname, location.search).chat);
}

function connect(session: Session): { state: AppState; outbox: IndexedDbOutbox; history: HistoryCache } {
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
  const history = historyCache(session);
  return { state: new AppState(session.user, session.phone, api, client, outbox.uploads, browserPush, history), outbox, history };
}

/** Opens a chat a notification named, if it is one of mine. */
function openChat(state: AppState, chat: number): void {
  if (state.chats.has(chat)) state.open({ chat });
}

function Root() {
  const [session, setSession] = useState<Session | null>(() => loadSession());
  const [app, setApp] = useState<{ state: AppState; outbox: IndexedDbOutbox; history: HistoryCache; nav: Navigator } | null>(null);
  const [signedOut, setSignedOut] = useState("");
  const [linkNote, setLinkNote] = useState("");   // the address named a chat that is not mine

  useEffect(() => {
    if (!session) return;
    const a = connect(session);
    a.state.client.on("unauthorized", () => {
      // Revoked elsewhere, or the token is no longer valid: back to sign-in.
      clearSession();
      void a.outbox.destroy();
      void a.history.wipe();
      void a.state.notifications.signOut();
      setSignedOut("This browser was signed out. Sign in again to continue.");
      setSession(null);
    });
    // The address's chat (/chat/42, or a notification's /?chat=42) opens once the chat list is in.
    const nav = new Navigator(browserHistory);
    setApp({ ...a, nav });
    const linked = nav.linked.chat;
    void a.state.start().catch(() => undefined).then(() => {
      const opened = linked > 0 && a.state.chats.has(linked);
      if (opened) a.state.open({ chat: linked });
      else if (linked) setLinkNote(NOT_MY_CHAT);
      nav.start(opened ? { chat: linked, layer: "" } : undefined);
    });
    const stopAlerts = watchAlerts(a.state, () => document.hidden, (alert) => void showAlert(alert, (chat) => openChat(a.state, chat)));
    const stopClicks = onNotificationClick((chat) => openChat(a.state, chat));
    return () => {
      stopAlerts();
      stopClicks();
      nav.dispose();
      setLinkNote("");
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
    void app.history.wipe().catch(() => undefined);   // not awaited: another tab may hold the database a moment
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
  return (
    <>
      <Messenger state={app.state} nav={app.nav} onSignOut={signOut} />
      <LinkNote state={app.state} text={linkNote} onDismiss={() => setLinkNote("")} />
    </>
  );
}

registerServiceWorker();
render(<Root />, document.getElementById("app")!);
