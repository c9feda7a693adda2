import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { run } from './exec.ts';

/** Identities every sandbox cluster knows, by static bearer token. */
export const ADMIN_USER = 'admin';
/** The restricted identity: bound to the `view` ClusterRole, for permission tests. */
export const VIEWER_USER = 'viewer';
/** Registry login; the password is random per cluster. */
export const REGISTRY_USER = 'mcsync';

/** A random secret safe to put in CSV, YAML and URLs. */
export function randomSecret(): string {
  return randomBytes(24).toString('hex');
}

async function readOrCreate(file: string): Promise<string> {
  try {
    const text = (await readFile(file, 'utf8')).trim();
    if (text) return text;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomSecret();
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** Paths of the secret files of one cluster. */
export interface SecretFiles {
  adminToken: string;
  viewerToken: string;
  tokensCsv: string;
  registryPassword: string;
  registryHtpasswd: string;
  registryEventsToken: string;
}

/**
 * Creates (once) the admin and viewer tokens, the kube-apiserver static token
 * CSV, the registry's bcrypt htpasswd file and the token of its push notifications. Secrets live in files of mode
 * 0600 and are reused on later `up`s, so inventories and kubeconfigs stay valid.
 */
export async function ensureSecrets(files: SecretFiles): Promise<void> {
  const admin = await readOrCreate(files.adminToken);
  const viewer = await readOrCreate(files.viewerToken);
  const csv = `${admin},${ADMIN_USER},uid-admin,"system:masters"\n${viewer},${VIEWER_USER},uid-viewer\n`;
  await writeFile(files.tokensCsv, csv, { mode: 0o600 });
  const password = await readOrCreate(files.registryPassword);
  const { stdout } = await run('htpasswd', ['-Bbn', REGISTRY_USER, password]);
  await writeFile(files.registryHtpasswd, `${stdout.trim()}\n`, { mode: 0o600 });
  await readOrCreate(files.registryEventsToken);
}

/** Reads a token or password file written by ensureSecrets. */
export async function readSecret(file: string): Promise<string> {
  return (await readFile(file, 'utf8')).trim();
}
