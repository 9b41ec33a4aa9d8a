// The emoji picker's data (plugins/emoji_data.mjs, made from emojibase-data at build time) and
// its pure logic (src/ui/emoji/emoji_data.ts): versions the fonts draw, search, skins, recents.

import { describe, expect, it } from "vitest";
import { trimEmoji } from "../plugins/emoji_data.mjs";
import { recentEmoji, remember, searchEmoji, usable, withSkin, type EmojiData } from "../src/ui/emoji/emoji_data";

const messages = {
  groups: [
    { key: "smileys-emotion", message: "smileys & emotion", order: 0 },
    { key: "people-body", message: "people & body", order: 1 },
    { key: "component", message: "components", order: 2 },
  ],
};
const tone = (emoji: string, t: number | number[]) => ({ emoji, tone: t });
const raw = [
  { emoji: "😃", label: "grinning face with big eyes", tags: ["face", "mouth"], group: 0, order: 2, version: 0.6 },
  { emoji: "😀", label: "grinning face", tags: ["face", "grin"], group: 0, order: 1, version: 1 },
  { emoji: "🫩", label: "face with bags under eyes", tags: ["tired"], group: 0, order: 3, version: 16 },
  { emoji: "🧑‍🧒", label: "family: adult, child", tags: ["family"], group: 1, order: 5, version: 15.1 },
  { emoji: "🏻", label: "light skin tone", group: 2, order: 9, version: 1 },
  { emoji: "🇦", label: "regional indicator A", order: 10, version: 0 },   // no group: not an emoji to send
  {
    emoji: "👋", label: "waving hand", tags: ["wave"], group: 1, order: 4, version: 0.6,
    skins: [tone("👋🏿", 5), tone("👋🏻", 1), tone("👋🏼", 2), tone("👋🏽", 3), tone("👋🏾", 4)],
  },
  {
    emoji: "🤝", label: "handshake", tags: [], group: 1, order: 6, version: 3,
    skins: [tone("🤝🏻", 1), tone("🤝🏼", 2), tone("🤝🏽", 3), tone("🤝🏾", 4), tone("🤝🏿", 5), tone("🫱🏻‍🫲🏼", [1, 2])],
  },
];

describe("the build-time data", () => {
  const data = trimEmoji(raw, messages);

  it("keeps the groups people send from, in order, with their emoji in order", () => {
    expect(data.groups.map((g) => [g.key, g.name])).toEqual([["smileys-emotion", "Smileys & emotion"], ["people-body", "People & body"]]);
    expect(data.groups[0]!.emoji.map((r) => r[0])).toEqual(["😀", "😃", "🫩"]);
    expect(data.groups[0]!.emoji[0]).toEqual(["😀", "grinning face", "face grin", 1]);
  });

  it("keeps the five one-tone skins, light to dark", () => {
    const people = data.groups[1]!.emoji;
    expect(people.find((r) => r[0] === "👋")![4]).toEqual(["👋🏻", "👋🏼", "👋🏽", "👋🏾", "👋🏿"]);
    expect(people.find((r) => r[0] === "🤝")![4]).toEqual(["🤝🏻", "🤝🏼", "🤝🏽", "🤝🏾", "🤝🏿"]);
  });

  it("has a probe for every version, the shortest emoji of it", () => {
    expect(data.probes).toEqual({ "0.6": "😃", "1": "😀", "16": "🫩", "15.1": "🧑‍🧒", "3": "🤝" });
  });

  it("from the real package: nine groups, a probe for each version, a third of its size", async () => {
    const full = (await import("emojibase-data/en/data.json")).default as unknown[];
    const real = trimEmoji(full, (await import("emojibase-data/en/messages.json")).default);
    expect(real.groups).toHaveLength(9);
    expect(real.groups[0]!.emoji[0]![0]).toBe("😀");
    const versions = new Set(real.groups.flatMap((g) => g.emoji.map((r) => String(r[3]))));
    expect(new Set(Object.keys(real.probes))).toEqual(versions);
    expect(JSON.stringify(real).length).toBeLessThan(JSON.stringify(full).length / 3);
  });
});

describe("the picker's logic", () => {
  const data: EmojiData = trimEmoji(raw, messages);
  const groups = usable(data, (v) => v <= 15);

  it("leaves out the versions the fonts do not draw", () => {
    const all = groups.flatMap((g) => g.emoji.map((e) => e.emoji));
    expect(all).toEqual(["😀", "😃", "👋", "🤝"]);
    expect(usable(data, () => false)).toEqual([]);
  });

  it("finds by the start of each word of the name and tags", () => {
    expect(searchEmoji(groups, "grin").map((e) => e.emoji)).toEqual(["😀", "😃"]);
    expect(searchEmoji(groups, "GRIN big").map((e) => e.emoji)).toEqual(["😃"]);
    expect(searchEmoji(groups, "wave").map((e) => e.emoji)).toEqual(["👋"]);
    expect(searchEmoji(groups, "rinning")).toEqual([]);
    expect(searchEmoji(groups, "  ")).toEqual([]);
    expect(searchEmoji(groups, "face", 1)).toHaveLength(1);
  });

  it("a skin tone where the emoji has them", () => {
    const [wave] = searchEmoji(groups, "waving");
    const [grin] = searchEmoji(groups, "grinning face");
    expect(withSkin(wave!, 0)).toBe("👋");
    expect(withSkin(wave!, 3)).toBe("👋🏽");
    expect(withSkin(grin!, 3)).toBe("😀");
  });

  it("recently used: the last first, once each, at most the limit; known skins kept", () => {
    let recent: string[] = [];
    for (const e of ["😀", "👋🏽", "😃", "😀"]) recent = remember(recent, e, 3);
    expect(recent).toEqual(["😀", "😃", "👋🏽"]);
    expect(recentEmoji(groups, [...recent, "🦖"]).map((e) => [e.emoji, e.label])).toEqual([
      ["😀", "grinning face"], ["😃", "grinning face with big eyes"], ["👋🏽", "waving hand"],
    ]);
  });
});
