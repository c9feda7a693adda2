/**
 * A small Docker registry v2 client: HEAD/GET manifests (OCI and Docker media types) and GET
 * blobs, with Basic or Bearer authentication negotiated from the 401 challenge, TLS verified
 * against the endpoint's CA (unverified only when the endpoint is insecure). One keep-alive agent
 * per client: call `close()` when done.
 */
import { createHash } from 'node:crypto';
import { http } from '../shared/node-http.ts';
import type { IncomingHttpHeaders } from 'node:http';
import { HttpClient } from '../http/client.ts';
import type { HttpResponse, RedirectPolicy } from '../http/client.ts';
import type { AuthChallenge, RegistryCredentials } from './registry-auth.ts';
import {
  basicHeader,
  parseChallenge,
  registryErrorReason,
  tokenFromBody,
  tokenUrl,
} from './registry-auth.ts';
import { RegistryError, transportError } from './registry-errors.ts';

export { RegistryError };

/** Media types asked for: single images and lists, OCI and Docker. */
export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/** Where a registry is and how to trust and log in to it. Holds secrets: never print it. */
export interface RegistryEndpoint {
  /** host[:port] */
  host: string;
  /** PEM trust anchors; undefined: Node's default CA store. */
  ca: string | undefined;
  /** Unverified TLS (and plain HTTP if TLS fails); only with `registry_insecure: true`. */
  insecure: boolean;
  credentials: RegistryCredentials | undefined;
  /** For messages: `registry 127.0.0.1:5000 (host west)`. */
  label: string;
  /** Where the credentials come from, for messages (never the value). */
  credentialSource: string;
}

/** What a manifest request tells: its digest and media type (and the body for GET). */
export interface ManifestInfo {
  digest: string;
  mediaType: string;
}

export interface Manifest extends ManifestInfo {
  body: Buffer;
}

type Raw = HttpResponse;

/** Blob downloads may redirect to storage: follow, without the registry's authorization. */
const REDIRECTS: RedirectPolicy = { max: 5, authorization: 'never', beyondMax: 'return' };

/** See the file comment. */
export class RegistryClient {
  readonly endpoint: RegistryEndpoint;
  readonly #http: HttpClient;
  readonly #timeoutMs: number;
  /** Authorization header per scope (`repository:demo/app:pull`); `*` for Basic. */
  readonly #auth = new Map<string, Promise<string | undefined>>();
  #scheme: 'https' | 'http' = 'https';

  constructor(endpoint: RegistryEndpoint, options: { timeoutMs?: number } = {}) {
    this.endpoint = endpoint;
    this.#timeoutMs = options.timeoutMs ?? 15_000;
    this.#http = new HttpClient({ ca: endpoint.ca, insecure: endpoint.insecure, maxSockets: 16 });
  }

  /** HEAD of a manifest; undefined when the registry has no such manifest (404). */
  async headManifest(repository: string, reference: string): Promise<ManifestInfo | undefined> {
    const res = await this.#manifest('HEAD', repository, reference);
    if (!res) return undefined;
    const digest = header(res.headers, 'docker-content-digest');
    if (digest) return { digest, mediaType: bareType(header(res.headers, 'content-type')) };
    return this.getManifest(repository, reference);
  }

  /** GET of a manifest with its body; the digest is Docker-Content-Digest or sha256 of the body. */
  async getManifest(repository: string, reference: string): Promise<Manifest | undefined> {
    const res = await this.#manifest('GET', repository, reference);
    if (!res) return undefined;
    const digest =
      header(res.headers, 'docker-content-digest') ??
      `sha256:${createHash('sha256').update(res.body).digest('hex')}`;
    return { digest, mediaType: mediaTypeOf(res), body: res.body };
  }

  /** GET of a blob (follows redirects to storage); throws when it is missing. */
  async getBlob(repository: string, digest: string): Promise<Buffer> {
    const res = await this.#authorized('GET', `/v2/${repository}/blobs/${digest}`, repository, {});
    if (res.status !== 200) throw this.#error(res, `GET blob ${digest} of ${repository}`);
    return res.body;
  }

  /** Closes the keep-alive sockets. */
  close(): void {
    this.#http.close();
  }

