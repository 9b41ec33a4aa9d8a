// The emoji picker's data and its pure logic: the format `plugins/emoji_data.mjs` makes from
// emojibase-data at build time, which emoji this browser can draw, search, skin tones and the
// recently used list. No DOM here (support.ts measures the fonts).

/** [emoji, label, tags (space-separated), emoji version, the five one-tone skins if any] */
export type EmojiRow = [string, string, string, number, string[]?];
export interface EmojiGroupData { key: string; name: string; emoji: EmojiRow[] }
/** `probes`: for each emoji version (as a string), one emoji of it that shows whether fonts draw that version. */
export interface EmojiData { groups: EmojiGroupData[]; probes: Record<string, string> }

/** One emoji as the picker shows it. */
export interface Emoji { emoji: string; label: string; words: string[]; skins?: string[] }
export interface EmojiGroup { key: string; name: string; emoji: Emoji[] }

export const SKIN_TONES = ["Default", "Light", "Medium-light", "Medium", "Medium-dark", "Dark"] as const;
export const RECENT_MAX = 32;

/**
 * The groups with only the emoji of the versions `drawable` says the fonts draw (an emoji of a
 * newer version than the fonts know shows as a box or as two pictures side by side).
 */
export function usable(data: EmojiData, drawable: (version: number) => boolean): EmojiGroup[] {
  return data.groups.map((g) => ({
    key: g.key, name: g.name,
    emoji: g.emoji.filter((r) => drawable(r[3])).map(([emoji, label, tags, , skins]) => ({
      emoji, label, skins, words: `${label} ${tags}`.toLowerCase().split(/[\s:,]+/).filter(Boolean),
    })),
  })).filter((g) => g.emoji.length > 0);
}

/** The emoji with a skin tone (0: the default yellow; 1–5: light to dark), where it has them. */
export function withSkin(e: Emoji, tone: number): string {
  return tone > 0 && e.skins ? e.skins[tone - 1] ?? e.emoji : e.emoji;
}

/**
 * The emoji whose name or tags have a word starting with each word of `query` ("red hea" finds
 * "red heart"), in the groups' order, at most `max`.
 */
export function searchEmoji(groups: EmojiGroup[], query: string, max = 120): Emoji[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [];
  const found: Emoji[] = [];
  for (const g of groups)
    for (const e of g.emoji) {
      if (words.every((w) => e.words.some((x) => x.startsWith(w)))) found.push(e);
      if (found.length >= max) return found;
    }
  return found;
}

/** The recently used list after using `emoji`: it goes first, once, and the list keeps `max`. */
export function remember(recent: string[], emoji: string, max = RECENT_MAX): string[] {
  return [emoji, ...recent.filter((e) => e !== emoji)].slice(0, max);
}

/** The emoji of the recently used list that the picker knows (by any of their skins), as `Emoji`s. */
export function recentEmoji(groups: EmojiGroup[], recent: string[]): Emoji[] {
  const known = new Map<string, Emoji>();
  for (const g of groups)
    for (const e of g.emoji) {
      known.set(e.emoji, e);
      for (const s of e.skins ?? []) known.set(s, { ...e, emoji: s, skins: undefined });
    }
  return recent.map((r) => known.get(r)).filter((e): e is Emoji => !!e);
}
