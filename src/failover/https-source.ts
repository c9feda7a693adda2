/**
 * A backup over HTTPS. The URL names one backup (a manifest file or a `.tar.gz`); HTTP has no
 * listing, so "the latest" is whatever the URL serves now: a file the backup job replaces, or a
 * fixed URL that redirects (301/302/303/307/308, up to 5 hops) to the newest backup. The backup
 * is then named by the final URL. The token or basic-auth header is sent only to the first
 * origin, never across a redirect to another one. TLS is always verified: with
 * `backup_location.ca_file` against that CA only, else against Node's default CAs; a certificate
 * that does not verify fails with what to do about it.
 */
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { McsyncError } from '../errors.ts';
import type { BackupCredentials } from './credentials.ts';
import { isBackupFileName } from './manifests.ts';
import type { Backup } from './backup-source.ts';

const MAX_REDIRECTS = 5;
const TIMEOUT_MS = 60_000;

interface Answer {
  status: number;
  location: string | undefined;
  contentType: string;
  body: Buffer;
}

/** Fetches the backup the URL serves (after redirects). */
export async function fetchHttpsBackup(
  url: string,
  credentials: BackupCredentials,
  ca: string | Buffer | undefined,
): Promise<Backup> {
  const first = new URL(url);
  let target = first;
  for (let hop = 0; ; hop++) {
    const where = `${target.origin}${target.pathname}`;
    const auth = target.origin === first.origin ? authorization(credentials) : undefined;
    const answer = await get(target, auth, ca).catch((error: unknown) => {
      throw new McsyncError(`backup_location: GET ${where}: ${describeFailure(error)}`);
    });
    if (answer.status >= 300 && answer.status < 400 && answer.location) {
      if (hop >= MAX_REDIRECTS)
        throw new McsyncError(`backup_location: GET ${first.href}: more than ${MAX_REDIRECTS} redirects`);
      target = new URL(answer.location, target);
      continue;
    }
    if (answer.status < 200 || answer.status >= 300)
      throw new McsyncError(`backup_location: GET ${where}: HTTP ${answer.status}`);
    return { name: where, files: [{ name: fileName(target, answer.contentType), data: answer.body }] };
  }
}

function authorization(credentials: BackupCredentials): string | undefined {
  if (credentials.token) return `Bearer ${credentials.token}`;
  if (credentials.username === undefined) return undefined;
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password ?? ''}`).toString('base64')}`;
}

/** The file name manifests.ts reads it as: the URL's, else guessed from the content type. */
function fileName(target: URL, contentType: string): string {
  const base = path.posix.basename(target.pathname) || 'backup';
  if (isBackupFileName(base)) return base;
  return /gzip|tar/.test(contentType) ? `${base}.tar.gz` : `${base}.yaml`;
}

function get(target: URL, auth: string | undefined, ca: string | Buffer | undefined): Promise<Answer> {
  const lib = target.protocol === 'http:' ? http : https;
  const headers: Record<string, string> = auth ? { authorization: auth } : {};
  return new Promise((resolve, reject) => {
    const req = lib.get(target, { headers, ...(ca ? { ca } : {}), timeout: TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          location: res.headers.location,
          contentType: String(res.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks),
        }),
      );
    });
    req.on('timeout', () => req.destroy(new Error(`no answer in ${TIMEOUT_MS / 1000} s`)));
    req.on('error', reject);
  });
}

const UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
]);

/** A network or TLS failure in words that say what to change. */
export function describeFailure(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  const message = e instanceof Error ? e.message : String(error);
  // Node adds a hint about --use-system-ca that does not apply to a private CA.
  if (e.code && UNTRUSTED.has(e.code))
    return `the server's TLS certificate is not trusted (${message.split(';')[0]}); set backup_location.ca_file to the PEM of the CA that signed it`;
  if (e.code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return `the server's TLS certificate is not for this host (${message})`;
  if (e.code === 'CERT_HAS_EXPIRED' || e.code === 'CERT_NOT_YET_VALID')
    return `the server's TLS certificate is not valid now (${message})`;
  return message;
}
