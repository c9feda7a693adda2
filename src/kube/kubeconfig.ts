/**
 * Reads one kubeconfig context with @kubernetes/client-node's KubeConfig (server, CA, client
 * certificate, token, exec plugins) — requests are made by mcsync's own client. kubectl's
 * `tokenFile` user field, which KubeConfig does not read, is read here.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import type https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { LoadError, McsyncError } from '../errors.ts';
import type { HostConnection } from '../inventory/connection.ts';
import { didYouMean } from '../load/did-you-mean.ts';
import { resolvePath } from './local-path.ts';
import { isRecord } from './types.ts';

export interface KubeconfigSettings {
  server: string | undefined;
  token: string | undefined;
  ca: string | Buffer | undefined;
  cert: string | Buffer | undefined;
  key: string | Buffer | undefined;
  servername: string | undefined;
  insecure: boolean;
  namespace: string | undefined;
  source: string;
}

const NO_KUBECONFIG: KubeconfigSettings = {
  server: undefined,
  token: undefined,
  ca: undefined,
  cert: undefined,
  key: undefined,
  servername: undefined,
  insecure: false,
  namespace: undefined,
  source: 'no credentials (anonymous)',
};

/**
 * @kubernetes/client-node, imported only when a kubeconfig is used: loading it costs about 90 MB of
 * RSS and a few hundred milliseconds, which inventory hosts with `api_url` and a token never need.
 */
export async function loadKubeConfigModule(): Promise<{ KubeConfig: typeof KubeConfig }> {
  const { KubeConfig: loaded } = await import('@kubernetes/client-node');
  return { KubeConfig: loaded };
}

/** Loads kubeconfig (the given file, else KUBECONFIG / ~/.kube/config) and selects the context. */
async function loadKubeconfig(
  conn: HostConnection,
  cwd: string,
): Promise<{ kc: KubeConfig; file: string | undefined }> {
  const { KubeConfig } = await loadKubeConfigModule();
  const kc = new KubeConfig();
  const file = conn.kubeconfig === undefined ? undefined : resolvePath(conn.kubeconfig, cwd);
  try {
    if (file === undefined) kc.loadFromDefault();
    else kc.loadFromFile(file);
  } catch (error) {
    const what = file ?? 'the default kubeconfig';
    throw new LoadError(`cannot load kubeconfig ${what}: ${(error as Error).message}`, {
      key: 'kubeconfig',
      cause: error,
    });
  }
  if (conn.context !== undefined) {
    const names = kc.getContexts().map((c) => c.name);
    if (!names.includes(conn.context)) {
      throw new LoadError(
        `context '${conn.context}' is not in kubeconfig ${file ?? '(default)'}${didYouMean(conn.context, names)}; it has: ${names.join(', ') || 'no contexts'}`,
        { key: 'context' },
      );
    }
    kc.setCurrentContext(conn.context);
  }
  return { kc, file };
}

/** Reads server, credentials and TLS settings of the selected kubeconfig context. */
export async function kubeconfigSettings(conn: HostConnection, cwd: string): Promise<KubeconfigSettings> {
  if (conn.kubeconfig === undefined && conn.context === undefined) return NO_KUBECONFIG;
  const { kc, file } = await loadKubeconfig(conn, cwd);
  const opts: https.RequestOptions = {};
  try {
    await kc.applyToHTTPSOptions(opts);
  } catch (error) {
    throw new McsyncError(
      `kubeconfig context '${kc.getCurrentContext()}': cannot get credentials: ${(error as Error).message}`,
      {
        key: 'kubeconfig',
        cause: error,
      },
    );
  }
  const auth = headerOf(opts.headers, 'authorization');
  const context = kc.getContextObject(kc.getCurrentContext());
  const token = auth?.toLowerCase().startsWith('bearer ')
    ? auth.slice(7).trim()
    : await userTokenFile(file ?? defaultKubeconfigFile(), context?.user);
  return {
    server: kc.getCurrentCluster()?.server,
    token,
    ca: pem(opts.ca),
    cert: pem(opts.cert),
    key: pem(opts.key),
    servername: typeof opts.servername === 'string' ? opts.servername : undefined,
    insecure: opts.rejectUnauthorized === false,
    namespace: context?.namespace,
    source: `kubeconfig ${file ?? '(default)'} context '${kc.getCurrentContext()}' user '${context?.user ?? '?'}'`,
  };
}

/** The first file of KUBECONFIG, else ~/.kube/config. */
function defaultKubeconfigFile(): string {
  const first = process.env['KUBECONFIG']?.split(path.delimiter).find(Boolean);
  return first ?? path.join(homedir(), '.kube', 'config');
}

/**
 * kubectl's `users[].user.tokenFile` (relative to the kubeconfig's directory), read and trimmed;
 * undefined when the user has none.
 */
async function userTokenFile(kubeconfig: string, user: string | undefined): Promise<string | undefined> {
  if (!user) return undefined;
  let doc: unknown;
  try {
    doc = parse(await readFile(kubeconfig, 'utf8'));
  } catch {
    return undefined;
  }
  const users = isRecord(doc) && Array.isArray(doc['users']) ? doc['users'].filter(isRecord) : [];
  const entry = users.find((u) => u['name'] === user);
  const fields = entry && isRecord(entry['user']) ? entry['user'] : {};
  const tokenFile = fields['tokenFile'] ?? fields['token-file'];
  if (typeof tokenFile !== 'string' || !tokenFile) return undefined;
  const resolved = path.resolve(path.dirname(kubeconfig), tokenFile);
  try {
    return (await readFile(resolved, 'utf8')).trim() || undefined;
  } catch (error) {
    throw new LoadError(`kubeconfig ${kubeconfig} user '${user}': cannot read tokenFile ${resolved}`, {
      key: 'kubeconfig',
      cause: error,
    });
  }
}

function headerOf(headers: https.RequestOptions['headers'], name: string): string | undefined {
  if (!headers || Array.isArray(headers)) return undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name && typeof value === 'string') return value;
  }
  return undefined;
}

function pem(value: unknown): string | Buffer | undefined {
  return typeof value === 'string' || Buffer.isBuffer(value) ? value : undefined;
}
