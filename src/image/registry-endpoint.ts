/**
 * Which registry a host (or an explicit `source:`/`destination:` argument) is and how to log in:
 * `registry` (host:port), `registry_ca_file`, `registry_insecure`, and one of
 * `registry_password`, `registry_password_file`, `registry_token` (with `registry_username`), or
 * else the host's cluster token as the password (OpenShift's registry accepts any user name with
 * a token). Every secret read is registered with the secret registry so renderers mask it.
 */
import { readFile } from 'node:fs/promises';
import { LoadError } from '../errors.ts';
import { hostConnection } from '../inventory/connection.ts';
import { resolveConnection, resolvePath } from '../kube/index.ts';
import type { ModuleContext } from '../model/module.ts';
import { getOrCreate, runCacheKey } from '../model/run-cache.ts';
import type { Vars } from '../model/vars.ts';
import type { RegistryCredentials } from './registry-auth.ts';
import type { RegistryEndpoint } from './registry-client.ts';

/** User name sent with a token when none is set (OpenShift ignores it). */
export const TOKEN_USER = 'mcsync';

/** An explicit registry (`source:` / `destination:` arguments), same meaning as the host variables. */
export interface RegistrySettings {
  registry: string;
  username?: string;
  password?: string;
  password_file?: string;
  token?: string;
  ca_file?: string;
  insecure?: boolean;
}

/** A registry endpoint plus the CA file path skopeo needs (`--*-cert-dir`). */
export interface ResolvedRegistry extends RegistryEndpoint {
  caFile: string | undefined;
}

/**
 * The registry of inventory host `host`, cached per run. Throws LoadError when the host has no
 * `registry` variable or names two passwords.
 */
export function hostRegistry(context: ModuleContext, host: string): Promise<ResolvedRegistry> {
  const key = runCacheKey<Promise<ResolvedRegistry>>(`image_copy:registry:${host}`);
  return getOrCreate(context.services.runCache, key, () => resolveHostRegistry(context, host));
}

async function resolveHostRegistry(context: ModuleContext, host: string): Promise<ResolvedRegistry> {
  const vars = host === context.host ? context.vars : context.inventory.hostVars(host);
  const conn = hostConnection(vars, host);
  if (!conn.registry) {
    throw new LoadError(`image_copy: host '${host}' has no registry variable (host:port of its registry)`, {
      key: 'registry',
    });
  }
  const settings: RegistrySettings = {
    registry: conn.registry.host,
    insecure: conn.registry.insecure,
    ...optional('username', conn.registry.username),
    ...optional('password_file', conn.registry.passwordFile),
    ...optional('ca_file', conn.registry.caFile),
    ...optional('password', text(vars, 'registry_password')),
    ...optional('token', text(vars, 'registry_token')),
  };
  const clusterToken =
    (settings.password ?? settings.password_file ?? settings.token)
      ? undefined
      : await clusterTokenOf(vars, host, context);
  return resolveRegistry(settings, `registry ${settings.registry} (host ${host})`, context, {
    prefix: 'registry_',
    clusterToken,
  });
}

/**
 * Resolves explicit settings (or a host's, normalised): reads the password file and the CA, picks
 * the credentials and registers them as secrets. `prefix` names the variables in messages.
 */
export async function resolveRegistry(
  settings: RegistrySettings,
  label: string,
  context: ModuleContext,
  options: { prefix?: string; clusterToken?: string | undefined } = {},
): Promise<ResolvedRegistry> {
  const prefix = options.prefix ?? '';
  const given = (['password', 'password_file', 'token'] as const).filter((k) => settings[k] !== undefined);
  if (given.length > 1) {
    throw new LoadError(`${label}: set only one of ${given.map((k) => prefix + k).join(' and ')}`, {
      key: prefix + (given[1] as string),
    });
  }
  const cwd = process.cwd();
  const caFile = settings.ca_file ? resolvePath(settings.ca_file, cwd) : undefined;
  if (caFile && settings.insecure) {
    throw new LoadError(`${label}: ${prefix}ca_file and ${prefix}insecure exclude each other; keep one`, {
      key: `${prefix}insecure`,
    });
  }
  const picked = await credentialsOf(settings, prefix, label, options.clusterToken);
  if (picked.credentials) {
    const { username, password } = picked.credentials;
    context.services.secrets?.add(password);
    context.services.secrets?.add(Buffer.from(`${username}:${password}`).toString('base64'));
  }
  return {
    host: settings.registry.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, ''),
    ca: caFile ? await readTextFile(caFile, `${prefix}ca_file`, label) : undefined,
    caFile,
    insecure: settings.insecure ?? false,
    credentials: picked.credentials,
    label,
    credentialSource: picked.source,
  };
}

async function credentialsOf(
  settings: RegistrySettings,
  prefix: string,
  label: string,
  clusterToken: string | undefined,
): Promise<{ credentials: RegistryCredentials | undefined; source: string }> {
  const user = settings.username;
  if (settings.password !== undefined) {
    return {
      credentials: { username: user ?? TOKEN_USER, password: settings.password },
      source: `${prefix}password`,
    };
  }
  if (settings.password_file !== undefined) {
    const file = resolvePath(settings.password_file, process.cwd());
    const password = (await readTextFile(file, `${prefix}password_file`, label)).trim();
    if (!password)
      throw new LoadError(`${label}: ${prefix}password_file ${file} is empty`, {
        key: `${prefix}password_file`,
      });
    return {
      credentials: { username: user ?? TOKEN_USER, password },
      source: `password from ${prefix}password_file`,
    };
  }
  if (settings.token !== undefined) {
    return {
      credentials: { username: user ?? TOKEN_USER, password: settings.token },
      source: `${prefix}token`,
    };
  }
  if (clusterToken) {
    return { credentials: { username: user ?? TOKEN_USER, password: clusterToken }, source: 'cluster token' };
  }
  return { credentials: undefined, source: 'no credentials' };
}

/** The host's cluster token (token, token_file, token_env, kubeconfig); undefined without a cluster. */
async function clusterTokenOf(vars: Vars, host: string, context: ModuleContext): Promise<string | undefined> {
  if (!hostConnection(vars, host).hasCluster) return undefined;
  const conn = await resolveConnection(vars, host, { secrets: context.services.secrets });
  return conn.token;
}

async function readTextFile(file: string, key: string, label: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : String(code);
    throw new LoadError(`${label}: ${key}: cannot read ${file}: ${why}`, { key, cause: error });
  }
}

function text(vars: Vars, key: string): string | undefined {
  const value = vars[key];
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
