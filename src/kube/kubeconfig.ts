/**
 * Reads one kubeconfig context with @kubernetes/client-node's KubeConfig (server, CA, client
 * certificate, token) — requests are made by mcsync's own client. What KubeConfig does not keep
 * is read from the YAML itself (kubeconfig-raw.ts): kubectl's `tokenFile`, the exec plugin (run
 * by mcsync's ExecPlugin, which runs it again before its token expires), impersonation
 * (`as-groups`, `as-uid`, `as-user-extra`) and the cluster's exec extension.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import type https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { LoadError, McsyncError } from '../errors.ts';
import type { HostConnection } from '../inventory/connection.ts';
import { didYouMean } from '../shared/did-you-mean.ts';
import type { ExecClusterInfo } from './exec-config.ts';
import { parseExecConfig } from './exec-config.ts';
import { ExecPlugin } from './exec-plugin.ts';
import type { ExecPluginOptions } from './exec-plugin.ts';
import { kubeconfigImpersonation } from './impersonation.ts';
import type { ImpersonationInput } from './impersonation.ts';
import { kubeconfigFiles, rawEntry } from './kubeconfig-raw.ts';
import type { RawEntry } from './kubeconfig-raw.ts';
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
  /** The user's exec plugin, already run once: token/cert/key above are its first answer. */
  exec: ExecPlugin | undefined;
  impersonation: ImpersonationInput;
  /** The cluster's `proxy-url` as written. */
  proxyUrl: string | undefined;
  /** The kubeconfig user's name, for messages. */
  user: string | undefined;
}

