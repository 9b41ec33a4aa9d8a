// The browser client's entry: signed out, the sign-in screen; signed in, the messenger over
// one ParleyClient whose unanswered requests (and the history it has seen) live in IndexedDB,
// with notifications (the service worker's, and this page's own while it is hidden) that open
// their chat. The address follows the open chat (`/chat/42`), and Back steps back through the
// app (ui/navigation.ts).

import "./app/early";   // first: the IndexedDB reads the first frame needs start at once
import "./ui/theme";   // then the theme: the page paints in the chosen one
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { Api, ApiError } from "./app/api";
import { takeEarly } from "./app/early";
import { IndexedDbOutbox } from "./app/outbox";
import { HistoryCache } from "./app/history_cache";
import { IndexedDbKeyValue } from "./app/history_idb";
import { clearSession, loadSession, saveSession, type Session } from "./app/session";
import { AppState } from "./app/state";
import { ParleyClient } from "./protocol/client";
import { watchAlerts } from "./ui/alerts";
import { browserPush, onNotificationClick, registerServiceWorker, showAlert } from "./ui/browser";
import { Navigator } from "./app/route";
import { browserHistory, NOT_MY_CHAT } from "./ui/navigation";
import { forgetKeptResults } from "./ui/kept_results";
import { LinkNote } from "./ui/LinkNote";
import { Messenger } from "./ui/Messenger";
import { SignIn } from "./ui/SignIn";
import "./ui/styles.css";

/** The longest the app waits for the chat list (and the address's chat) before it shows. */
const HOLD_MS = 300;

function wsUrl(): string {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/v1/ws`;
}

function connect(session: Session): { state: AppState; outbox: IndexedDbOutbox; history: HistoryCache } {
  // Messages seen, kept in this browser: chats open at once, and offline (wiped on sign-out).
  // The page's first reads of them and of the outbox began as the script started (app/early.ts).
  const kept = takeEarly(session.device);
  const api = new Api("", session.token);
  const outbox = kept?.outbox ?? new IndexedDbOutbox(`parley-outbox-${session.device}`);
  const client = new ParleyClient({
    url: wsUrl(), token: session.token, position: session.position, outbox,
    foreground: document.visibilityState === "visible",
  });
  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  client.on("position", (pts) => {
    session.position = pts;
    saveTimer ??= setTimeout(() => { saveTimer = null; saveSession(session); }, 250);
  });
  const history = kept?.cache ?? new HistoryCache(new IndexedDbKeyValue(`parley-history-${session.device}`));
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
      forgetKeptResults();
      void a.outbox.destroy();
      void a.history.wipe();
      void a.state.notifications.signOut();
      setSignedOut("This browser was signed out. Sign in again to continue.");
      setSession(null);
    });
    // The address's chat (/chat/42, or a notification's /?chat=42) opens once the chat list is in,
    // and its kept messages (read from IndexedDB since the page began). The app shows then, whole,
    // in its first frame (at most HOLD_MS later): an empty one before would keep the main thread
    // busy (its first layout) while IndexedDB's answers wait for it, and the chat would come later.
    const nav = new Navigator(browserHistory);
    let held = true;   // (false once shown, or gone)
    const show = () => { if (held) { held = false; setApp({ ...a, nav }); } };
    const hold = setTimeout(show, HOLD_MS);
    const linked = nav.linked.chat;
    const keptRead = linked > 0 ? Promise.race([a.history.read(linked), new Promise((r) => setTimeout(r, HOLD_MS))]) : undefined;
    // On a slow network the chat list this browser saved is in first: the app shows from it
    // (a linked chat that is not in it waits for the server's list).
    const started = a.state.start().catch(() => undefined);
    const listed = a.state.listed.then(() => (linked > 0 && !a.state.chats.has(linked) ? started : undefined));
    void Promise.race([started, listed]).then(() => keptRead).then(() => {
      const opened = linked > 0 && a.state.chats.has(linked);
      if (opened) a.state.open({ chat: linked });
      else if (linked) setLinkNote(NOT_MY_CHAT);
      nav.start(opened ? { chat: linked, layer: "" } : undefined);
      show();
    });
    const stopAlerts = watchAlerts(a.state, () => document.hidden, (alert) => void showAlert(alert, (chat) => openChat(a.state, chat)));
    const stopClicks = onNotificationClick((chat) => openChat(a.state, chat));
    return () => {
      held = false;
      clearTimeout(hold);
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
    forgetKeptResults();
    await app.state.notifications.signOut();
    // Another tab still holding the outbox lets its deletion finish later; the sign-out does not wait for it.
    await Promise.race([app.outbox.destroy().catch(() => undefined), new Promise((r) => setTimeout(r, 2000))]);
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
