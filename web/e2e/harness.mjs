// End-to-end harness: a real parleyd on 127.0.0.1 serving the built client, a webhook sink
// that receives its sign-in codes, and Debian's Chromium driven by playwright-core.

import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync, mkdirSync, existsSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);

export const ADMIN_SECRET = "e2e-admin-secret";
const WAIT_MS = 15_000;

/** Resolves when `check` returns a truthy value; polls every 20 ms, fails after `ms`. */
export async function until(what, check, ms = WAIT_MS) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Collects the codes parleyd POSTs to its webhook (auth.code_sender = "webhook"). */
async function codeSink() {
  const codes = new Map();
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      try {
        const { phone, code } = JSON.parse(body);
        codes.set(phone, code);
      } catch { /* ignore */ }
      res.writeHead(200).end("{}");
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { codes, port: server.address().port, close: () => server.close() };
}

/**
 * With PARLEY_TEST_STORE=postgres, the store and bus settings for a node on the suite's
 * PostgreSQL (a fresh database per server) and NATS, read from PARLEY_SERVICES_STATE
 * (scripts/services.sh). Otherwise none: the embedded SQLite store.
 */
let databases = 0;
function storeSettings() {
  if (process.env.PARLEY_TEST_STORE !== "postgres") return [];
  const file = process.env.PARLEY_SERVICES_STATE;
  if (!file || !existsSync(file)) throw new Error("PARLEY_TEST_STORE=postgres needs PARLEY_SERVICES_STATE (scripts/services.sh start)");
  const state = Object.fromEntries(readFileSync(file, "utf8").split("\n").map((l) => l.match(/^(\w+)=(.*)$/)).filter(Boolean)
    .map((m) => [m[1], m[2].replace(/^"(.*)"$/, "$1")]));
  const db = `w_${process.pid}_${databases++}`;
  execFileSync("psql", [state.pg_url, "-q", "-c", `DROP DATABASE IF EXISTS ${db}`, "-c", `CREATE DATABASE ${db}`], { stdio: "pipe" });
  const url = state.pg_url.replace(/dbname=\S+/, `dbname=${db}`);
  return ["store.kind=postgres", `store.postgres_url=${url}`, "bus.kind=nats", `bus.nats_urls=${state.nats_urls}`];
}

export class Parleyd {
  constructor(binary, webRoot) {
    this.binary = binary;
    this.webRoot = webRoot;
    this.dir = mkdtempSync(path.join(tmpdir(), "parley-e2e-"));
    this.port = 0;
    this.proc = null;
    this.log = "";
    this.store = storeSettings();
  }

  async start() {
    this.sink ??= await codeSink();
    const portFile = path.join(this.dir, "port");
    rmSync(portFile, { force: true });
    const args = [
      "--listen", `127.0.0.1:${this.port}`, "--data-dir", path.join(this.dir, "data"), "--port-file", portFile,
      "--set", `server.web_root=${this.webRoot}`, "--set", "auth.code_sender=webhook",
      "--set", `auth.webhook_url=http://127.0.0.1:${this.sink.port}/codes`, "--set", `auth.admin_secret=${ADMIN_SECRET}`,
      "--set", "server.threads=2", "--set", "testing.clock_control=true",
      // Web Push on, as a browser needs it (a VAPID key made in the data directory); nothing reaches a push service in the tests.
      "--set", "push.webpush=true", "--set", `push.webpush_key_file=${path.join(this.dir, "vapid.pem")}`,
      "--set", "push.webpush_subject=mailto:e2e@parley.test",
      ...this.store.flatMap((kv) => ["--set", kv]),
    ];
    this.proc = spawn(this.binary, args, { stdio: ["ignore", "pipe", "pipe"] });
    const onData = (d) => { this.log += d.toString(); };
    this.proc.stdout.on("data", onData);
    this.proc.stderr.on("data", onData);
    const proc = this.proc;
    await until("parleyd to listen", () => {
      if (proc.exitCode !== null) throw new Error(`parleyd exited (${proc.exitCode}):\n${this.log}`);
      if (!existsSync(portFile)) return false;
      const port = Number(readFileSync(portFile, "utf8").trim());
      if (port > 0) this.port = port;
      return port > 0;
    }, 30_000);
  }

  /** Stops the server (SIGTERM, graceful); `start()` brings it back on the same port. */
  async stop() {
    if (!this.proc || this.proc.exitCode !== null) return;
    const exited = once(this.proc, "exit");
    this.proc.kill("SIGTERM");
    await exited;
  }

  get url() { return `http://127.0.0.1:${this.port}`; }

  async code(phone) { return until(`the sign-in code for ${phone}`, () => this.sink.codes.get(phone)); }

  /** Users with tokens, without the sign-in flow (POST /v1/admin/users). */
  async adminUsers(phones) {
    const res = await fetch(`${this.url}/v1/admin/users`, {
      method: "POST", headers: { Authorization: `Bearer ${ADMIN_SECRET}`, "Content-Type": "application/json" },
      body: JSON.stringify({ phones, device_name: "e2e" }),
    });
    if (!res.ok) throw new Error(`admin/users: ${res.status} ${await res.text()}`);
    return (await res.json()).users;
  }

  /** Moves the server's clock forward (POST /v1/admin/clock; the server runs with testing.clock_control). */
  async advanceClock(ms) {
    const res = await fetch(`${this.url}/v1/admin/clock`, {
      method: "POST", headers: { Authorization: `Bearer ${ADMIN_SECRET}`, "Content-Type": "application/json" },
      body: JSON.stringify({ advance_ms: ms }),
    });
    if (!res.ok) throw new Error(`admin/clock: ${res.status} ${await res.text()}`);
    return (await res.json()).now;
  }

  async close() {
    await this.stop();
    this.sink?.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function launchChromium() {
  return chromium.launch({
    executablePath: process.env.PARLEY_CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-dev-shm-usage",
    ],
  });
}

/** A fresh browser context (empty profile) for one user, and its first page. */
export async function userPage(browser, server, { width = 1200, height = 760, locale = "en-US", bypassCSP = false } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, locale, timezoneId: "UTC", bypassCSP });
  context.setDefaultTimeout(WAIT_MS);
  const page = await context.newPage();
  page.on("pageerror", (e) => console.error(`[page error] ${e.message}`));
  await page.goto(server.url + "/");
  return { context, page };
}

/**
 * Signs in through the UI: phone (as typed: `typed`, default the E.164 `phone`), the code
 * from the webhook, and waits for the chat list.
 */
export async function signIn(page, server, phone, typed = phone) {
  await page.getByLabel("Phone number").fill(typed);
  server.sink.codes.delete(phone);
  await page.getByRole("button", { name: "Send code" }).click();
  const code = await server.code(phone);
  await page.getByLabel("Code").fill(code);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "New chat" }).waitFor();
}

/** Runs axe-core's WCAG 2 A/AA rules on the page; fails on serious or critical violations. */
export async function accessible(page, screen) {
  await page.addScriptTag({ path: require.resolve("axe-core/axe.min.js") });
  const violations = await page.evaluate(async () => {
    const r = await globalThis.axe.run(document, { runOnly: ["wcag2a", "wcag2aa"] });
    return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
  if (violations.length) throw new Error(`accessibility of ${screen}:\n  ${violations.join("\n  ")}`);
}

export function screenshotDir() {
  const dir = process.env.PARLEY_SCREENSHOTS ?? path.resolve("test-results/screenshots");
  mkdirSync(dir, { recursive: true });
  return dir;
}

export async function shoot(page, name) {
  await page.screenshot({ path: path.join(screenshotDir(), `${name}.png`) });
}
