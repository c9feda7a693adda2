/**
 * One HTTP(S) exchange with an API server: over the host's one HTTP/2 connection (HTTPS without a
 * proxy, h2-connection.ts), else over a shared keep-alive HTTP/1.1 agent; watches always take the
 * agent. Resolves with whatever status the server answers; rejects only on transport failures,
 * already classified: an UnreachableError for refused connections, DNS, TLS and timeouts (the
 * host is unreachable), a RetryableError for a reset keep-alive socket or a lost HTTP/2
 * connection (worth one more try).
 *
 * Every request takes the connection's current credentials (credentials.ts: exec plugins run
 * again before expiry, token and certificate files re-read) and its Impersonate-* headers, and
 * goes through the connection's proxy. A 401 renews the credentials once and, when that gave new
 * ones, sends the request again; a rotated client certificate gets a new agent and connection.
 */
import { http } from '../shared/node-http.ts';
import type { Agent, IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import { RetryableError, UnreachableError } from '../errors.ts';
import { createAgent } from '../http/client.ts';
import { describeNetworkError, networkErrorCode, RequestTimeoutError } from '../http/errors.ts';
import { redactProxy } from '../http/proxy.ts';
import type { KubeConnection } from './connection.ts';
import { credentialSource } from './credentials.ts';
import type { CredentialSource, Credentials } from './credentials.ts';
import { H2Connection, http2Allowed } from './h2-connection.ts';
import { impersonationHeaders } from './impersonation.ts';

/** What the transport returns: status, headers and the body as text. */
export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export interface RawRequest {
  method: string;
  /** Path and query, e.g. `/api/v1/namespaces?limit=500`. */
  path: string;
  headers?: Record<string, string>;
  body?: string | undefined;
  timeoutMs: number;
  /** Aborts the exchange; the promise then rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
}

/** A response whose body is read as it arrives (watches). */
export interface StreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body in chunks; iteration throws classified errors (RetryableError, UnreachableError). */
  body: AsyncIterable<Buffer>;
  /** Closes the connection (also done when iteration stops early or the signal aborts). */
  close(): void;
}

/** A streaming GET: no idle timeout (a quiet watch is normal); the caller bounds it via `signal`. */
export interface StreamRequest {
  path: string;
  headers?: Record<string, string>;
  signal: AbortSignal;
}

/** Keeps one agent per connection so every request to a host reuses its sockets. */
export class Transport {
  readonly #conn: KubeConnection;
  readonly #base: URL;
  readonly #lib: typeof https | typeof http;
  /** The server URL's path (without trailing slashes), put before every request path. */
  readonly #prefix: string;
  /** The server URL's parts, parsed once: an IPv6 literal without brackets, the port when given. */
  readonly #target: { protocol: string; hostname: string; port?: number };
  readonly #credentials: CredentialSource;
  readonly #maxSockets: number;
  readonly #impersonate: Record<string, string | string[]>;
  #agent: { agent: Agent; cert: Credentials['cert']; key: Credentials['key'] } | undefined;
  readonly #retired: Agent[] = [];
  /** HTTPS without a proxy tries HTTP/2 first (h2-connection.ts); false: HTTP/1.1 only. */
  readonly #http2: boolean;
  #h2: { connection: H2Connection; cert: Credentials['cert']; key: Credentials['key'] } | undefined;

  constructor(conn: KubeConnection, options: { maxSockets?: number } = {}) {
    this.#conn = conn;
    this.#base = new URL(conn.server);
    this.#lib = this.#base.protocol === 'http:' ? http : https;
    this.#prefix = this.#base.pathname.replace(/\/+$/, '');
    const host = this.#base.hostname;
    this.#target = {
      protocol: this.#base.protocol,
      // IPv6 literals come bracketed from URL; the request options want them bare.
      hostname: host.startsWith('[') ? host.slice(1, -1) : host,
      ...(this.#base.port ? { port: Number(this.#base.port) } : {}),
    };
    this.#credentials = credentialSource(conn);
    this.#maxSockets = options.maxSockets ?? 16;
    this.#impersonate = conn.impersonate ? impersonationHeaders(conn.impersonate) : {};
    // Through a proxy, HTTP/1.1 as before: CONNECT tunnels are per socket in the agent.
    this.#http2 = this.#base.protocol === 'https:' && !conn.proxy && http2Allowed();
  }

  /** Sends one request; see the file comment for how failures are classified. */
  async send(request: RawRequest): Promise<RawResponse> {
    const used = await this.#credentials.current();
    const res = await this.#sendOnce(request, used);
    if (res.status !== 401 || !(await this.#credentials.renew(used))) return res;
    return this.#sendOnce(request, await this.#credentials.current());
  }

  async #sendOnce(request: RawRequest, credentials: Credentials): Promise<RawResponse> {
    const headers = this.#headers(request.headers, credentials);
    if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
    if (this.#http2) {
      let answer;
      try {
        answer = await this.#h2For(credentials).send({
          ...request,
          path: this.#prefix + request.path,
          headers,
        });
      } catch (error) {
        throw request.signal?.aborted
          ? (request.signal.reason as Error)
          : this.#classify(error as Error, request);
      }
      if (answer) return answer;
    }
    return this.#sendHttp1(request, headers, credentials);
  }

  #sendHttp1(
    request: RawRequest,
    headers: OutgoingHttpHeaders,
    credentials: Credentials,
  ): Promise<RawResponse> {
    const signal = request.signal;
    return new Promise((resolve, reject) => {
      const fail = (error: Error): void =>
        reject(signal?.aborted ? (signal.reason as Error) : this.#classify(error, request));
      // The target's parts were parsed once (no URL per request: this is the write hot path).
      const options: https.RequestOptions = {
        ...this.#target,
        path: this.#prefix + request.path,
        method: request.method,
        headers,
        agent: this.#agentFor(credentials),
        signal,
      };
      const req = this.#lib.request(options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', fail);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      });
      req.setTimeout(request.timeoutMs, () => req.destroy(new RequestTimeoutError(request.timeoutMs)));
      req.on('error', fail);
      req.end(request.body);
    });
  }

  /**
   * Opens a streaming GET on the host's agent (same TLS settings and credentials) and resolves
   * once the status line and headers arrive. Rejects like send(); after that, reading the body
   * throws classified errors, or the signal's reason once it aborts. A 401 renews the
   * credentials once, as send() does.
   */
  async stream(request: StreamRequest): Promise<StreamResponse> {
    const used = await this.#credentials.current();
    const res = await this.#streamOnce(request, used);
    if (res.status !== 401 || !(await this.#credentials.renew(used))) return res;
    res.close();
    return this.#streamOnce(request, await this.#credentials.current());
  }

  #streamOnce(request: StreamRequest, credentials: Credentials): Promise<StreamResponse> {
    const url = new URL(this.#base.pathname.replace(/\/+$/, '') + request.path, this.#base);
    const headers = this.#headers(request.headers, credentials);
    const lib = url.protocol === 'http:' ? http : https;
    const raw: RawRequest = { method: 'GET', path: request.path, timeoutMs: 0 };
    const { signal } = request;
    const classify = (error: Error): Error =>
      signal.aborted ? (signal.reason as Error) : this.#classify(error, raw);
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason as Error);
      const options = { method: 'GET', headers, agent: this.#agentFor(credentials), signal };
      const req = lib.request(url, options, (res) => {
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: classifiedChunks(res, classify),
          close: () => req.destroy(),
        });
      });
      req.on('error', (error) => reject(classify(error)));
      req.end();
    });
  }

  #headers(given: Record<string, string> | undefined, credentials: Credentials): OutgoingHttpHeaders {
    const headers: OutgoingHttpHeaders = { ...given, ...this.#impersonate };
    if (credentials.token) headers['authorization'] = `Bearer ${credentials.token}`;
    return headers;
  }

  /** The agent for this client certificate; a rotated one gets a new agent (old sockets close). */
  #agentFor(credentials: Credentials): Agent {
    const current = this.#agent;
    if (current && current.cert === credentials.cert && current.key === credentials.key) return current.agent;
    if (current) this.#retire(current.agent);
    const agent = createAgent(this.#base.protocol, {
      maxSockets: this.#maxSockets,
      ca: this.#conn.ca,
      cert: credentials.cert,
      key: credentials.key,
      servername: this.#conn.servername,
      insecure: this.#conn.insecure,
      proxy: this.#conn.proxy,
    });
    this.#agent = { agent, cert: credentials.cert, key: credentials.key };
    return agent;
  }

  /** The HTTP/2 connection for this client certificate; a rotated one gets a new connection. */
  #h2For(credentials: Credentials): H2Connection {
    const current = this.#h2;
    if (current && current.cert === credentials.cert && current.key === credentials.key)
      return current.connection;
    current?.connection.close();
    const connection = new H2Connection({
      origin: this.#base.origin,
      hostname: this.#target.hostname,
      port: this.#target.port ?? 443,
      ca: this.#conn.ca,
      cert: credentials.cert,
      key: credentials.key,
      servername: this.#conn.servername,
      insecure: this.#conn.insecure,
    });
    this.#h2 = { connection, cert: credentials.cert, key: credentials.key };
    return connection;
  }

  /** Idle sockets of a replaced agent close now, busy ones when their request ends. */
  #retire(agent: Agent): void {
    agent.keepSocketAlive = (socket) => void socket.destroy();
    for (const sockets of Object.values(agent.freeSockets))
      for (const socket of sockets ?? []) socket.destroy();
    this.#retired.push(agent);
  }

  /** Closes idle sockets (end of run). */
  close(): void {
    this.#h2?.connection.close();
    this.#h2 = undefined;
    this.#agent?.agent.destroy();
    this.#agent = undefined;
    for (const agent of this.#retired.splice(0)) agent.destroy();
  }

  #classify(error: Error, request: RawRequest): Error {
    const code = networkErrorCode(error);
    const proxy = this.#conn.proxy ? ` through proxy ${redactProxy(this.#conn.proxy)}` : '';
    const where = `${this.#conn.host} (${this.#conn.server})${proxy}`;
    const what = `${request.method} ${request.path.split('?')[0] ?? request.path}`;
    if (code === 'ECONNRESET' || code === 'EPIPE' || error.message === 'socket hang up') {
      return new RetryableError(`cluster ${where} closed the connection during ${what}`, { cause: error });
    }
    return new UnreachableError(
      `cluster ${where} is unreachable: ${describeNetworkError(error, 'ca_file')}`,
      {
        cause: error,
      },
    );
  }
}

async function* classifiedChunks(
  res: IncomingMessage,
  classify: (error: Error) => Error,
): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of res) yield chunk as Buffer;
    // A response cut short (socket closed before the last chunk) ends without an error event.
    if (!res.complete) throw classify(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
  } catch (error) {
    throw error instanceof RetryableError || error instanceof UnreachableError
      ? error
      : classify(error as Error);
  } finally {
    res.destroy();
  }
}
