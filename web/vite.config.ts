import { defineConfig } from "vitest/config";

// JSX is compiled by esbuild with Preact's automatic runtime (tsconfig: jsxImportSource),
// so no framework plugin is needed. `npm run build` writes dist/, which parleyd serves.
export default defineConfig({
  base: "/",
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false, target: "es2022" },
  server: { proxy: { "/v1": { target: "http://127.0.0.1:8080", ws: true } } },
  test: { include: ["test/**/*.test.ts"], environment: "node" },
});
