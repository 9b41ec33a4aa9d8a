// The emoji picker's data, made at build time from emojibase-data (the English names and
// tags): only what the picker shows and searches, about a third of the package's file. The
// page loads it only when the picker first opens, as a JSON asset named by its hash
// (`import url from "virtual:emoji-data"`); the dev server serves it from memory.

import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const VIRTUAL = "virtual:emoji-data";
const DEV_URL = "/@parley/emoji-en.json";
const COMPONENT_GROUP = 2;   // skin tone and hair swatches: not emoji to send on their own

/** "smileys & emotion" → "Smileys & emotion". */
const capital = (s) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * emojibase's `data.json` and `messages.json` trimmed to
 * `{groups: [{key, name, emoji: [[emoji, label, tags, version, skins?]]}], probes: {version: emoji}}`:
 * tags joined by spaces, skins the five one-tone variants (light to dark), and for each emoji
 * version the emoji that tells whether the browser's fonts draw that version (the shortest).
 */
export function trimEmoji(data, messages) {
  const groups = messages.groups.filter((g) => g.order !== COMPONENT_GROUP)
    .sort((a, b) => a.order - b.order)
    .map((g) => ({ key: g.key, name: capital(g.message), order: g.order, emoji: [] }));
  const byOrder = new Map(groups.map((g) => [g.order, g]));
  const probes = {};
  for (const e of [...data].sort((a, b) => (a.order ?? 0) - (b.order ?? 0))) {
    const group = byOrder.get(e.group);
    if (!group || !e.emoji) continue;
    const row = [e.emoji, e.label, (e.tags ?? []).join(" "), e.version ?? 0];
    const skins = (e.skins ?? []).filter((s) => typeof s.tone === "number").sort((a, b) => a.tone - b.tone).map((s) => s.emoji);
    if (skins.length === 5) row.push(skins);
    group.emoji.push(row);
    const v = String(e.version ?? 0);
    if (!probes[v] || [...e.emoji].length < [...probes[v]].length) probes[v] = e.emoji;
  }
  return { groups: groups.map(({ key, name, emoji }) => ({ key, name, emoji })), probes };
}

function build() {
  return JSON.stringify(trimEmoji(require("emojibase-data/en/data.json"), require("emojibase-data/en/messages.json")));
}

/** The Vite plugin behind `virtual:emoji-data` (its default export: the data's URL). */
export function emojiData() {
  let serve = false;
  let json = null;
  return {
    name: "parley-emoji-data",
    configResolved(config) { serve = config.command === "serve"; },
    resolveId(id) { return id === VIRTUAL ? "\0" + VIRTUAL : null; },
    load(id) {
      if (id !== "\0" + VIRTUAL) return null;
      if (serve) return `export default ${JSON.stringify(DEV_URL)};`;
      const ref = this.emitFile({ type: "asset", name: "emoji-en.json", source: build() });
      return `export default import.meta.ROLLUP_FILE_URL_${ref};`;
    },
    configureServer(server) {
      server.middlewares.use(DEV_URL, (_req, res) => {
        json ??= build();
        res.setHeader("Content-Type", "application/json");
        res.end(json);
      });
    },
  };
}