  async #manifest(method: string, repository: string, reference: string): Promise<Raw | undefined> {
    const path = `/v2/${repository}/manifests/${reference}`;
    const res = await this.#authorized(method, path, repository, { accept: MANIFEST_ACCEPT });
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw this.#error(res, `${method} manifest ${repository}:${reference}`);
    return res;
  }

  /** Sends with the cached authorization; on 401 answers the challenge once and resends. */
  async #authorized(
    method: string,
    path: string,
    repository: string,
    headers: Record<string, string>,
  ): Promise<Raw> {
    const scope = `repository:${repository}:pull`;
    const cached = await (this.#auth.get(scope) ?? this.#auth.get('*'));
    let res = await this.#send(method, path, withAuth(headers, cached));
    if (res.status !== 401) return res;
    const challenge = parseChallenge(header(res.headers, 'www-authenticate'));
    if (!challenge || !this.endpoint.credentials) return res;
    const key = challenge.scheme === 'basic' ? '*' : scope;
    const pending = this.#answer(challenge, scope);
    this.#auth.set(key, pending);
    pending.catch(() => this.#auth.delete(key));
    res = await this.#send(method, path, withAuth(headers, await pending));
    return res;
  }

  async #answer(challenge: AuthChallenge, scope: string): Promise<string | undefined> {
    const credentials = this.endpoint.credentials;
    if (!credentials) return undefined;
    if (challenge.scheme === 'basic') return basicHeader(credentials);
    const url = tokenUrl(challenge, scope);
    const res = await this.#send(
      'GET',
      url.pathname + url.search,
      { authorization: basicHeader(credentials) },
      url,
    );
    if (res.status !== 200) throw this.#error(res, 'token request');
    const token = tokenFromBody(parseJson(res.body));
    if (!token)
      throw new RegistryError(`${this.endpoint.label}: the token endpoint ${url.origin} returned no token`);
    return `Bearer ${token}`;
  }

  #error(res: Raw, what: string): RegistryError {
    const reason = registryErrorReason(res.body.toString('utf8')) ?? http.STATUS_CODES[res.status] ?? '';
    const who = this.endpoint.label;
    if (res.status === 401) {
      const how = this.endpoint.credentials
        ? `authentication failed with the ${this.endpoint.credentialSource}`
        : 'authentication required and no credentials are set';
      return new RegistryError(`${who}: ${how} (${what}: 401 ${reason})`, { status: 401 });
    }
    if (res.status === 403)
      return new RegistryError(`${who}: access denied (${what}: 403 ${reason})`, { status: 403 });
    const retryable = res.status === 429 || res.status >= 500;
    return new RegistryError(`${who}: ${what} failed: HTTP ${res.status} ${reason}`, {
      status: res.status,
      retryable,
    });
  }

  async #send(method: string, path: string, headers: Record<string, string>, absolute?: URL): Promise<Raw> {
    const url = absolute ?? new URL(`${this.#scheme}://${this.endpoint.host}${path}`);
    try {
      return await this.#http.request(url, {
        method,
        headers,
        timeoutMs: this.#timeoutMs,
        redirect: REDIRECTS,
      });
    } catch (error) {
      return this.#fallback(error, method, path, headers, absolute);
    }
  }

  /** An insecure endpoint that does not speak TLS is tried once over plain HTTP. */
  async #fallback(
    error: unknown,
    method: string,
    path: string,
    headers: Record<string, string>,
    absolute: URL | undefined,
  ): Promise<Raw> {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const notTls = code === 'EPROTO' || code.startsWith('ERR_SSL');
    if (this.endpoint.insecure && notTls && this.#scheme === 'https' && !absolute) {
      this.#scheme = 'http';
      return this.#send(method, path, headers);
    }
    throw transportError(this.endpoint.label, error);
  }
}

function withAuth(
  headers: Record<string, string>,
  authorization: string | undefined,
): Record<string, string> {
  return authorization ? { ...headers, authorization } : headers;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text ? text.trim() : undefined;
}

/** A media type without parameters (`application/json; charset=utf-8` → `application/json`). */
function bareType(value: string | undefined): string {
  return value?.split(';')[0]?.trim() ?? '';
}

function mediaTypeOf(res: Raw): string {
  const fromBody = (parseJson(res.body) as { mediaType?: unknown } | undefined)?.mediaType;
  return typeof fromBody === 'string' ? fromBody : bareType(header(res.headers, 'content-type'));
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
