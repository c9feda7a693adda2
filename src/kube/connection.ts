/**
 * Connection settings of one host, resolved into what an HTTPS client needs: the server URL, a
 * bearer token or client certificate, and how to verify TLS. Reads token files, the token
 * environment variable and kubeconfig files (the inventory layer only normalises the variables).
 * Every token read is registered as a secret so renderers mask it.
 */
import { readFile } from 'node:fs/promises';
import { LoadError } from '../errors.ts';
import { parseProxyUrl, proxyEnvironment, proxyFor, ProxySettingError } from '../http/proxy.ts';
import { hostConnection } from '../inventory/connection.ts';
import type { HostConnection } from '../inventory/connection.ts';
import type { SecretRegistry } from '../model/module.ts';
import type { Vars } from '../model/vars.ts';
import type { ExecPlugin } from './exec-plugin.ts';
import { impersonation } from './impersonation.ts';
import type { Impersonation } from './impersonation.ts';
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
  /** client_cert_file / client_key_file (absolute), re-read by the transport when they change. */
  certFile?: string | undefined;
  keyFile?: string | undefined;
  /**
   * The kubeconfig user's exec plugin: its credential (re-run before it expires and after a
   * 401) replaces `token`, and `cert`/`key` when it prints a certificate.
   */
  exec?: ExecPlugin | undefined;
  /** Sent as Impersonate-* headers on every request. */
  impersonate?: Impersonation | undefined;
  /** The proxy every request to `server` goes through; undefined: direct. */
  proxy?: URL | undefined;
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
 * `token_file`, `token_env`, `kubeconfig` + `context`, `ca_file`, `insecure_skip_tls_verify`,
 * `client_cert_file`/`client_key_file`, `impersonate_*`. Explicit variables win over what the
 * kubeconfig context says (a token variable means the context's exec plugin is not run). The
 * proxy is the cluster's `proxy-url`, else HTTPS_PROXY/NO_PROXY of `env`. Throws LoadError (with
 * the variable as `key`) for missing files, unknown contexts, bad proxies or a host without a
 * cluster.
 */
export async function resolveConnection(
  vars: Vars,
  host: string,
  options: ResolveOptions = {},
): Promise<KubeConnection> {
  const conn = clusterConnection(vars, host);
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const keep = keeper(options.secrets);
  const explicit = await explicitToken(conn, env, cwd, host);
  const files = certificateFiles(conn, cwd);
  const kube = await kubeconfigSettings(conn, {
    cwd,
    host,
    explicitToken: explicit !== undefined || files !== undefined,
    exec: { onSecret: keep },
  });
  const token = explicit?.token ?? kube.token;
  keep(token);
  const server = serverOf(conn.apiUrl ?? kube.server, host);
  const pair = files
    ? await readCertificate(files, host, options.secrets)
    : { cert: kube.cert, key: kube.key };
  return {
    host,
    server,
    token,
    tokenFile: explicit?.file,
    onNewToken: keep,
    ca: await caOf(conn, cwd, host, kube.ca),
    ...pair,
    exec: kube.exec,
    impersonate: impersonation(
      { user: conn.impersonateUser, groups: conn.impersonateGroups, uid: conn.impersonateUid },
      kube.impersonation,
      host,
    ),
    proxy: proxyOf(server, kube.proxyUrl, env, host),
    servername: kube.servername,
    insecure: conn.insecureSkipTlsVerify || kube.insecure,
    credentials: explicit?.source ?? certificateSource(files) ?? kube.source,
    defaultNamespace: kube.namespace,
  };
}

/** Registers secrets read later (rotated tokens, new exec credentials) so renderers mask them. */
function keeper(secrets: SecretRegistry | undefined): (secret: string | undefined) => void {
  return (secret) => {
    if (secret) secrets?.add(secret);
  };
}

/** The host's connection variables, refusing a host without a cluster. */
function clusterConnection(vars: Vars, host: string): HostConnection {
  const conn = hostConnection(vars, host);
  if (!conn.hasCluster) {
    throw new LoadError(
      `host '${host}' has no cluster: set api_url (or clusterhost) and a token, or kubeconfig`,
      {
        key: 'api_url',
      },
    );
  }
  return conn;
}

function certificateSource(files: CertificateFiles | undefined): string | undefined {
  return files && `client certificate from client_cert_file '${files.certFile}'`;
}

/** ca_file, else the kubeconfig cluster's CA. */
async function caOf(
  conn: HostConnection,
  cwd: string,
  host: string,
  fallback: string | Buffer | undefined,
): Promise<string | Buffer | undefined> {
  return conn.caFile ? readText(resolvePath(conn.caFile, cwd), 'ca_file', host) : fallback;
}

interface CertificateFiles {
  certFile: string;
  keyFile: string;
}

function certificateFiles(conn: HostConnection, cwd: string): CertificateFiles | undefined {
  if (!conn.clientCertFile || !conn.clientKeyFile) return undefined;
  return { certFile: resolvePath(conn.clientCertFile, cwd), keyFile: resolvePath(conn.clientKeyFile, cwd) };
}

/** Reads client_cert_file and client_key_file; the key is registered as a secret. */
async function readCertificate(
  files: CertificateFiles,
  host: string,
  secrets: SecretRegistry | undefined,
): Promise<CertificateFiles & { cert: string; key: string }> {
  const key = await readText(files.keyFile, 'client_key_file', host);
  if (key.trim()) secrets?.add(key.trim());
  return { ...files, cert: await readText(files.certFile, 'client_cert_file', host), key };
}

/** The kubeconfig cluster's proxy-url (always used, as client-go does), else the environment's. */
function proxyOf(
  server: string,
  proxyUrl: string | undefined,
  env: NodeJS.ProcessEnv,
  host: string,
): URL | undefined {
  try {
    if (proxyUrl !== undefined)
      return parseProxyUrl(proxyUrl, `proxy-url of the kubeconfig cluster of host '${host}'`);
    return proxyFor(new URL(server), { environment: proxyEnvironment(env) });
  } catch (error) {
    if (!(error instanceof ProxySettingError)) throw error;
    const key = proxyUrl !== undefined ? 'kubeconfig' : error.setting;
    const where = proxyUrl !== undefined ? '' : ` (for host '${host}', ${server})`;
    throw new LoadError(`${error.message}${where}`, { key, cause: error });
  }
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
