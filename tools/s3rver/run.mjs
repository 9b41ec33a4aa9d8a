// Runs s3rver (npm, pinned in package.json), the S3-compatible server parley's S3 MediaStore is
// tested against, on 127.0.0.1 only. Prints the port it listens on, alone on a line, once
// it listens; stops on SIGTERM or SIGINT.
//
//   node tools/s3rver/run.mjs --dir DIR [--port N] [--bucket NAME]...
//
// --port 0 (the default) takes a free port. Each --bucket is created at start. Credentials:
// access key S3RVER, secret key S3RVER (s3rver's own).
//
// s3rver 3.7.1 parses a SigV4 Authorization header but never checks its signature, so this
// runner checks it before s3rver sees the request: a request that is unsigned or signed
// wrongly gets 403 SignatureDoesNotMatch, as from S3. (The payload hash is taken as sent.)
import { createHash, createHmac } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const S3rver = createRequire(import.meta.url)('s3rver');
const secrets = new Map([['S3RVER', 'S3RVER']]);

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    port: { type: 'string', default: '0' },
    bucket: { type: 'string', multiple: true, default: [] },
  },
});
if (!values.dir) {
  console.error('usage: node run.mjs --dir DIR [--port N] [--bucket NAME]...');
  process.exit(2);
}

const hmac = (key, data) => createHmac('sha256', key).update(data).digest();
const sha256 = data => createHash('sha256').update(data).digest('hex');

// Why the request's SigV4 signature is wrong, or null when it is right.
function signatureProblem(req) {
  const auth = req.headers['authorization'];
  if (!auth) return 'the request is not signed';
  const m = new RegExp('^AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/s3/aws4_request, *' +
    'SignedHeaders=([a-z0-9;-]+), *Signature=([0-9a-f]{64})$').exec(auth);
  if (!m) return 'malformed Authorization header';
  const [, key, day, region, signedHeaders, signature] = m;
  const secret = secrets.get(key);
  if (!secret) return `unknown access key ${key}`;
  const date = req.headers['x-amz-date'] ?? '';
  if (!date.startsWith(day)) return 'x-amz-date is not the day of the credential scope';
  const names = signedHeaders.split(';');
  if (!names.includes('host') || !names.includes('x-amz-date')) return 'host and x-amz-date must be signed';
  const [path, query = ''] = req.url.split('?');
  const canonicalQuery = query
    .split('&')
    .filter(Boolean)
    .map(p => (p.includes('=') ? p : `${p}=`))
    .sort()
    .join('&');
  const canonicalHeaders = names
    .map(n => `${n}:${String(req.headers[n] ?? '').trim().replace(/ +/g, ' ')}\n`)
    .join('');
  const canonical = [req.method, path, canonicalQuery, canonicalHeaders, signedHeaders,
    req.headers['x-amz-content-sha256'] ?? ''].join('\n');
  const scope = `${day}/${region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', date, scope, sha256(canonical)].join('\n');
  let k = hmac(`AWS4${secret}`, day);
  for (const part of [region, 's3', 'aws4_request']) k = hmac(k, part);
  return hmac(k, toSign).toString('hex') === signature ? null : 'the signature does not match';
}

mkdirSync(values.dir, { recursive: true });
const s3 = new S3rver({
  directory: values.dir,
  silent: true,
  configureBuckets: values.bucket.map(name => ({ name })),
});
await s3.configureBuckets();
const handle = s3.callback();

const server = http.createServer((req, res) => {
  const problem = signatureProblem(req);
  if (!problem) return handle(req, res);
  req.resume(); // read the body away, so the client hears the answer rather than a reset
  req.on('end', () => {
    res.writeHead(403, { 'content-type': 'application/xml' });
    res.end('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SignatureDoesNotMatch</Code>' +
      `<Message>${problem}</Message></Error>`);
  });
});
server.listen(Number(values.port), '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
