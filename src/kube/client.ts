/**
 * The API client of one host: JSON requests over a keep-alive agent with retries, classified
 * errors and -vvv call logging. One client per host per run lives in the run cache
 * (`kubeClientFor`); `withScope` gives a task its own logger and abort signal while sharing the
 * sockets, the identity and the discovery cache.
 */
import { RetryableError, UnreachableError } from '../errors.ts';
import type { ModuleLogger } from '../model/module.ts';
import { systemClock } from '../shared/clock.ts';
import type { SleepClock } from '../shared/clock.ts';
import { apiError } from './api-error.ts';
import type { KubeConnection } from './connection.ts';
import { Discovery } from './discovery.ts';
import { readStatus } from './errors.ts';
import { requestInfo } from './request-info.ts';
import { backoffMs, DEFAULT_RETRY, shouldRetry } from './retry.ts';
import type { RetryPolicy } from './retry.ts';
import { Transport } from './transport.ts';
import type { RawResponse } from './transport.ts';
import { isRecord } from './types.ts';
import type { ResourceInfo } from './types.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface KubeRequest {
  method: HttpMethod;
  /** Path without query, e.g. `/api/v1/namespaces/demo/configmaps`. */
  path: string;
  /** Query parameters; undefined values are left out. */
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON-serialised unless it is a string. */
  body?: unknown;
  /** Default `application/json` when there is a body. */
  contentType?: string;
  /** Default `application/json`. */
  accept?: string;
  /** Retry 409 Conflict (default true for POST/PUT/DELETE and non-apply PATCH). */
  retryConflicts?: boolean;
  timeoutMs?: number;
  /** Aborts the request in flight (and its retries); it then rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
}

/** A streaming GET (a watch): the body arrives in chunks for as long as the server sends. */
export interface KubeStreamRequest {
  /** Path without query. */
  path: string;
  query?: KubeRequest['query'];
  /** Ends the stream; there is no idle timeout, so bound a quiet stream with this signal. */
  signal: AbortSignal;
}

/** An open 2xx stream; iterating `body` throws RetryableError/UnreachableError on transport failure. */
export interface KubeStream {
  status: number;
  body: AsyncIterable<Buffer>;
  close(): void;
}

export interface KubeResponse<T = unknown> {
  status: number;
  /** Parsed JSON (null when the body is empty or not JSON). */
  body: T;
  contentType: string;
}

/** A 2xx answer as text (requestText). */
export interface KubeTextResponse {
  status: number;
  text: string;
  contentType: string;
}

/** Per-task services: where -vvv lines go, when to stop retrying, how to sleep. */
export interface ClientScope {
  log?: ModuleLogger | undefined;
  signal?: AbortSignal | undefined;
  clock?: SleepClock | undefined;
}

export interface ClientOptions {
  retry?: RetryPolicy;
  /** Socket idle timeout per request (default 30 s). */
  timeoutMs?: number;
  maxSockets?: number;
}

/** State shared by every scope of one host's client. */
interface Shared {
  conn: KubeConnection;
  transport: Transport;
  discovery: Discovery;
  retry: RetryPolicy;
  timeoutMs: number;
  identity?: Promise<string | undefined>;
}

export class KubeClient {
  readonly #shared: Shared;
  readonly #scope: ClientScope;

