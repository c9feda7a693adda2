/**
 * Credentials for the backup location: the Secret named by `credentials.secret` (read from the
 * new leader, else any reachable hub), else `credentials.file`, else the AWS_* environment.
 * Accepted keys: `aws_access_key_id`/`aws_secret_access_key` (any case; also `accessKey`/
 * `secretKey` and OADP's `cloud` ini), `token`, `username`/`password`. Every value is registered
 * as a secret so renderers mask it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { errorMessage, McsyncError } from '../errors.ts';
import type { KubeClient } from '../kube/index.ts';
import { isApiStatus, isRecord } from '../kube/index.ts';
import type { SecretRegistry } from '../model/module.ts';
import type { BackupLocation } from './types.ts';

export interface BackupCredentials {
  accessKeyId?: string | undefined;
  secretAccessKey?: string | undefined;
  sessionToken?: string | undefined;
  token?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
}

/** Reads the credentials; `clients` are tried in order for the Secret. */
export async function loadCredentials(
  location: BackupLocation,
  clients: readonly KubeClient[],
  options: { secrets?: SecretRegistry | undefined; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<BackupCredentials> {
  const values = location.secret
    ? await secretValues(location, clients)
    : location.credentialsFile
      ? await fileValues(path.resolve(options.cwd ?? process.cwd(), location.credentialsFile))
      : envValues(options.env ?? process.env);
  const creds = fromValues(values);
  for (const value of Object.values(creds)) if (value) options.secrets?.add(value);
  return creds;
}

async function secretValues(
  location: BackupLocation,
  clients: readonly KubeClient[],
): Promise<Record<string, string>> {
  const problems: string[] = [];
  for (const client of clients) {
    try {
      const secret = await client.get<unknown>(
        `/api/v1/namespaces/${location.secretNamespace}/secrets/${location.secret}`,
      );
      const data = isRecord(secret) && isRecord(secret['data']) ? secret['data'] : {};
      return Object.fromEntries(
        Object.entries(data).map(([k, v]) => [k, Buffer.from(String(v), 'base64').toString('utf8').trim()]),
      );
    } catch (error) {
      problems.push(`${client.host}: ${isApiStatus(error, 404) ? 'not found' : errorMessage(error)}`);
    }
  }
  throw new McsyncError(
    `backup_location.credentials.secret: cannot read Secret ${location.secretNamespace}/${location.secret} (${problems.join('; ')})`,
  );
}

async function fileValues(file: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new McsyncError(
      `backup_location.credentials.file: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? ''}`,
    );
  }
  if (/^\s*\[|^\s*[\w.-]+\s*=/m.test(text)) return iniValues(text);
  const parsed: unknown = parseYaml(text);
  return isRecord(parsed) ? Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)])) : {};
}

function envValues(env: NodeJS.ProcessEnv): Record<string, string> {
  const keys = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'];
  return Object.fromEntries(keys.filter((k) => env[k]).map((k) => [k, env[k] as string]));
}

/** `key = value` lines (sections ignored), as in ~/.aws/credentials or OADP's `cloud` key. */
function iniValues(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^\s*([\w.-]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (match) values[match[1] as string] = match[2] as string;
  }
  return values;
}

function fromValues(raw: Record<string, string>): BackupCredentials {
  const values: Record<string, string> = { ...(raw['cloud'] ? iniValues(raw['cloud']) : {}), ...raw };
  const pick = (...names: string[]): string | undefined => {
    for (const [key, value] of Object.entries(values)) {
      if (names.includes(key.toLowerCase().replace(/[-_]/g, ''))) return value;
    }
    return undefined;
  };
  return {
    accessKeyId: pick('awsaccesskeyid', 'accesskey', 'accesskeyid'),
    secretAccessKey: pick('awssecretaccesskey', 'secretkey', 'secretaccesskey'),
    sessionToken: pick('awssessiontoken', 'sessiontoken'),
    token: pick('token'),
    username: pick('username', 'user'),
    password: pick('password'),
  };
}
