// The signed-in app: chat list on the left (or, while searching, the chats and messages found),
// the open chat on the right (one at a time on a narrow screen), group invitations above the
// list, info, settings, contacts, starred-messages and search-in-chat panels, the reconnect
// banner, toasts (errors; whom a new group or an add invited instead of adding), and the tab's
// title with the number of chats with unread messages.

import { useEffect, useState } from "preact/hooks";
import type { AppState, Invited } from "../app/state";
import { useAppState } from "./hooks";
import { ChatLists } from "./ChatList";
import { ContactsPanel } from "./Contacts";
import { Invitations } from "./Invitations";
import { who } from "./format";
import { ChatView } from "./ChatView";
import { InfoPanel, NewChatDialog, NewGroupDialog, RoomDialog } from "./Panels";
import { SettingsPanel } from "./Settings";
import type { Navigator } from "../app/route";
import { useNavigation } from "./navigation";
import { useKeyboard } from "./keyboard";
import { ShortcutsDialog } from "./ShortcutsDialog";
import { ChatSearchPanel, SearchBox, SidebarResults } from "./Search";
import { StarredPanel } from "./StarredPanel";
import { SideHead } from "./SideHead";

type Modal = "chat" | "group" | "room" | "keys" | null;
type Side = "info" | "settings" | "contacts" | "starred" | "search" | null;

/** On a narrow screen a panel covers the chat: going to a message closes it. */
const narrow = () => typeof matchMedia === "function" && matchMedia("(max-width: 720px)").matches;

function Banner({ state }: { state: AppState }) {
  const [show, setShow] = useState(false);
  // A first connection gets a moment before the banner shows; a lost one shows it at once, and
  // so does a page opened offline (its chat list is the one saved last time).
  useEffect(() => {
    if (state.connected) { setShow(false); return; }
    if (state.everConnected || state.savedList) { setShow(true); return; }
    const t = setTimeout(() => setShow(true), 1500);
    return () => clearTimeout(t);
  }, [state.connected, state.everConnected, state.savedList]);
  if (!show || state.connected) return null;
  return (
    <div class="banner" role="status" data-banner>
      <span>{state.everConnected ? "Connection lost. Reconnecting…" : state.savedList ? "Offline: showing messages saved in this browser. Reconnecting…" : "Connecting…"} Messages you send are kept and go out when you are back.</span>
      <button type="button" class="link" onClick={() => state.client.reconnectNow()}>Retry now</button>
    </div>
  );
}

/** "Invited +1 415 555 0102: they join when they accept." (names up to two, else a count) */
function invitedText(state: AppState, invited: Invited): string {
  const names = invited.users.map((u) => who(state, u));
  const whom = names.length <= 2 ? names.join(" and ") : `${names.length} people`;
  return `Invited ${whom}: ${names.length === 1 ? "they join when they accept" : "each joins when they accept"}.`;
}

