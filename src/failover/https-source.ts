/**
 * A backup over HTTPS. The URL names one backup (a manifest file or a `.tar.gz`); HTTP has no
 * listing, so "the latest" is whatever the URL serves now: a file the backup job replaces, or a
 * fixed URL that redirects (301/302/303/307/308, up to 5 hops) to the newest backup. The backup
 * is then named by the final URL. The token or basic-auth header is sent only to the first
 * origin, never across a redirect to another one. TLS is always verified: with
 * `backup_location.ca_file` against that CA only, else against Node's default CAs; a certificate
 * that does not verify fails with what to do about it.
 */
import path from 'node:path';
import { McsyncError } from '../errors.ts';
import { httpRequest } from '../http/client.ts';
import { describeNetworkError } from '../http/errors.ts';
import type { BackupCredentials } from './credentials.ts';
import { isBackupFileName } from './manifests.ts';
import type { Backup } from './backup-source.ts';

const MAX_REDIRECTS = 5;
const TIMEOUT_MS = 60_000;

/** Fetches the backup the URL serves (after redirects). */
export async function fetchHttpsBackup(
  url: string,
  credentials: BackupCredentials,
  ca: string | Buffer | undefined,
): Promise<Backup> {
  const first = new URL(url);
  let target = first;
  const where = (): string => `${target.origin}${target.pathname}`;
  const auth = authorization(credentials);
  const answer = await httpRequest(first, {
    headers: auth ? { authorization: auth } : {},
    tls: { ca },
    timeoutMs: TIMEOUT_MS,
    redirect: { max: MAX_REDIRECTS, authorization: 'same-origin' },
    onRedirect: (next) => (target = next),
  }).catch((error: unknown) => {
    const tooMany = error instanceof Error && error.message === `more than ${MAX_REDIRECTS} redirects`;
    throw new McsyncError(
      tooMany
        ? `backup_location: GET ${first.href}: ${error.message}`
        : `backup_location: GET ${where()}: ${describeNetworkError(error, 'backup_location.ca_file')}`,
    );
  });
  if (answer.status < 200 || answer.status >= 300)
    throw new McsyncError(`backup_location: GET ${where()}: HTTP ${answer.status}`);
  const contentType = String(answer.headers['content-type'] ?? '');
  return { name: where(), files: [{ name: fileName(target, contentType), data: answer.body }] };
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
