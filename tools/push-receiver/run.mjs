// A local stand-in for the push services parley sends to (Web Push, FCM, APNs, a webhook
// gateway), for integration tests. It checks every request as the real service would
// (signatures, tokens, VAPID, decryption of Web Push bodies), records it, and answers as told.
//
//   node tools/push-receiver/run.mjs --dir DIR [--ca-dir D] [--webhook-secret S]
//
// Listens on 127.0.0.1, three free ports: plain HTTP/1.1 (webhook, FCM, Web Push, and the
// control API), HTTP/1.1 over TLS (the same routes) and HTTP/2 over TLS (APNs). When ready it
// writes DIR/ports.json and prints the same JSON on one line. See README.md.
import { createECDH, createPublicKey, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeApnsKey, makeCertificates, makeFcmAccount } from './keys.mjs';
import * as services from './providers.mjs';

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    'ca-dir': { type: 'string' },
    'webhook-secret': { type: 'string', default: 'parley-push-receiver-secret' },
  },
});
if (!values.dir) {
  console.error('usage: node run.mjs --dir DIR [--ca-dir D] [--webhook-secret S]');
  process.exit(2);
}
const dir = values.dir;
mkdirSync(dir, { recursive: true });
makeCertificates(dir, values['ca-dir']);
const tls = { key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.pem')) };

const ctx = {
  webhookSecret: values['webhook-secret'],
  subscriptions: new Map(),  // id -> { ecdh, publicKey, auth }
  fcmTokens: new Set(),      // access tokens issued
  apnsKey: createPublicKey(makeApnsKey(dir).export({ type: 'spki', format: 'pem' })),
};
let received = [];
const behaviours = new Map();  // provider -> { status, times, retry_after, reason, rejected, stall }
let held = [];                 // stalled requests: { res, r, rec }

function send(res, status, text, headers = {}) {
  try {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(text);
  } catch { /* the client gave up (a stalled request timed out) */ }
}

// The body a provider sends for an error status it was told to answer.
function errorBody(name, status, b) {
  if (name === 'fcm') return services.fcmError(status);
  if (name === 'apns') return JSON.stringify({ reason: b.reason ?? services.APNS_REASONS[status] ?? 'BadRequest',
    ...(status === 410 ? { timestamp: Date.now() } : {}) });
  return JSON.stringify({ error: `told to answer ${status}` });
}

function finish({ res, r, rec }, name) {
  const b = behaviours.get(name);
  let [status, text, headers] = r.verified ? r.ok : [r.fail, r.failBody ?? JSON.stringify({ error: r.why }), {}];
  if (b?.times > 0 && b.rejected) {
    b.times--;
    [status, text, headers] = [200, JSON.stringify({ rejected: [r.target] }), {}];
  } else if (b?.times > 0 && b.status) {
    b.times--;
    [status, text, headers] = [b.status, errorBody(name, b.status, b), b.retry_after ? { 'retry-after': b.retry_after } : {}];
  }
  rec.status_returned = status;
  send(res, status, text, headers);
}

function handle(name, handler, req, res, body, extra = {}) {
  const r = handler(req, body, { ...ctx, ...extra, behaviour: behaviours.get(name) });
  const rec = { provider: name, target: r.target, status_returned: 0, verified: r.verified, why: r.why,
    payload: r.payload, headers: r.headers, at: Date.now() };
  received.push(rec);
  if (behaviours.get(name)?.stall) {
    rec.stalled = true;
    held.push({ res, r, rec, name });
  } else {
    finish({ res, r, rec }, name);
  }
}

// Answers the stalled requests of `name` (of every provider if undefined).
function release(name) {
  const due = held.filter(h => name === undefined || h.name === name);
  held = held.filter(h => !due.includes(h));
  for (const h of due) finish(h, h.name);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', c => { size += c.length; if (size > 1 << 20) reject(new Error('body over 1 MiB')); else chunks.push(c); });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function control(req, res, body, ports) {
  const path = req.url.split('?')[0];
  if (req.method === 'POST' && path === '/_subscription') {
    const secure = new URL(req.url, 'http://x').searchParams.get('tls') === '1';
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const id = randomBytes(9).toString('base64url');
    const sub = { ecdh, publicKey: ecdh.getPublicKey(), auth: randomBytes(16) };
    ctx.subscriptions.set(id, sub);
    const base = secure ? `https://127.0.0.1:${ports.https}` : `http://127.0.0.1:${ports.http}`;
    return send(res, 200, JSON.stringify({ endpoint: `${base}/wp/${id}`,
      keys: { p256dh: sub.publicKey.toString('base64url'), auth: sub.auth.toString('base64url') } }));
  }
  if (req.method === 'GET' && path === '/_received') return send(res, 200, JSON.stringify(received));
  if (req.method === 'POST' && path === '/_behave') {
    let b;
    try { b = JSON.parse(body.toString('utf8')); } catch { return send(res, 400, '{"error":"not JSON"}'); }
    const known = ['webpush', 'webhook', 'fcm', 'fcm_token', 'apns'];
    if (!known.includes(b.provider)) return send(res, 400, JSON.stringify({ error: `provider is one of ${known}` }));
    const cur = behaviours.get(b.provider) ?? {};
    if (b.stall !== undefined) {
      cur.stall = !!b.stall;
      if (!cur.stall) release(b.provider);
    }
    if (b.status !== undefined || b.rejected) Object.assign(cur, { status: b.status, times: b.times ?? 1,
      retry_after: b.retry_after === undefined ? undefined : String(b.retry_after), reason: b.reason, rejected: !!b.rejected });
    behaviours.set(b.provider, cur);
    return send(res, 200, '{"ok":true}');
  }
  if (req.method === 'POST' && path === '/_reset') {
    behaviours.clear();
    release();
    received = [];
    return send(res, 200, '{"ok":true}');
  }
  send(res, 404, '{"error":"no such control route"}');
}

// The routes of the HTTP/1.1 servers; `secure` on the TLS one.
const routes = (secure, ports) => async (req, res) => {
  let body;
  try { body = await readBody(req); } catch { return send(res, 413, '{"error":"too large"}'); }
  const path = req.url.split('?')[0];
  if (req.method !== 'POST' && !path.startsWith('/_')) return send(res, 405, '{"error":"POST only"}');
  if (path.startsWith('/wp/')) return handle('webpush', services.webpush, req, res, body, { tls: secure });
  if (path === '/_matrix/push/v1/notify') return handle('webhook', services.webhook, req, res, body);
  if (path === '/token') return handle('fcm_token', services.fcmToken, req, res, body);
  if (path === `/v1/projects/parley-test/messages:send`) return handle('fcm', services.fcmSend, req, res, body);
  if (path.startsWith('/_') && !secure) return control(req, res, body, ports);
  send(res, 404, '{"error":"no such route"}');
};

const listen = server => new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
const ports = {};
const plain = http.createServer(routes(false, ports));
const secure = https.createServer(tls, routes(true, ports));
const h2 = http2.createSecureServer({ ...tls, allowHTTP1: false }, async (req, res) => {
  let body;
  try { body = await readBody(req); } catch { return send(res, 413, '{"reason":"PayloadTooLarge"}'); }
  if (req.method === 'POST' && req.url.startsWith('/3/device/')) return handle('apns', services.apns, req, res, body);
  send(res, 404, '{"reason":"BadPath"}');
});
h2.on('sessionError', () => {});
ports.http = await listen(plain);
ports.https = await listen(secure);
ports.h2 = await listen(h2);
ctx.fcm = makeFcmAccount(dir, `http://127.0.0.1:${ports.http}/token`);

const ready = { ...ports, ca: join(dir, 'ca.pem'), fcm_service_account: join(dir, 'fcm-service-account.json'),
  apns_key: join(dir, 'apns-key.p8'), webhook_secret: ctx.webhookSecret };
writeFileSync(join(dir, 'ports.json.tmp'), JSON.stringify(ready));
renameSync(join(dir, 'ports.json.tmp'), join(dir, 'ports.json'));
console.log(JSON.stringify(ready));
for (const s of ['SIGTERM', 'SIGINT']) process.on(s, () => process.exit(0));
