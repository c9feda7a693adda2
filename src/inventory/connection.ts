/**
 * Connection variables: how a host's (already rendered) variables say which cluster and registry
 * it is. `clusterhost` is the PoC's name for `api_url` and still works. Nothing here reads files
 * or the environment: `token_file`, `token_env` and `kubeconfig` are resolved by the kube layer.
 */
import { LoadError } from '../errors.ts';
import type { Vars } from '../model/vars.ts';

/** Where a host's container registry is and how to trust and log in to it. */
export interface RegistryConnection {
  /** Registry host[:port] as given (a trailing slash removed), e.g. `registry.east.example.com`. */
  host: string;
  caFile: string | undefined;
  /** Plain HTTP or unverified TLS; default false. */
  insecure: boolean;
  /** Without username/password file the cluster token is the password, as on OpenShift. */
  username: string | undefined;
  passwordFile: string | undefined;
}

/** The normalised connection settings of one host. */
export interface HostConnection {
  /** `ansible_connection: local` (the implicit localhost has it). */
  local: boolean;
  /** True when the host names a cluster: `api_url`/`clusterhost`, `kubeconfig` or `context`. */
  hasCluster: boolean;
  /** API server URL; `https://` is added when no scheme is given (`east.example.com:8443`). */
  apiUrl: string | undefined;
  /** At most one of token, tokenFile, tokenEnv is set. */
  token: string | undefined;
  tokenFile: string | undefined;
  tokenEnv: string | undefined;
  kubeconfig: string | undefined;
  context: string | undefined;
  caFile: string | undefined;
  /** Default false; INI's 'true'/'false' strings are accepted. */
  insecureSkipTlsVerify: boolean;
  /** Client certificate and key (PEM files, both or neither), re-read when they change. */
  clientCertFile: string | undefined;
  clientKeyFile: string | undefined;
  /** Impersonation: the user, groups and uid requests act as (`Impersonate-*` headers). */
  impersonateUser: string | undefined;
  impersonateGroups: string[] | undefined;
  impersonateUid: string | undefined;
  registry: RegistryConnection | undefined;
}

/** Every variable `hostConnection` reads, for docs and for "did you mean" checks elsewhere. */
export const CONNECTION_VARS = [
  'api_url',
  'clusterhost',
  'token',
  'token_file',
  'token_env',
  'kubeconfig',
  'context',
  'ca_file',
  'insecure_skip_tls_verify',
  'client_cert_file',
  'client_key_file',
  'impersonate_user',
  'impersonate_groups',
  'impersonate_uid',
  'registry',
  'registry_ca_file',
  'registry_insecure',
  'registry_username',
  'registry_password',
  'registry_password_file',
  'registry_token',
] as const;

const TRUE = new Set(['true', 'yes', 'on', '1', 'y', 't']);
const FALSE = new Set(['false', 'no', 'off', '0', 'n', 'f', '']);

/**
 * Normalises a host's connection variables. Pass the host name so errors can name it. Throws a
 * LoadError (key = the variable) for a wrong type, two different URLs, or two token sources.
 */
export function hostConnection(vars: Vars, host?: string): HostConnection {
  const who = host === undefined ? '' : ` of host '${host}'`;
  const text = (key: string): string | undefined => optionalString(vars, key, who);
  const apiUrl = resolveApiUrl(text('api_url'), text('clusterhost'), who);
  const kubeconfig = text('kubeconfig');
  const context = text('context');
  const tokens = { token: text('token'), token_file: text('token_file'), token_env: text('token_env') };
  const given = Object.entries(tokens)
    .filter(([, value]) => value !== undefined)
    .map(([key]) => key);
  if (given.length > 1) {
    throw new LoadError(
      `connection variables${who} set ${given.join(' and ')}; set only one way to get the token`,
      {
        key: given[1],
      },
    );
  }
  const hasCluster = apiUrl !== undefined || kubeconfig !== undefined || context !== undefined;
  if (given.length === 1 && !hasCluster) {
    throw new LoadError(`${given[0]}${who} has no cluster to go with it; set api_url (or clusterhost) too`, {
      key: given[0],
    });
  }
  const caFile = text('ca_file');
  const insecureSkipTlsVerify = optionalBoolean(vars, 'insecure_skip_tls_verify', who);
  if (caFile !== undefined && insecureSkipTlsVerify) {
    throw new LoadError(`ca_file and insecure_skip_tls_verify: true${who} exclude each other; keep one`, {
      key: 'insecure_skip_tls_verify',
    });
  }
  const clientCert = clientCertificate(text('client_cert_file'), text('client_key_file'), who);
  const impersonateGroups = optionalList(vars, 'impersonate_groups', who);
  const clusterOnly = [
    clientCert.cert && 'client_cert_file',
    text('impersonate_user') && 'impersonate_user',
    impersonateGroups && 'impersonate_groups',
    text('impersonate_uid') && 'impersonate_uid',
  ].find(Boolean);
  if (clusterOnly && !hasCluster) {
    throw new LoadError(
      `${clusterOnly}${who} has no cluster to go with it; set api_url (or clusterhost) too`,
      {
        key: clusterOnly,
      },
    );
  }
  return {
    local: vars['ansible_connection'] === 'local',
    hasCluster,
    apiUrl,
    token: tokens.token,
    tokenFile: tokens.token_file,
    tokenEnv: tokens.token_env,
    kubeconfig,
    context,
    caFile,
    insecureSkipTlsVerify,
    clientCertFile: clientCert.cert,
    clientKeyFile: clientCert.key,
    impersonateUser: text('impersonate_user'),
    impersonateGroups,
    impersonateUid: text('impersonate_uid'),
    registry: registryConnection(vars, who),
  };
}

