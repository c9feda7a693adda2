/**
 * The one HTTP(S) client mcsync's callers share (uri, wait_for, registries, backups, webhooks;
 * the kube transport and the S3 client reuse its agents). Built on node:http/https rather than
 * the global fetch: fetch cannot take a CA, a client certificate or "skip verification" per
 * request without the undici package, and on a local keep-alive server node:http answered about
 * 1.45x the requests per second fetch did (docs/architecture.md). It resolves with any status;
 * it rejects only when there is no HTTP answer, with the socket's own error (its `code` kept) so
 * callers classify it and word it with `describeNetworkError` (errors.ts).
 */
import type { Agent, IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { http } from '../shared/node-http.ts';
import { RequestTimeoutError } from './errors.ts';
import { proxyEnvironment, proxyFor } from './proxy.ts';
import type { ProxyPolicy } from './proxy.ts';

/** How to verify the server and present ourselves. Holds key material: never print it. */
export interface TlsOptions {
  /** PEM trust anchors; undefined: Node's default CA store. */
  ca?: string | Buffer | undefined;
  /** Client certificate and key (PEM) for servers that ask for one. */
  cert?: string | Buffer | undefined;
  key?: string | Buffer | undefined;
  /** SNI and verification name when it differs from the URL's host. */
  servername?: string | undefined;
  /** Skip certificate verification; only when the user asked for it. */
  insecure?: boolean | undefined;
}

export interface AgentOptions extends TlsOptions {
  /** Reuse sockets between requests (default true). */
  keepAlive?: boolean;
  /** Sockets per origin (default 16). */
  maxSockets?: number;
  /** Connect through this proxy (CONNECT for https, absolute-form for http); see proxy.ts. */
  proxy?: URL | undefined;
}

export interface HttpClientOptions extends Omit<AgentOptions, 'proxy'> {
  /** Which proxy each request uses; default: HTTPS_PROXY/HTTP_PROXY/NO_PROXY of process.env. */
  proxy?: ProxyPolicy;
}

/** Statuses that carry a `location` worth following. */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Which redirects to follow and where the authorization header may go. */
export interface RedirectPolicy {
  /** Most hops to follow. */
  max: number;
  /** Methods whose redirects are followed (default GET and HEAD). */
  methods?: readonly string[];
  /**
   * Where `authorization` is sent after a redirect: `same-origin` (only to the first URL's
   * origin, default), `never` (dropped on the first hop, as registries redirect to storage), or
   * `always` (uri, as its users set the header for whatever the URL leads to).
   */
  authorization?: 'same-origin' | 'never' | 'always';
  /** Past `max` hops: reject (`fail`, default) or resolve with the redirect response (`return`). */
  beyondMax?: 'fail' | 'return';
}

export interface HttpRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer | undefined;
  /** Rejects with RequestTimeoutError when the socket is idle this long (default 30 s; 0: never). */
  timeoutMs?: number;
  /** Aborts the exchange; the promise then rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
  /** Default: no redirect is followed. */
  redirect?: RedirectPolicy;
  /** Rejects (code ERR_HTTP_BODY_TOO_LARGE) when the response body is larger. */
  maxBodyBytes?: number;
  /** Called before each redirect is followed, so a caller can name the URL that failed. */
  onRedirect?: (next: URL) => void;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The URL that answered (after redirects). */
  url: string;
  /** Redirects followed. */
  redirects: number;
}

/** A keep-alive agent for one protocol with the TLS settings applied (https only). */
export function createAgent(protocol: string, options: AgentOptions = {}): Agent {
  const proxy = options.proxy?.href;
  const common = {
    keepAlive: options.keepAlive ?? true,
    maxSockets: options.maxSockets ?? 16,
    ...(proxy && { proxyEnv: protocol === 'http:' ? { HTTP_PROXY: proxy } : { HTTPS_PROXY: proxy } }),
  };
  if (protocol === 'http:') return new http.Agent(common);
  return new https.Agent({
    ...common,
    ca: options.ca,
    cert: options.cert,
    key: options.key,
    servername: options.servername,
    rejectUnauthorized: !options.insecure,
  });
}

/**
 * One agent per protocol and proxy, so every request to a host reuses its sockets; `close()` when
 * done.
 */
export class HttpClient {
  readonly #options: AgentOptions;
  readonly #proxy: ProxyPolicy;
  readonly #agents = new Map<string, Agent>();

