// The emoji picker over the message box, loaded with its data only when first opened: a search
// box, a skin tone, the categories (and "Recently used"), and a grid of emoji moved through with
// the arrow keys. Picking keeps it open, for several; Escape closes it. Its data is emojibase's,
// trimmed at build time (plugins/emoji_data.mjs) and served from this site (the CSP allows no
// other), without the emoji of versions this browser's fonts cannot draw.

import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import dataUrl from "virtual:emoji-data";
import {
  SKIN_TONES, recentEmoji, remember, searchEmoji, usable, withSkin, type Emoji, type EmojiData, type EmojiGroup,
} from "./emoji_data";
import { drawnVersions } from "./support";

const COLUMNS = 8;            // as .emoji-grid's grid-template-columns
const RECENT = "parley.emoji.recent";
const TONE = "parley.emoji.tone";
const WAVES = ["👋", "👋🏻", "👋🏼", "👋🏽", "👋🏾", "👋🏿"];   // each skin tone shown in the choice
const ICONS: Record<string, string> = {
  recent: "🕘", "smileys-emotion": "😀", "people-body": "👋", "animals-nature": "🐻", "food-drink": "🍔",
  "travel-places": "🚗", activities: "⚽", objects: "💡", symbols: "🔣", flags: "🏳️",
};

let loading: Promise<EmojiGroup[]> | null = null;
function loadGroups(): Promise<EmojiGroup[]> {
  loading ??= fetch(dataUrl)
    .then((r) => { if (!r.ok) throw new Error(`emoji data: ${r.status}`); return r.json() as Promise<EmojiData>; })
    .then(async (d) => {
      await document.fonts.load('32px "Parley Emoji"', "😀").catch(() => []);   // a canvas draws only loaded fonts
      return usable(d, drawnVersions(d.probes));
    })
    .catch((e: unknown) => { loading = null; throw e; });   // the next opening tries again
  return loading;
}

function stored<T>(key: string, fallback: T): T {
  try { return (JSON.parse(localStorage.getItem(key) ?? "null") as T) ?? fallback; } catch { return fallback; }
}

export function EmojiPicker({ onPick, onClose }: { onPick: (emoji: string) => void; onClose: () => void }) {
  const [groups, setGroups] = useState<EmojiGroup[] | null>(null);
  const [failed, setFailed] = useState(false);
  const [query, setQuery] = useState("");
  const [recent, setRecent] = useState<string[]>(() => stored(RECENT, []));
  const [tone, setTone] = useState<number>(() => stored(TONE, 0));
  const [group, setGroup] = useState(recent.length ? "recent" : "smileys-emotion");
  const [active, setActive] = useState(0);
  const grid = useRef<HTMLDivElement>(null);
  const search = useRef<HTMLInputElement>(null);

  useEffect(() => {
    search.current?.focus();
    loadGroups().then(setGroups, () => setFailed(true));
  }, []);

  const recents = useMemo(() => (groups ? recentEmoji(groups, recent) : []), [groups, recent]);
  const tabs = [...(recents.length ? [{ key: "recent", name: "Recently used" }] : []), ...(groups ?? [])];
  const q = query.trim();
  const shown: Emoji[] = !groups ? [] : q ? searchEmoji(groups, q)
    : group === "recent" ? recents : (groups.find((g) => g.key === group) ?? groups[0]!).emoji;
  const title = q ? "Search results" : tabs.find((t) => t.key === group)?.name ?? groups?.[0]?.name ?? "";
  const at = Math.min(active, Math.max(shown.length - 1, 0));

  function pick(e: Emoji) {
    const emoji = withSkin(e, tone);
    onPick(emoji);
    const next = remember(recent, emoji);
    setRecent(next);
    try { localStorage.setItem(RECENT, JSON.stringify(next)); } catch { /* private mode: not kept */ }
  }
  function chooseTone(t: number) {
    setTone(t);
    try { localStorage.setItem(TONE, JSON.stringify(t)); } catch { /* not kept */ }
  }
  function show(key: string) {
    setGroup(key);
    setActive(0);
    grid.current?.scrollTo({ top: 0 });
  }
  function focusAt(i: number) {
    const n = Math.max(0, Math.min(i, shown.length - 1));
    setActive(n);
    (grid.current?.children[n] as HTMLElement | undefined)?.focus();
  }
  function gridKey(e: KeyboardEvent) {
    const moves: Record<string, number> = {
      ArrowRight: at + 1, ArrowLeft: at - 1, ArrowDown: at + COLUMNS, ArrowUp: at - COLUMNS, Home: 0, End: shown.length - 1,
    };
    if (!(e.key in moves)) return;
    e.preventDefault();
    if (e.key === "ArrowUp" && at < COLUMNS) search.current?.focus();
    else focusAt(moves[e.key]!);
  }

  return (
    <div class="emoji-picker" role="dialog" aria-label="Emoji" data-emoji-picker
      onKeyDown={(e) => { if (e.key === "Escape") { e.preventDefault(); e.stopPropagation(); onClose(); } }}>
      <div class="emoji-head">
        <input ref={search} type="search" aria-label="Search emoji" placeholder="Search emoji" value={query}
          onInput={(e) => { setQuery((e.target as HTMLInputElement).value); setActive(0); }}
          onKeyDown={(e) => {
            if (e.key === "Enter" && q && shown[0]) { e.preventDefault(); pick(shown[0]); }
            if (e.key === "ArrowDown" && shown.length) { e.preventDefault(); focusAt(at); }
          }} />
        <select aria-label="Skin tone" value={String(tone)} onChange={(e) => chooseTone(Number((e.target as HTMLSelectElement).value))}>
          {SKIN_TONES.map((t, i) => <option key={t} value={String(i)}>{`${WAVES[i]} ${t}`}</option>)}
        </select>
      </div>
      {!q && groups && (
        <div class="emoji-groups" role="group" aria-label="Emoji categories">
          {tabs.map((t) => (
            <button key={t.key} type="button" class="emoji-group" aria-label={t.name} title={t.name}
              aria-pressed={t.key === group ? "true" : "false"} onClick={() => show(t.key)}>{ICONS[t.key] ?? "•"}</button>
          ))}
        </div>
      )}
      <p class="emoji-title" id="emoji-title">{title}</p>
      <div ref={grid} class="emoji-grid" role="group" aria-labelledby="emoji-title" onKeyDown={gridKey}>
        {shown.map((e, i) => {
          const emoji = withSkin(e, tone);
          return (
            <button key={emoji} type="button" class="emoji-cell" aria-label={e.label} title={e.label} data-emoji={emoji}
              tabIndex={i === at ? 0 : -1} onFocus={() => setActive(i)} onClick={() => pick(e)}>{emoji}</button>
          );
        })}
      </div>
      <p class="hint emoji-status" role="status">
        {failed ? "Emoji could not be loaded. Try again later." : !groups ? "Loading emoji…" : q && !shown.length ? `No emoji found for “${q}”.` : ""}
      </p>
    </div>
  );
}