function resolveApiUrl(
  apiUrl: string | undefined,
  clusterhost: string | undefined,
  who: string,
): string | undefined {
  const url = apiUrl === undefined ? undefined : normaliseUrl(apiUrl, 'api_url', who);
  const alias = clusterhost === undefined ? undefined : normaliseUrl(clusterhost, 'clusterhost', who);
  if (url !== undefined && alias !== undefined && url !== alias) {
    throw new LoadError(
      `api_url (${url}) and its alias clusterhost (${alias})${who} differ; keep api_url and remove clusterhost`,
      { key: 'clusterhost' },
    );
  }
  return url ?? alias;
}

/** Adds `https://` when no scheme is given and drops a trailing slash. */
function normaliseUrl(value: string, key: string, who: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch (error) {
    throw new LoadError(`${key}${who} is not a URL: '${value}'; expected https://host:port`, {
      key,
      cause: error,
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new LoadError(`${key}${who} must be an http(s) URL, got '${value}'`, { key });
  }
  return withScheme.replace(/\/+$/, '');
}

function registryConnection(vars: Vars, who: string): RegistryConnection | undefined {
  const host = optionalString(vars, 'registry', who);
  const extras = CONNECTION_VARS.filter((key) => key.startsWith('registry_'));
  if (host === undefined) {
    const stray = extras.find((key) => vars[key] !== undefined && vars[key] !== null && vars[key] !== '');
    if (stray)
      throw new LoadError(`${stray}${who} is set but registry is not; set registry too`, { key: stray });
    return undefined;
  }
  return {
    host: host.replace(/\/+$/, ''),
    caFile: optionalString(vars, 'registry_ca_file', who),
    insecure: optionalBoolean(vars, 'registry_insecure', who),
    username: optionalString(vars, 'registry_username', who),
    passwordFile: optionalString(vars, 'registry_password_file', who),
  };
}

/** client_cert_file and client_key_file: both or neither. */
function clientCertificate(
  cert: string | undefined,
  key: string | undefined,
  who: string,
): { cert: string | undefined; key: string | undefined } {
  if ((cert === undefined) !== (key === undefined)) {
    const [given, missing] =
      cert === undefined ? ['client_key_file', 'client_cert_file'] : ['client_cert_file', 'client_key_file'];
    throw new LoadError(`${given}${who} is set but ${missing} is not; a client certificate needs both`, {
      key: missing,
    });
  }
  return { cert, key };
}

/** A list of strings: a YAML list, or a comma-separated string (INI); empty means unset. */
function optionalList(vars: Vars, key: string, who: string): string[] | undefined {
  const value = vars[key];
  if (value === undefined || value === null || value === '') return undefined;
  const items = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : undefined;
  if (!items || !items.every((item) => typeof item === 'string' || typeof item === 'number')) {
    throw new LoadError(`${key}${who} must be a list of names (or one comma-separated string)`, { key });
  }
  const names = items.map((item) => String(item).trim()).filter(Boolean);
  return names.length ? names : undefined;
}

/** A string variable; numbers are accepted as text, empty means unset. */
function optionalString(vars: Vars, key: string, who: string): string | undefined {
  const value = vars[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  if (typeof value === 'number') return String(value);
  throw new LoadError(
    `${key}${who} must be a string, got ${Array.isArray(value) ? 'a list' : typeof value}`,
    { key },
  );
}

/** A boolean variable: YAML booleans or Ansible's boolean strings (true/false, yes/no, on/off, 1/0). */
function optionalBoolean(vars: Vars, key: string, who: string): boolean {
  const value = vars[key];
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  const word = String(value).trim().toLowerCase();
  if (TRUE.has(word)) return true;
  if (FALSE.has(word)) return false;
  throw new LoadError(`${key}${who} must be true or false, got '${String(value)}'`, { key });
}
