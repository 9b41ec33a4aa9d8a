// Build step for the service worker (public/sw.js): writes into the built copy the build's id
// and the list of files a page may load, so the worker caches exactly this build and a new
// build is a new worker. Only dist/ is written; the source keeps `{ id: "dev", files: [] }`.

import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

const PLACEHOLDER = 'const BUILD = { id: "dev", files: [] };';
/** Bigger files are cached when first used rather than when the worker installs. */
const PRECACHE_MAX_BYTES = 2 << 20;

/** The worker's source with `build` written in; throws when the source has no placeholder to replace. */
export function stampServiceWorker(source, build) {
  if (!source.includes(PLACEHOLDER)) throw new Error(`public/sw.js lost its line ${PLACEHOLDER}`);
  return source.replace(PLACEHOLDER, `const BUILD = ${JSON.stringify(build)};`);
}

/** Every file under `dir`, as paths from it with forward slashes. */
function walk(dir, prefix = "") {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]);
}

/**
 * The Vite plugin: after the bundle and the public files are written, lists what the output
 * holds (but index.html, which the worker caches by name, and sw.js itself), hashes it all
 * into the build's id and stamps dist/sw.js. The same sources give the same sw.js.
 */
export function serviceWorkerBuild() {
  return {
    name: "parley-service-worker",
    apply: "build",
    writeBundle(options) {
      const out = options.dir;
      const names = walk(out).filter((f) => f !== "sw.js" && !f.endsWith(".map")).sort();
      const hash = createHash("sha256");
      for (const name of names) hash.update(name).update("\0").update(readFileSync(path.join(out, name))).update("\0");
      const files = names.filter((f) => f !== "index.html" && statSync(path.join(out, f)).size <= PRECACHE_MAX_BYTES).map((f) => `/${f}`);
      const sw = path.join(out, "sw.js");
      writeFileSync(sw, stampServiceWorker(readFileSync(sw, "utf8"), { id: hash.digest("hex").slice(0, 16), files }));
    },
  };
}
