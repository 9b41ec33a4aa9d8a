// What a first load of the built client costs: every JS and CSS file index.html loads (its
// scripts, style sheets and module preloads), each with its size and its size through `gzip -c`,
// and apart from them the files loaded later, on demand (the emoji picker and its data).
// Prints JSON; exits 1 when the first load is over the budget.
//   node scripts/bundle-size.mjs [DIST_DIR]      (default: dist)

import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const BUDGET_GZIP = 250 * 1024;   // issue 19: under 250 KB gzipped

const dir = path.resolve(process.argv[2] ?? "dist");
const html = readFileSync(path.join(dir, "index.html"), "utf8");
const first = new Set();
for (const tag of html.match(/<(script|link)\b[^>]*>/g) ?? []) {
  const url = /\b(?:src|href)="([^"]+)"/.exec(tag)?.[1];
  const loads = tag.startsWith("<script") || /\brel="(stylesheet|modulepreload)"/.test(tag);
  if (url && loads && /\.(js|css)$/.test(url)) first.add(url.replace(/^\//, ""));
}

function sizes(files) {
  const list = files.map((file) => {
    const full = path.join(dir, file);
    return { file: `/${file}`, bytes: statSync(full).size, gzip: execFileSync("gzip", ["-c", full], { maxBuffer: 1 << 28 }).length };
  });
  return { files: list, bytes: list.reduce((n, f) => n + f.bytes, 0), gzip: list.reduce((n, f) => n + f.gzip, 0) };
}

const assets = readdirSync(path.join(dir, "assets")).map((f) => `assets/${f}`).filter((f) => !f.endsWith(".map")).sort();
const firstLoad = sizes([...first].sort());
const report = {
  dir,
  first_load: firstLoad,
  later_on_demand: sizes(assets.filter((f) => !first.has(f))),
  budget_gzip: BUDGET_GZIP,
  within_budget: firstLoad.gzip < BUDGET_GZIP,
};
console.log(JSON.stringify(report, null, 2));
process.exit(report.within_budget ? 0 : 1);
