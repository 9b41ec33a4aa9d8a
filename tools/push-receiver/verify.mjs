// The checks a real push service (and a browser) makes: JWTs (ES256, RS256), VAPID, RFC 8291
// aes128gcm decryption with the subscription's keys, and the webhook's HMAC signature.
// Each returns a reason when something is wrong, or null (decryption returns the plaintext).
import { createDecipheriv, createHmac, createPublicKey, timingSafeEqual, verify } from 'node:crypto';

const hmac = (key, ...data) => createHmac('sha256', key).update(Buffer.concat(data.map(d => Buffer.from(d)))).digest();

// { header, claims } of a compact JWT whose signature `key` verifies with `alg`, or a string.
export function checkJwt(jwt, key, alg) {
  const parts = String(jwt).split('.');
  if (parts.length !== 3) return 'not a compact JWT';
  let header, claims;
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url'));
    claims = JSON.parse(Buffer.from(parts[1], 'base64url'));
  } catch {
    return 'JWT header or claims are not JSON';
  }
  if (header.alg !== alg) return `JWT alg is ${header.alg}, not ${alg}`;
  const signature = Buffer.from(parts[2], 'base64url');
  if (alg === 'ES256' && signature.length !== 64) return 'ES256 signature is not 64 bytes (r || s)';
  const keyArg = alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key;
  if (!verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), keyArg, signature)) return 'JWT signature does not verify';
  return { header, claims };
}

export function p256PublicKey(point) {
  if (point.length !== 65 || point[0] !== 4) throw new Error('not an uncompressed P-256 point');
  const jwk = { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') };
  return createPublicKey({ key: jwk, format: 'jwk' });
}

// RFC 8292: Authorization: vapid t=<JWT>, k=<public key>; aud the origin, exp within 24 h.
export function vapidProblem(authorization, origin) {
  const m = /^vapid\s+(.*)$/i.exec(authorization ?? '');
  if (!m) return 'no "Authorization: vapid" header';
  const params = Object.fromEntries(m[1].split(',').map(p => p.trim().split('=')).filter(p => p.length === 2));
  if (!params.t || !params.k) return 'vapid header lacks t= or k=';
  let key;
  try {
    key = p256PublicKey(Buffer.from(params.k, 'base64url'));
  } catch (e) {
    return `k= is not a P-256 public key: ${e.message}`;
  }
  const jwt = checkJwt(params.t, key, 'ES256');
  if (typeof jwt === 'string') return jwt;
  const { aud, exp, sub } = jwt.claims;
  const now = Date.now() / 1000;
  if (aud !== origin) return `aud is ${aud}, not ${origin}`;
  if (!(exp > now && exp <= now + 86400)) return 'exp is not within the next 24 hours';
  if (!/^(mailto:|https:)/.test(sub ?? '')) return 'sub is not a mailto: or https: URL';
  return null;
}

// RFC 8291 §3.4 and RFC 8188 as the browser does them: { plaintext } or { why }.
export function decryptWebPush(body, sub) {
  if (body.length < 21 + 65 + 17) return { why: 'body too short for aes128gcm' };
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20];
  if (idlen !== 65) return { why: `keyid is ${idlen} bytes, not a 65-byte P-256 point` };
  const asPublic = body.subarray(21, 86);
  const sealed = body.subarray(86);
  if (sealed.length > rs) return { why: 'more than one record' };
  let secret;
  try {
    secret = sub.ecdh.computeSecret(asPublic);
  } catch {
    return { why: 'the sender key is not on P-256' };
  }
  const ikm = hmac(hmac(sub.auth, secret), 'WebPush: info\0', sub.publicKey, asPublic, [1]);
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, 'Content-Encoding: aes128gcm\0', [1]).subarray(0, 16);
  const nonce = hmac(prk, 'Content-Encoding: nonce\0', [1]).subarray(0, 12);
  let record;
  try {
    const d = createDecipheriv('aes-128-gcm', cek, nonce);
    d.setAuthTag(sealed.subarray(sealed.length - 16));
    record = Buffer.concat([d.update(sealed.subarray(0, sealed.length - 16)), d.final()]);
  } catch {
    return { why: 'aes128gcm decryption failed (wrong keys or a bad tag)' };
  }
  let end = record.length - 1;
  while (end >= 0 && record[end] === 0) end--;
  if (end < 0 || record[end] !== 2) return { why: 'the last record does not end in the 0x02 delimiter' };
  return { plaintext: record.subarray(0, end) };
}

// X-Parley-Signature: t=<unix s>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>, t within 5 minutes.
export function signatureProblem(header, body, secret) {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!m) return 'no well-formed X-Parley-Signature header';
  if (Math.abs(Date.now() / 1000 - Number(m[1])) > 300) return 'signature timestamp more than 5 minutes off';
  const want = hmac(secret, `${m[1]}.`, body);
  return timingSafeEqual(want, Buffer.from(m[2], 'hex')) ? null : 'signature does not match';
}
