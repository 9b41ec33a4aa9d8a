import { defineConfig } from "vitest/config";
import { emojiData } from "./plugins/emoji_data.mjs";
import { serviceWorkerBuild } from "./plugins/sw_build.mjs";

// JSX is compiled by esbuild with Preact's automatic runtime (tsconfig: jsxImportSource),
// so no framework plugin is needed. `npm run build` writes dist/, which parleyd serves, and
// stamps dist/sw.js with the build's files (plugins/sw_build.mjs: the offline app shell).
// The entry script is render-blocking (blocking="render", which Vite does not carry over from
// index.html): it sets the colour theme first (src/ui/theme.ts), so no frame is painted in the
// wrong theme. The page shows nothing before it runs anyway.
const renderBlockingEntry = {
  name: "render-blocking-entry",
  transformIndexHtml: {
    order: "post" as const,
    handler: (html: string) => html.replace(/<script type="module"(?![^>]*blocking)/, '<script type="module" blocking="render"'),
  },
};

export default defineConfig({
  base: "/",
  plugins: [renderBlockingEntry, emojiData(), serviceWorkerBuild()],   // emojiData: the emoji picker's data (virtual:emoji-data)
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false, target: "es2022" },
  server: { proxy: { "/v1": { target: "http://127.0.0.1:8080", ws: true } } },
  test: { include: ["test/**/*.test.ts"], environment: "node" },
});
