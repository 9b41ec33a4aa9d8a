// Types of emoji_data.mjs (plain JavaScript, so that Vite's config runs it in Node.js as it is).
import type { Plugin } from "vite";
import type { EmojiData } from "../src/ui/emoji/emoji_data";

export function trimEmoji(data: unknown[], messages: { groups: { key: string; message: string; order: number }[] }): EmojiData;
export function emojiData(): Plugin;
