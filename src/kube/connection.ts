/**
 * Connection settings of one host, resolved into what an HTTPS client needs: the server URL, a
 * bearer token or client certificate, and how to verify TLS. Reads token files, the token
 * environment variable and kubeconfig files (the inventory layer only normalises the variables).
 * Every token read is registered as a secret so renderers mask it.
 */
import { readFile } from 'node:fs/promises';
import { LoadError } from '../errors.ts';
import { hostConnection } from '../inventory/connection.ts';
import type { HostConnection } from '../inventory/connection.ts';
import type { SecretRegistry } from '../model/module.ts';
import type { Vars } from '../model/vars.ts';
import { kubeconfigSettings } from './kubeconfig.ts';
import { resolvePath } from './local-path.ts';

export { resolvePath };

/** Everything a client needs to talk to one cluster. Holds secrets: never log or print it. */
export interface KubeConnection {
  /** Inventory host name. */
  host: string;
  /** API server base URL without a trailing slash, e.g. `https://127.0.0.1:6443`. */
  server: string;
  /** Bearer token (already trimmed); undefined with client certificates or anonymous access. */
  token: string | undefined;
  /** The token file it was read from (absolute), re-read by the transport when it changes. */
  tokenFile?: string | undefined;
  /** Registers a token read later from `tokenFile` as a secret (masked in output). */
  onNewToken?: ((token: string) => void) | undefined;
  /** PEM trust anchors; undefined means Node's default CA store. */
  ca: string | Buffer | undefined;
  cert: string | Buffer | undefined;
  key: string | Buffer | undefined;
  /** TLS server name override from kubeconfig (`tls-server-name`). */
  servername: string | undefined;
  /** True only with `insecure_skip_tls_verify: true` (or kubeconfig's insecure-skip-tls-verify). */
  insecure: boolean;
  /** Where the credentials come from, for error messages: `token from token_file '/x'`. */
  credentials: string;
  /** The kubeconfig context's namespace, if any. */
  defaultNamespace: string | undefined;
}

export interface ResolveOptions {
  /** Where every token read is registered (context.services.secrets). */
  secrets?: SecretRegistry | undefined;
  /** Environment that `token_env` reads (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Directory relative files resolve against (default process.cwd()). */
  cwd?: string;
}

/**
 * Resolves the connection of `host` from its variables: `api_url`/`clusterhost`, `token`,
 * `token_file`, `token_env`, `kubeconfig` + `context`, `ca_file`, `insecure_skip_tls_verify`.
 * Explicit variables win over what the kubeconfig context says. Throws LoadError (with the
 * variable as `key`) for missing files, unknown contexts or a host without a cluster.
 */
export async function resolveConnection(
  vars: Vars,
  host: string,
  options: ResolveOptions = {},
): Promise<KubeConnection> {
  const conn = hostConnection(vars, host);
  if (!conn.hasCluster) {
    throw new LoadError(
      `host '${host}' has no cluster: set api_url (or clusterhost) and a token, or kubeconfig`,
      {
        key: 'api_url',
      },
    );
  }
  const cwd = options.cwd ?? process.cwd();
  const kube = await kubeconfigSettings(conn, cwd);
  const explicit = await explicitToken(conn, options.env ?? process.env, cwd, host);
  const token = explicit?.token ?? kube.token;
  if (token) options.secrets?.add(token);
  return {
    host,
    server: serverOf(conn.apiUrl ?? kube.server, host),
    token,
    tokenFile: explicit?.file,
    onNewToken: (next) => options.secrets?.add(next),
    ca: conn.caFile ? await readText(resolvePath(conn.caFile, cwd), 'ca_file', host) : kube.ca,
    cert: kube.cert,
    key: kube.key,
    servername: kube.servername,
    insecure: conn.insecureSkipTlsVerify || kube.insecure,
    credentials: explicit?.source ?? kube.source,
    defaultNamespace: kube.namespace,
  };
}

function serverOf(server: string | undefined, host: string): string {
  if (!server)
    throw new LoadError(`host '${host}': the kubeconfig context has no cluster server; set api_url`, {
      key: 'api_url',
    });
  return server.replace(/\/+$/, '');
}

async function explicitToken(
  conn: HostConnection,
  env: NodeJS.ProcessEnv,
  cwd: string,
  host: string,
): Promise<{ token: string; source: string; file?: string } | undefined> {
  if (conn.token !== undefined) return { token: conn.token, source: 'the inline token variable' };
  if (conn.tokenFile !== undefined) {
    const file = resolvePath(conn.tokenFile, cwd);
    const token = (await readText(file, 'token_file', host)).trim();
    if (!token) throw new LoadError(`token_file of host '${host}' (${file}) is empty`, { key: 'token_file' });
    return { token, source: `token from token_file '${file}'`, file };
  }
  if (conn.tokenEnv !== undefined) {
    const token = env[conn.tokenEnv]?.trim();
    if (!token) {
      throw new LoadError(`token_env of host '${host}' names ${conn.tokenEnv}, which is not set or empty`, {
        key: 'token_env',
      });
    }
    return { token, source: `token from environment variable ${conn.tokenEnv}` };
  }
  return undefined;
}

/** Reads a file named by connection variable `key`; a LoadError names the variable and the host. */
export async function readText(file: string, key: string, host: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : String(code ?? error);
    throw new LoadError(`${key} of host '${host}': cannot read ${file}: ${why}`, { key, cause: error });
  }
}
