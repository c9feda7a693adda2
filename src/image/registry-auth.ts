/**
 * Registry authentication (Docker registry v2 token flow): a 401 answer carries a
 * `WWW-Authenticate` challenge; `Basic` means send the credentials with every request, `Bearer`
 * means fetch a token from `realm` (with the credentials, for `service` and `scope`) and send it.
 */

/** Username and password (OpenShift: any user name with a token as the password). */
export interface RegistryCredentials {
  username: string;
  password: string;
}

/** One parsed challenge. */
export interface AuthChallenge {
  scheme: 'basic' | 'bearer';
  params: Record<string, string>;
}

/**
 * Parses the first Basic or Bearer challenge of a `WWW-Authenticate` header, e.g.
 * `Bearer realm="https://auth.example.com/token",service="registry",scope="repository:a/b:pull"`.
 * Undefined for anything else.
 */
export function parseChallenge(header: string | undefined): AuthChallenge | undefined {
  if (!header) return undefined;
  const match = /^\s*(basic|bearer)\b\s*(.*)$/i.exec(header);
  if (!match) return undefined;
  const scheme = (match[1] as string).toLowerCase() as AuthChallenge['scheme'];
  const params: Record<string, string> = {};
  const pair = /([a-zA-Z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  for (const m of (match[2] as string).matchAll(pair)) {
    params[(m[1] as string).toLowerCase()] = (m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1');
  }
  return { scheme, params };
}

/** `Basic base64(user:password)`. Holds the secret: never log it. */
export function basicHeader(credentials: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

/** The token URL of a bearer challenge for `scope` (the challenge's own scope wins). */
export function tokenUrl(challenge: AuthChallenge, scope: string): URL {
  const realm = challenge.params['realm'];
  if (!realm) throw new Error('the Bearer challenge names no realm');
  const url = new URL(realm);
  if (challenge.params['service']) url.searchParams.set('service', challenge.params['service']);
  url.searchParams.set('scope', challenge.params['scope'] ?? scope);
  return url;
}

/** The token of a token endpoint answer (`token`, or OAuth2's `access_token`). */
export function tokenFromBody(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  const token = record['token'] ?? record['access_token'];
  return typeof token === 'string' && token ? token : undefined;
}

/** The first `errors[].message` (or `code`) of a registry error body, for messages. */
export function registryErrorReason(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { errors?: { code?: string; message?: string }[] };
    const first = body.errors?.[0];
    return first?.message ?? first?.code;
  } catch {
    return undefined;
  }
}
