// The four push services as the receiver plays them: each handler checks a request the way
// the real service would, and says what to record and what to answer.
//   handler(req, body, ctx) -> { target, verified, why, payload, headers, ok: [status, body, headers], fail: status }
import { randomBytes, randomUUID } from 'node:crypto';
import { APNS_KEY_ID, APNS_TEAM_ID, FCM_PROJECT } from './keys.mjs';
import { checkJwt, decryptWebPush, signatureProblem, vapidProblem } from './verify.mjs';

const json = text => { try { return JSON.parse(text); } catch { return null; } };
const pick = (req, names) =>
  Object.fromEntries(names.filter(n => req.headers[n] !== undefined).map(n => [n, req.headers[n]]));

export function webpush(req, body, ctx) {
  const id = req.url.split('?')[0].slice('/wp/'.length);
  const sub = ctx.subscriptions.get(id);
  const out = { target: id, headers: pick(req, ['ttl', 'topic', 'urgency', 'content-encoding', 'content-type']) };
  if (!sub) return { ...out, verified: false, why: 'no such subscription', fail: 404 };
  const origin = `${ctx.tls ? 'https' : 'http'}://127.0.0.1:${req.socket.localPort}`;
  const vapid = vapidProblem(req.headers.authorization, origin);
  let why = vapid;
  if (!why && req.headers['content-encoding'] !== 'aes128gcm') why = 'Content-Encoding is not aes128gcm';
  if (!why && !/^\d+$/.test(req.headers.ttl ?? '')) why = 'no TTL header';
  const dec = why ? {} : decryptWebPush(body, sub);
  why ??= dec.why ?? null;
  const payload = dec.plaintext ? json(dec.plaintext.toString('utf8')) : null;
  if (!why && !payload) why = 'the decrypted payload is not JSON';
  return { ...out, verified: !why, why, payload, fail: vapid ? 401 : 400,
    ok: [201, '', { location: `/wp/${id}/messages/${randomUUID()}` }] };
}

export function webhook(req, body, ctx) {
  const payload = json(body.toString('utf8'));
  const pushkey = payload?.notification?.devices?.[0]?.pushkey ?? null;
  const why = signatureProblem(req.headers['x-parley-signature'], body, ctx.webhookSecret) ??
    (payload ? null : 'the body is not JSON');
  const rejected = ctx.behaviour?.rejected ? [pushkey] : [];
  return { target: pushkey, verified: !why, why, payload, headers: pick(req, ['content-type']), fail: 401,
    ok: [200, JSON.stringify({ rejected })] };
}

// POST /token: the service account's RS256 assertion for an access token.
export function fcmToken(req, body, ctx) {
  const form = new URLSearchParams(body.toString('utf8'));
  let why = form.get('grant_type') === 'urn:ietf:params:oauth:grant-type:jwt-bearer' ? null : 'wrong grant_type';
  const jwt = why ? why : checkJwt(form.get('assertion') ?? '', ctx.fcm.publicKey, 'RS256');
  if (typeof jwt === 'string') why = jwt;
  else {
    const c = jwt.claims, now = Date.now() / 1000;
    if (c.iss !== ctx.fcm.account.client_email) why = `iss is ${c.iss}`;
    else if (c.aud !== ctx.fcm.account.token_uri) why = `aud is ${c.aud}`;
    else if (!String(c.scope).split(' ').includes('https://www.googleapis.com/auth/firebase.messaging')) {
      why = 'scope lacks firebase.messaging';
    }
    else if (!(c.exp > now && c.exp - c.iat <= 3600)) why = 'exp is past or more than an hour after iat';
  }
  const token = `ya29.test-${randomBytes(12).toString('base64url')}`;
  if (!why) ctx.fcmTokens.add(token);
  return { target: null, verified: !why, why, payload: null, headers: {}, fail: 400,
    failBody: JSON.stringify({ error: 'invalid_grant', error_description: why }),
    ok: [200, JSON.stringify({ access_token: token, expires_in: 3599, token_type: 'Bearer' })] };
}

const FCM_ERRORS = {
  400: ['INVALID_ARGUMENT', 'The registration token is not a valid FCM registration token', 'INVALID_ARGUMENT'],
  401: ['UNAUTHENTICATED', 'Request had invalid authentication credentials.', 'THIRD_PARTY_AUTH_ERROR'],
  404: ['NOT_FOUND', 'Requested entity was not found.', 'UNREGISTERED'],
  429: ['RESOURCE_EXHAUSTED', 'Quota exceeded.', 'QUOTA_EXCEEDED'],
  500: ['INTERNAL', 'Internal error.', 'INTERNAL'],
  503: ['UNAVAILABLE', 'The service is unavailable.', 'UNAVAILABLE'],
};
export const fcmError = status => {
  const [s, message, errorCode] = FCM_ERRORS[status] ?? ['UNKNOWN', 'error', 'UNSPECIFIED_ERROR'];
  return JSON.stringify({ error: { code: status, message, status: s,
    details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode }] } });
};

export function fcmSend(req, body, ctx) {
  const payload = json(body.toString('utf8'));
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  const why = !bearer || !ctx.fcmTokens.has(bearer) ? 'not a Bearer access token this receiver issued'
    : !payload?.message?.token ? 'no message.token' : null;
  return { target: payload?.message?.token ?? null, verified: !why, why, payload, headers: pick(req, ['content-type']),
    fail: 401, failBody: fcmError(401),
    ok: [200, JSON.stringify({ name: `projects/${FCM_PROJECT}/messages/${randomUUID()}` })] };
}

export const APNS_REASONS = { 400: 'BadDeviceToken', 403: 'InvalidProviderToken', 410: 'Unregistered',
  429: 'TooManyRequests', 500: 'InternalServerError', 503: 'ServiceUnavailable' };

export function apns(req, body, ctx) {
  const token = req.url.slice('/3/device/'.length);
  const payload = json(body.toString('utf8'));
  const bearer = /^bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  let why = bearer ? null : 'no "authorization: bearer" header';
  if (!why) {
    const jwt = checkJwt(bearer, ctx.apnsKey, 'ES256');
    const now = Date.now() / 1000;
    if (typeof jwt === 'string') why = jwt;
    else if (jwt.header.kid !== APNS_KEY_ID) why = `kid is ${jwt.header.kid}`;
    else if (jwt.claims.iss !== APNS_TEAM_ID) why = `iss is ${jwt.claims.iss}`;
    else if (!(jwt.claims.iat <= now + 60 && jwt.claims.iat > now - 3600)) why = 'iat is not within the last hour';
  }
  if (!why && !/^[0-9a-fA-F]{64,200}$/.test(token)) why = 'the device token is not hex';
  if (!why && !req.headers['apns-topic']) why = 'no apns-topic';
  if (!why && req.headers['apns-push-type'] !== 'alert') why = 'apns-push-type is not alert';
  if (!why && !payload?.aps) why = 'the body has no aps';
  return { target: token, verified: !why, why, payload,
    headers: pick(req, ['apns-topic', 'apns-push-type', 'apns-priority', 'apns-expiration', 'apns-collapse-id']),
    fail: why?.startsWith('the device') ? 400 : 403,
    failBody: JSON.stringify({ reason: why?.startsWith('the device') ? 'BadDeviceToken' : 'InvalidProviderToken' }),
    ok: [200, '', { 'apns-id': randomUUID() }] };
}
