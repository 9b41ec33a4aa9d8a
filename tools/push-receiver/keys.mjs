// The receiver's keys and certificates: a test CA and a server certificate for 127.0.0.1 and
// localhost (made with the openssl CLI), an FCM service account and an APNs .p8 key.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const APNS_KEY_ID = 'KEYID12345';
export const APNS_TEAM_ID = 'TEAMID1234';
export const FCM_PROJECT = 'parley-test';

// ca.pem, server.pem and server.key in `dir`: made there, or copied from `caDir`.
export function makeCertificates(dir, caDir) {
  if (caDir) {
    for (const f of ['ca.pem', 'server.pem', 'server.key']) copyFileSync(join(caDir, f), join(dir, f));
    return;
  }
  const openssl = args => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '7',
    '-subj', '/CN=parley push receiver test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  openssl(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost']);
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' +
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n');
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
    '-out', 'server.pem', '-days', '7', '-extfile', 'server.ext']);
}

// DIR/fcm-service-account.json, as Google issues them, with token_uri on this receiver.
// Returns { account, publicKey }.
export function makeFcmAccount(dir, tokenUri) {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const account = {
    type: 'service_account',
    project_id: FCM_PROJECT,
    private_key_id: randomBytes(20).toString('hex'),
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
    client_email: `push@${FCM_PROJECT}.iam.gserviceaccount.com`,
    client_id: '100000000000000000001',
    token_uri: tokenUri,
  };
  writeFileSync(join(dir, 'fcm-service-account.json'), JSON.stringify(account, null, 2), { mode: 0o600 });
  return { account, publicKey };
}

// DIR/apns-key.p8 (PKCS#8 PEM, P-256), as Apple issues them. Returns its public key.
export function makeApnsKey(dir) {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  writeFileSync(join(dir, 'apns-key.p8'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return publicKey;
}
