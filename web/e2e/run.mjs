// Runs one end-to-end scenario (or all) against a real parleyd in headless Chromium.
//   node e2e/run.mjs --parleyd PATH [--web-root DIR] [SCENARIO...]
// Each scenario starts its own parleyd and browser. Exit code 0 only if every one passed.

import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Parleyd, launchChromium } from "./harness.mjs";
import { scenarios } from "./scenarios.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const { values, positionals } = parseArgs({
  options: { parleyd: { type: "string" }, "web-root": { type: "string" }, list: { type: "boolean" } },
  allowPositionals: true,
});
if (values.list) {
  console.log(Object.keys(scenarios).join("\n"));
  process.exit(0);
}
if (!values.parleyd) {
  console.error("usage: node e2e/run.mjs --parleyd PATH [--web-root DIR] [SCENARIO...] (--list shows them)");
  process.exit(2);
}
const names = positionals.length ? positionals : Object.keys(scenarios);
for (const n of names)
  if (!scenarios[n]) {
    console.error(`unknown scenario "${n}"; known: ${Object.keys(scenarios).join(", ")}`);
    process.exit(2);
  }
const webRoot = path.resolve(values["web-root"] ?? path.join(here, "..", "dist"));

let failed = 0;
for (const name of names) {
  const started = Date.now();
  const server = new Parleyd(path.resolve(values.parleyd), webRoot);
  const browser = await launchChromium();
  try {
    await server.start();
    await scenarios[name]({ server, browser });
    console.log(`PASS ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e?.stack ?? e}`);
    console.log(`--- parleyd log (last 4000 chars) ---\n${server.log.slice(-4000)}`);
  } finally {
    await browser.close().catch(() => {});
    await server.close().catch(() => {});
  }
}
console.log(`${names.length - failed}/${names.length} scenarios passed`);
process.exit(failed ? 1 : 0);