export function Messenger({ state: s, nav, onSignOut }: { state: AppState; nav: Navigator; onSignOut: () => Promise<void> }) {
  const state = useAppState(s);
  const [modal, setModal] = useState<Modal>(null);
  // A dialog's close event comes a task after Escape closed it: by then a shortcut may have
  // opened the next one, which it must not close.
  const closeModal = (which: Modal) => setModal((m) => (m === which ? null : m));
  const [side, showSide] = useState<Side>(null);
  // Leaving "Search in chat" ends its search at once, not in an effect after the next paint:
  // such an effect, still pending when a shortcut opened the search again, ended the new one.
  const setSide = (next: Side) => {
    if (next !== "search" && state.finder.chatSearch) state.finder.searchIn(null);
    showSide(next);
  };
  // An invite link (/join/<code>) opens Rooms with its code filled in (RoomShare.tsx makes them).
  const [joinCode, setJoinCode] = useState(nav.linked.join);
  useEffect(() => { if (joinCode) setModal("room"); }, []);
  useNavigation(nav, state, side, modal, setSide, setModal);   // the address, and Back (on a phone, Back closes a panel too)
  useKeyboard({ state, side, setSide, setModal });               // the shortcuts, and Escape closing a panel
  const view = state.view;
  const chat = view && "chat" in view ? state.chats.get(view.chat) : undefined;
  useEffect(() => {
    const onVis = () => state.setVisible(document.visibilityState === "visible");
    document.addEventListener("visibilitychange", onVis);
    return () => document.removeEventListener("visibilitychange", onVis);
  }, [state]);
  useEffect(() => { if ((side === "info" || side === "search") && !chat) setSide(null); }, [chat, side]);
  useEffect(() => { if (side === "info" && chat?.ended) setSide(null); }, [chat?.ended, side]);   // removed from the group: its info is not mine
  // "Search in chat" follows the open chat: another chat closes it.
  useEffect(() => {
    if (side === "search" && state.finder.chatSearch?.chat !== chat?.chat) setSide(null);
  }, [chat?.chat]);
  const searching = state.finder.search.query.trim() !== "";
  const went = () => { if (narrow()) setSide(null); };
  const unread = state.chatList().filter((c) => c.unread > 0).length;   // chats, not messages (as the push badge)
  useEffect(() => { document.title = unread ? `(${unread}) parley` : "parley"; }, [unread]);

  return (
    <div class={`app${view ? " has-chat" : ""}${side ? " has-panel" : ""}`}>
      <a href="#composer-text" class="skip">Skip to message box</a>
      <Banner state={state} />
      <nav class="sidebar" aria-label="Chats">
        <SideHead state={state} side={side} onPanel={(p) => setSide(side === p ? null : p)} onDialog={setModal} />
        <SearchBox state={state} />
        {searching ? <SidebarResults state={state} onGo={went} /> : (
          <>
            <Invitations state={state} />
            <ChatLists state={state} />
          </>
        )}
      </nav>
      <main class="main">
        {view ? (
          <ChatView state={state} chatId={"chat" in view ? view.chat : undefined} draft={"draft" in view ? view.draft : undefined}
            onBack={() => state.open(null)} onInfo={() => setSide(side === "info" ? null : "info")}
            onSearch={() => { if (chat) { state.finder.searchIn(chat.chat); setSide("search"); } }} />
        ) : (
          <div class="welcome"><h2>parley</h2><p>Pick a chat, or start one with <strong>New chat</strong>.</p></div>
        )}
        {state.notice && (
          <div class="toast" role="alert">
            {state.notice} <button type="button" class="link" onClick={() => state.dismissNotice()}>Dismiss</button>
          </div>
        )}
        <div role="status">{/* always present, so a screen reader announces what appears in it */}
          {!state.notice && state.invited && (
            <div class="toast" data-invited>
              {invitedText(state, state.invited)} <button type="button" class="link" onClick={() => state.dismissInvited()}>Dismiss</button>
            </div>
          )}
        </div>
      </main>
      {side === "info" && chat && <InfoPanel state={state} chat={chat} onClose={() => setSide(null)} />}
      {side === "settings" && <SettingsPanel state={state} onClose={() => setSide(null)} onSignOut={onSignOut} onShortcuts={() => setModal("keys")} />}
      {side === "contacts" && <ContactsPanel state={state} onClose={() => setSide(null)} />}
      {side === "starred" && <StarredPanel state={state} onClose={() => setSide(null)} onGo={went} />}
      {side === "search" && <ChatSearchPanel state={state} onClose={() => setSide(null)} onGo={went} />}
      {modal === "chat" && <NewChatDialog state={state} onClose={() => closeModal("chat")} />}
      {modal === "group" && <NewGroupDialog state={state} onClose={() => closeModal("group")} />}
      {modal === "room" && <RoomDialog state={state} invite={joinCode} onClose={() => { closeModal("room"); setJoinCode(""); }} />}
      {modal === "keys" && <ShortcutsDialog onClose={() => closeModal("keys")} />}
    </div>
  );
}
