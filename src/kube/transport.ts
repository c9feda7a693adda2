/**
 * One HTTP(S) exchange with an API server over a shared keep-alive agent. Resolves with whatever
 * status the server answers; rejects only on transport failures, already classified: an
 * UnreachableError for refused connections, DNS, TLS and timeouts (the host is unreachable), a
 * RetryableError for a reset keep-alive socket (worth one more try).
 */
import http from 'node:http';
import https from 'node:https';
import { RetryableError, UnreachableError } from '../errors.ts';
import { createAgent } from '../http/client.ts';
import { describeNetworkError, networkErrorCode, RequestTimeoutError } from '../http/errors.ts';
import type { KubeConnection } from './connection.ts';
import { fileToken, fixedToken } from './token-source.ts';
import type { TokenSource } from './token-source.ts';

/** What the transport returns: status, headers and the body as text. */
export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
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
  headers: http.IncomingHttpHeaders;
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
  readonly #agent: http.Agent;
  readonly #base: URL;
  readonly #token: TokenSource;

  constructor(conn: KubeConnection, options: { maxSockets?: number } = {}) {
    this.#conn = conn;
    this.#base = new URL(conn.server);
    this.#token =
      conn.tokenFile && conn.token
        ? fileToken(conn.tokenFile, conn.token, conn.onNewToken)
        : fixedToken(conn.token);
    this.#agent = createAgent(this.#base.protocol, {
      maxSockets: options.maxSockets ?? 16,
      ca: conn.ca,
      cert: conn.cert,
      key: conn.key,
      servername: conn.servername,
      insecure: conn.insecure,
    });
  }

  /** Sends one request; see the file comment for how failures are classified. */
  send(request: RawRequest): Promise<RawResponse> {
    const url = new URL(this.#base.pathname.replace(/\/+$/, '') + request.path, this.#base);
    const headers: Record<string, string> = { ...request.headers };
    const token = this.#token.current();
    if (token) headers['authorization'] = `Bearer ${token}`;
    if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
    const lib = url.protocol === 'http:' ? http : https;
    const signal = request.signal;
    return new Promise((resolve, reject) => {
      const fail = (error: Error): void =>
        reject(signal?.aborted ? (signal.reason as Error) : this.#classify(error, request));
      const options = { method: request.method, headers, agent: this.#agent, signal };
      const req = lib.request(url, options, (res) => {
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
   * throws classified errors, or the signal's reason once it aborts.
   */
  stream(request: StreamRequest): Promise<StreamResponse> {
    const url = new URL(this.#base.pathname.replace(/\/+$/, '') + request.path, this.#base);
    const headers: Record<string, string> = { ...request.headers };
    const token = this.#token.current();
    if (token) headers['authorization'] = `Bearer ${token}`;
    const lib = url.protocol === 'http:' ? http : https;
    const raw: RawRequest = { method: 'GET', path: request.path, timeoutMs: 0 };
    const { signal } = request;
    const classify = (error: Error): Error =>
      signal.aborted ? (signal.reason as Error) : this.#classify(error, raw);
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason as Error);
      const req = lib.request(url, { method: 'GET', headers, agent: this.#agent, signal }, (res) => {
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

  /** Closes idle sockets (end of run). */
  close(): void {
    this.#agent.destroy();
  }

  #classify(error: Error, request: RawRequest): Error {
    const code = networkErrorCode(error);
    const where = `${this.#conn.host} (${this.#conn.server})`;
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
  res: http.IncomingMessage,
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