  /** Builds a client for a resolved connection; prefer `kubeClientFor(context)` in modules. */
  constructor(conn: KubeConnection, options: ClientOptions = {}, scope: ClientScope = {}, shared?: Shared) {
    this.#shared = shared ?? {
      conn,
      transport: new Transport(conn, { maxSockets: options.maxSockets ?? 16 }),
      discovery: new Discovery(),
      retry: options.retry ?? DEFAULT_RETRY,
      timeoutMs: options.timeoutMs ?? 30_000,
    };
    this.#scope = scope;
  }

  /** The inventory host this client talks to. */
  get host(): string {
    return this.#shared.conn.host;
  }

  /** The resolved connection. Holds the token: never print it. */
  get connection(): KubeConnection {
    return this.#shared.conn;
  }

  /** Discovery cache of this host (shared by every scope). */
  get discovery(): Discovery {
    return this.#shared.discovery;
  }

  /** Resolves apiVersion + kind through this host's discovery cache (see Discovery.resolve). */
  resource(apiVersion: string, kind: string): Promise<ResourceInfo> {
    return this.#shared.discovery.resolve(this, apiVersion, kind);
  }

  /** True when the cluster serves an apiVersion or API group (e.g. `project.openshift.io`). */
  serves(apiVersionOrGroup: string): Promise<boolean> {
    return this.#shared.discovery.serves(this, apiVersionOrGroup);
  }

  /** `east (https://127.0.0.1:6443)` for messages. */
  get label(): string {
    return `${this.#shared.conn.host} (${this.#shared.conn.server})`;
  }

  /** The same client (sockets, caches) with another task's logger, signal and clock. */
  withScope(scope: ClientScope): KubeClient {
    return new KubeClient(this.#shared.conn, {}, scope, this.#shared);
  }

  /**
   * Sends a request and parses the JSON answer. Retries 429/5xx (and 409 Conflict on non-apply
   * writes) with backoff; throws UnreachableError for transport failures and KubeApiError for
   * any other non-2xx answer.
   */
  async request<T = unknown>(req: KubeRequest): Promise<KubeResponse<T>> {
    const res = await this.requestText(req);
    return { status: res.status, body: parseJson(res.text) as T, contentType: res.contentType };
  }

  /**
   * request() without parsing a 2xx answer: for callers that may never need the body (a sync
   * creating thousands of objects reads none of the answers; parsing them was CPU spent for
   * nothing). Errors and retries are request()'s.
   */
  async requestText(req: KubeRequest): Promise<KubeTextResponse> {
    const path = withQuery(req.path, req.query);
    const conflicts =
      req.retryConflicts ?? (req.method !== 'GET' && req.contentType !== 'application/apply-patch+yaml');
    const { attempts } = this.#shared.retry;
    for (let attempt = 0; ; attempt++) {
      const res = await this.#attempt(req, path, attempt, attempts);
      if (res === 'retry') continue;
      if (res.status >= 200 && res.status < 300)
        return { status: res.status, text: res.text, contentType: String(res.headers['content-type'] ?? '') };
      const body = parseJson(res.text);
      const reason = readStatus(body).reason;
      if (attempt + 1 < attempts && shouldRetry(res.status, reason, conflicts)) {
        await this.#pause(
          attempt,
          res.headers['retry-after'],
          `HTTP ${res.status}`,
          req.method,
          path,
          req.signal,
        );
        continue;
      }
      throw await this.#error(req.method, path, res, body);
    }
  }

  /**
   * Opens a streaming GET (no retries: a watcher reconnects itself). Throws UnreachableError or
   * RetryableError for transport failures and KubeApiError for a non-2xx answer (410 Gone
   * included), like request().
   */
  async stream(req: KubeStreamRequest): Promise<KubeStream> {
    const path = withQuery(req.path, req.query);
    const started = Date.now();
    let res;
    try {
      res = await this.#shared.transport.stream({
        path,
        headers: { accept: 'application/json' },
        signal: req.signal,
      });
    } catch (error) {
      this.#scope.log?.debug(
        `kube ${this.host}: GET ${path} (stream) failed after ${Date.now() - started}ms: ${(error as Error).message}`,
      );
      throw error;
    }
    this.#scope.log?.debug(`kube ${this.host}: GET ${path} (stream) ${res.status} ${Date.now() - started}ms`);
    if (res.status >= 200 && res.status < 300)
      return { status: res.status, body: res.body, close: res.close };
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of res.body) chunks.push(chunk);
    } finally {
      res.close();
    }
    const text = Buffer.concat(chunks).toString('utf8');
    throw await this.#error('GET', path, { status: res.status, headers: res.headers, text }, parseJson(text));
  }

  /** GET returning the parsed body. */
  async get<T = unknown>(path: string, query?: KubeRequest['query']): Promise<T> {
    return (await this.request<T>({ method: 'GET', path, query })).body;
  }

  /**
   * The username the server sees (SelfSubjectReview, cached); undefined when the server does not
   * serve it or refuses. Used to name the identity in 403 messages.
   */
  identity(): Promise<string | undefined> {
    this.#shared.identity ??= this.request<unknown>({
      method: 'POST',
      path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    }).then(
      (res) => {
        const status = isRecord(res.body) && isRecord(res.body['status']) ? res.body['status'] : {};
        const info = isRecord(status['userInfo']) ? status['userInfo'] : {};
        return typeof info['username'] === 'string' ? info['username'] : undefined;
      },
      () => undefined,
    );
    return this.#shared.identity;
  }

  /** Closes idle sockets; the client must not be used afterwards. */
  close(): void {
    this.#shared.transport.close();
  }

  async #attempt(
    req: KubeRequest,
    path: string,
    attempt: number,
    attempts: number,
  ): Promise<RawResponse | 'retry'> {
    const started = Date.now();
    const headers: Record<string, string> = { accept: req.accept ?? 'application/json' };
    let body: string | undefined;
    if (req.body !== undefined) {
      body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
      headers['content-type'] = req.contentType ?? 'application/json';
    }
    try {
      const res = await this.#shared.transport.send({
        method: req.method,
        path,
        headers,
        body,
        timeoutMs: req.timeoutMs ?? this.#shared.timeoutMs,
        signal: req.signal,
      });
      this.#scope.log?.debug(
        `kube ${this.host}: ${req.method} ${path} ${res.status} ${Date.now() - started}ms`,
      );
      return res;
    } catch (error) {
      this.#scope.log?.debug(
        `kube ${this.host}: ${req.method} ${path} failed after ${Date.now() - started}ms: ${(error as Error).message}`,
      );
      if (req.signal?.aborted) throw error;
      if (error instanceof RetryableError && attempt + 1 < attempts) {
        await this.#pause(attempt, undefined, 'connection reset', req.method, path, req.signal);
        return 'retry';
      }
      if (error instanceof RetryableError) throw new UnreachableError(error.message, { cause: error });
      throw error;
    }
  }

  async #pause(
    attempt: number,
    retryAfter: string | string[] | undefined,
    why: string,
    method: string,
    path: string,
    requestSignal?: AbortSignal,
  ): Promise<void> {
    const ms = backoffMs(attempt, retryAfter, this.#shared.retry);
    this.#scope.log?.debug(`kube ${this.host}: ${method} ${path}: ${why}, retry ${attempt + 1} in ${ms}ms`);
    const signal =
      requestSignal && this.#scope.signal
        ? AbortSignal.any([requestSignal, this.#scope.signal])
        : (requestSignal ?? this.#scope.signal);
    if (signal?.aborted) throw signal.reason;
    await (this.#scope.clock ?? systemClock()).sleep(ms, signal);
  }

  async #error(method: string, path: string, res: RawResponse, body: unknown): Promise<Error> {
    const info = requestInfo(method, path);
    const needsIdentity = res.status === 403 && !/User "/.test(readStatus(body).message ?? '');
    return apiError({
      status: res.status,
      body,
      text: res.text,
      method,
      path,
      info,
      cluster: this.label,
      identity: needsIdentity ? await this.identity() : undefined,
      credentials: this.#shared.conn.credentials,
    });
  }
}

/** Appends a query string; keys with undefined values are skipped. */
export function withQuery(path: string, query: KubeRequest['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined) params.append(key, String(value));
  const text = params.toString();
  return text ? `${path}${path.includes('?') ? '&' : '?'}${text}` : path;
}

/** The JSON of a body, or null when it is empty or not JSON. */
export function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