  constructor(options: HttpClientOptions = {}) {
    const { proxy, ...agentOptions } = options;
    this.#options = agentOptions;
    this.#proxy = proxy ?? { environment: proxyEnvironment() };
  }

  /** Sends one request, following redirects as `request.redirect` allows. */
  async request(url: string | URL, request: HttpRequest = {}): Promise<HttpResponse> {
    const first = new URL(url);
    const method = (request.method ?? 'GET').toUpperCase();
    const policy = request.redirect;
    let target = first;
    for (let hop = 0; ; hop++) {
      const headers = headersFor(request.headers ?? {}, policy, first, target, hop);
      const response = await this.#once(target, { ...request, method, headers });
      const location = response.headers.location;
      if (!policy || !location || !REDIRECTS.has(response.status)) return { ...response, redirects: hop };
      if (!(policy.methods ?? ['GET', 'HEAD']).includes(method)) return { ...response, redirects: hop };
      if (hop >= policy.max) {
        if (policy.beyondMax === 'return') return { ...response, redirects: hop };
        throw new Error(`more than ${policy.max} redirects`);
      }
      target = new URL(location, target);
      request.onRedirect?.(target);
    }
  }

  /** Closes the sockets (idle ones at once). */
  close(): void {
    for (const agent of this.#agents.values()) agent.destroy();
    this.#agents.clear();
  }

  #agent(url: URL): Agent {
    const proxy = proxyFor(url, this.#proxy);
    const key = `${url.protocol} ${proxy?.href ?? 'direct'}`;
    let agent = this.#agents.get(key);
    if (!agent) {
      agent = createAgent(url.protocol, { ...this.#options, proxy });
      this.#agents.set(key, agent);
    }
    return agent;
  }

  #once(
    url: URL,
    request: HttpRequest & { method: string; headers: Record<string, string> },
  ): Promise<Omit<HttpResponse, 'redirects'>> {
    const lib = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined;
    if (!lib)
      return Promise.reject(new Error(`unsupported URL scheme '${url.protocol}' (expected http: or https:)`));
    const { signal, body, maxBodyBytes } = request;
    const timeoutMs = request.timeoutMs ?? 30_000;
    const headers = { ...request.headers };
    if (body !== undefined && !hasHeader(headers, 'content-length'))
      headers['content-length'] = String(Buffer.byteLength(body));
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      // The first failure wins: a destroyed socket reports a second, vaguer error after it.
      const fail = (error: Error): void => reject(signal?.aborted ? (signal.reason as Error) : error);
      const options = { method: request.method, headers, agent: this.#agent(url), signal };
      const req = lib.request(url, options, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          chunks.push(chunk);
          if (maxBodyBytes !== undefined && size > maxBodyBytes) {
            fail(tooLarge(maxBodyBytes));
            req.destroy();
          }
        });
        res.on('error', fail);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
            url: url.href,
          }),
        );
        res.on('close', () => {
          if (!res.complete) fail(connectionClosed());
        });
      });
      if (timeoutMs > 0)
        req.setTimeout(timeoutMs, () => {
          fail(new RequestTimeoutError(timeoutMs));
          req.destroy();
        });
      req.on('error', fail);
      req.end(body);
    });
  }
}

/** One request on a client of its own (no sockets kept): for callers that send once in a while. */
export async function httpRequest(
  url: string | URL,
  request: HttpRequest & { tls?: TlsOptions } = {},
): Promise<HttpResponse> {
  const client = new HttpClient({ ...request.tls, keepAlive: false });
  try {
    return await client.request(url, request);
  } finally {
    client.close();
  }
}

/** The headers for one hop: the caller's, minus authorization where the policy withholds it. */
function headersFor(
  headers: Record<string, string>,
  policy: RedirectPolicy | undefined,
  first: URL,
  target: URL,
  hop: number,
): Record<string, string> {
  const rule = policy?.authorization ?? 'same-origin';
  const keep = hop === 0 || rule === 'always' || (rule === 'same-origin' && target.origin === first.origin);
  if (keep) return headers;
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'authorization'),
  );
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

/** A response cut short: the socket closed before the last byte (a reset, worth a retry). */
function connectionClosed(): Error {
  return Object.assign(new Error('the connection closed before the response ended'), { code: 'ECONNRESET' });
}

function tooLarge(limit: number): Error {
  return Object.assign(new Error(`response body larger than ${limit} bytes`), {
    code: 'ERR_HTTP_BODY_TOO_LARGE',
  });
}