export interface KubeconfigOptions {
  cwd: string;
  /** The inventory host, for messages. */
  host: string;
  /** A token variable of the host wins: the user's exec plugin is not run. */
  explicitToken: boolean;
  /** Options of the ExecPlugin (onSecret registers each token it prints). */
  exec?: ExecPluginOptions;
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
  exec: undefined,
  impersonation: {},
  proxyUrl: undefined,
  user: undefined,
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

/** The selected context as both KubeConfig and the raw YAML see it. */
interface Selected {
  kc: KubeConfig;
  /** The kubeconfig given by the host (undefined: KUBECONFIG / ~/.kube/config). */
  file: string | undefined;
  contextName: string;
  user: string | undefined;
  namespace: string | undefined;
  /** The user's fields as written, and the file that defines the user. */
  userFields: Record<string, unknown>;
  userFile: string;
  rawCluster: Record<string, unknown> | undefined;
  /** `host 'east' (kubeconfig /x user 'admin')`. */
  label: string;
}

async function select(conn: HostConnection, options: KubeconfigOptions): Promise<Selected> {
  const { kc, file } = await loadKubeconfig(conn, options.cwd);
  const contextName = kc.getCurrentContext();
  const context = kc.getContextObject(contextName);
  const files = file === undefined ? kubeconfigFiles() : [file];
  const user = context?.user || undefined;
  const { rawUser, rawCluster } = await rawParts(files, user, context?.cluster);
  const userFields = rawUser?.entry['user'];
  return {
    kc,
    file,
    contextName,
    user,
    namespace: context?.namespace,
    userFields: isRecord(userFields) ? userFields : {},
    userFile: rawUser?.file ?? file ?? defaultKubeconfigFile(),
    rawCluster: rawCluster?.entry,
    label: `host '${options.host}' (kubeconfig ${file ?? '(default)'} user '${user ?? '?'}')`,
  };
}

async function rawParts(
  files: string[],
  user: string | undefined,
  cluster: string | undefined,
): Promise<{ rawUser: RawEntry | undefined; rawCluster: RawEntry | undefined }> {
  return {
    rawUser: user ? await rawEntry(files, 'users', user) : undefined,
    rawCluster: cluster ? await rawEntry(files, 'clusters', cluster) : undefined,
  };
}

/** CA, client certificate and static token as KubeConfig applies them (never the exec plugin). */
async function httpsOptions(selected: Selected): Promise<https.RequestOptions> {
  const opts: https.RequestOptions = {};
  try {
    await withoutExec(selected.kc, selected.user).applyToHTTPSOptions(opts);
  } catch (error) {
    throw new McsyncError(
      `kubeconfig context '${selected.contextName}': cannot get credentials: ${(error as Error).message}`,
      { key: 'kubeconfig', cause: error },
    );
  }
  return opts;
}

/** The user's exec plugin, unless the host gives its own credentials. */
function execPluginOf(
  selected: Selected,
  ca: string | Buffer | undefined,
  options: KubeconfigOptions,
): ExecPlugin | undefined {
  const exec = selected.userFields['exec'];
  if (exec === undefined || exec === null || options.explicitToken) return undefined;
  const config = parseExecConfig({
    exec,
    kubeconfigDir: path.dirname(selected.userFile),
    cluster: clusterInfo(selected.kc.getCurrentCluster(), ca, selected.rawCluster),
    label: selected.label,
  });
  return new ExecPlugin(config, options.exec);
}

/**
 * Reads server, credentials and TLS settings of the selected kubeconfig context. An exec plugin
 * is run once here (its first token is `token`, as a static one would be) and kept in `exec`.
 */
export async function kubeconfigSettings(
  conn: HostConnection,
  options: KubeconfigOptions,
): Promise<KubeconfigSettings> {
  if (conn.kubeconfig === undefined && conn.context === undefined) return NO_KUBECONFIG;
  const selected = await select(conn, options);
  const opts = await httpsOptions(selected);
  const cluster = selected.kc.getCurrentCluster();
  const ca = pem(opts.ca);
  const exec = execPluginOf(selected, ca, options);
  const first = await exec?.get();
  const cert = first?.cert
    ? { cert: first.cert, key: first.key }
    : { cert: pem(opts.cert), key: pem(opts.key) };
  return {
    server: cluster?.server,
    token: first?.token ?? (await staticToken(selected, opts)),
    ca,
    ...cert,
    servername: typeof opts.servername === 'string' ? opts.servername : undefined,
    insecure: opts.rejectUnauthorized === false,
    namespace: selected.namespace,
    source: `kubeconfig ${selected.file ?? '(default)'} context '${selected.contextName}' user '${selected.user ?? '?'}'${exec ? ' (exec plugin)' : ''}`,
    exec,
    impersonation: kubeconfigImpersonation(selected.userFields, selected.label),
    proxyUrl: cluster?.proxyUrl || undefined,
    user: selected.user,
  };
}

/** The user's `token` as KubeConfig applied it, else its `tokenFile`. */
async function staticToken(selected: Selected, opts: https.RequestOptions): Promise<string | undefined> {
  const auth = headerOf(opts.headers, 'authorization');
  if (auth?.toLowerCase().startsWith('bearer ')) return auth.slice(7).trim();
  return userTokenFile(selected.userFile, selected.user, selected.userFields);
}

/**
 * The same configuration without the current user's exec block, so KubeConfig applies CA,
 * certificates and tokens without running the plugin itself (ExecPlugin runs it).
 */
function withoutExec(kc: KubeConfig, user: string | undefined): KubeConfig {
  const current = kc.getCurrentUser();
  if (!current?.exec || user === undefined) return kc;
  const copy = new (kc.constructor as typeof KubeConfig)();
  copy.loadFromOptions({
    clusters: kc.getClusters(),
    contexts: kc.getContexts(),
    users: kc.getUsers().map((u) => (u.name === user ? { ...u, exec: undefined } : u)),
    currentContext: kc.getCurrentContext(),
  });
  return copy;
}

/** KUBERNETES_EXEC_INFO's spec.cluster (client-go's clientauthentication Cluster). */
function clusterInfo(
  cluster: ReturnType<KubeConfig['getCurrentCluster']>,
  ca: string | Buffer | undefined,
  raw: Record<string, unknown> | undefined,
): ExecClusterInfo {
  const fields = raw && isRecord(raw['cluster']) ? raw['cluster'] : {};
  const extensions = Array.isArray(fields['extensions']) ? fields['extensions'].filter(isRecord) : [];
  const config = extensions.find((e) => e['name'] === 'client.authentication.k8s.io/exec')?.['extension'];
  return {
    server: cluster?.server ?? '',
    ...(cluster?.tlsServerName && { 'tls-server-name': cluster.tlsServerName }),
    ...(cluster?.skipTLSVerify && { 'insecure-skip-tls-verify': true }),
    ...(ca !== undefined && { 'certificate-authority-data': Buffer.from(ca).toString('base64') }),
    ...(cluster?.proxyUrl && { 'proxy-url': cluster.proxyUrl }),
    ...(config !== undefined && { config }),
  };
}

/** The first file of KUBECONFIG, else ~/.kube/config. */
function defaultKubeconfigFile(): string {
  return kubeconfigFiles()[0] ?? path.join(homedir(), '.kube', 'config');
}

/**
 * kubectl's `users[].user.tokenFile` (relative to the kubeconfig's directory), read and trimmed;
 * undefined when the user has none.
 */
async function userTokenFile(
  kubeconfig: string,
  user: string | undefined,
  fields: Record<string, unknown>,
): Promise<string | undefined> {
  if (!user) return undefined;
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
