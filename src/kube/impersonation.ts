/**
 * Impersonation (kubectl's `--as`, `--as-group`, `--as-uid`; a kubeconfig user's `as`,
 * `as-groups`, `as-uid`, `as-user-extra`; host variables `impersonate_*`): the identity the API
 * server authorises requests as, sent as `Impersonate-*` headers on every request. The caller's
 * own credentials must be allowed to `impersonate` (an admin token usually is).
 */
import { LoadError } from '../errors.ts';
import { isRecord } from './types.ts';

export interface Impersonation {
  user: string;
  groups: string[];
  uid: string | undefined;
  /** `Impersonate-Extra-<key>` values, e.g. `scopes: [view]`. */
  extra: Record<string, string[]>;
}

/** The parts given by one source; merged by `impersonation`. */
export interface ImpersonationInput {
  user?: string | undefined;
  groups?: string[] | undefined;
  uid?: string | undefined;
  extra?: Record<string, string[]> | undefined;
}

/**
 * The impersonation to use: host variables win field by field over the kubeconfig user's.
 * Groups, uid or extra without a user are refused, as the API server refuses them.
 */
export function impersonation(
  hostVars: ImpersonationInput,
  kubeconfig: ImpersonationInput,
  host: string,
): Impersonation | undefined {
  const user = hostVars.user ?? kubeconfig.user;
  const groups = hostVars.groups ?? kubeconfig.groups ?? [];
  const uid = hostVars.uid ?? kubeconfig.uid;
  const extra = kubeconfig.extra ?? {};
  if (user === undefined) {
    const stray = groups.length
      ? 'impersonate_groups (or as-groups)'
      : uid
        ? 'impersonate_uid (or as-uid)'
        : Object.keys(extra).length
          ? 'as-user-extra'
          : undefined;
    if (stray)
      throw new LoadError(
        `host '${host}': ${stray} needs a user to impersonate; set impersonate_user (or the kubeconfig user's as)`,
        { key: 'impersonate_user' },
      );
    return undefined;
  }
  return { user, groups, uid, extra };
}

/** Reads `as`, `as-groups`, `as-uid`, `as-user-extra` from a kubeconfig user's fields. */
export function kubeconfigImpersonation(user: Record<string, unknown>, label: string): ImpersonationInput {
  const fail = (key: string, what: string): never => {
    throw new LoadError(`${label}: ${key} must be ${what}`, { key: 'kubeconfig' });
  };
  const text = (key: string): string | undefined => {
    const value = user[key];
    if (value === undefined || value === null || value === '') return undefined;
    return typeof value === 'string' ? value : fail(key, 'a string');
  };
  const groups = user['as-groups'];
  if (groups !== undefined && groups !== null && !isStringList(groups))
    fail('as-groups', 'a list of strings');
  const extra = user['as-user-extra'];
  const extras: Record<string, string[]> = {};
  if (extra !== undefined && extra !== null) {
    if (!isRecord(extra)) fail('as-user-extra', 'a mapping of lists of strings');
    for (const [key, values] of Object.entries(extra as Record<string, unknown>)) {
      if (!isStringList(values)) fail(`as-user-extra.${key}`, 'a list of strings');
      extras[key] = values as string[];
    }
  }
  return {
    user: text('as'),
    groups: isStringList(groups) && groups.length ? groups : undefined,
    uid: text('as-uid'),
    extra: Object.keys(extras).length ? extras : undefined,
  };
}

/** The request headers for an impersonation (repeated headers as arrays). */
export function impersonationHeaders(who: Impersonation): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = { 'impersonate-user': who.user };
  if (who.groups.length) headers['impersonate-group'] = who.groups;
  if (who.uid) headers['impersonate-uid'] = who.uid;
  for (const [key, values] of Object.entries(who.extra))
    if (values.length) headers[`impersonate-extra-${escapeHeaderKey(key)}`] = values;
  return headers;
}

/** client-go's headerKeyEscape: bytes that are not HTTP token characters, and `%`, as %XX. */
export function escapeHeaderKey(key: string): string {
  let out = '';
  for (const byte of Buffer.from(key, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9!#$&'*+\-.^_`|~]/.test(char)
      ? char
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
