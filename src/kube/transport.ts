/**
 * One HTTP(S) exchange with an API server over a shared keep-alive agent. Resolves with whatever
 * status the server answers; rejects only on transport failures, already classified: an
 * UnreachableError for refused connections, DNS, TLS and timeouts (the host is unreachable), a
 * RetryableError for a reset keep-alive socket (worth one more try).
 */
import http from 'node:http';
import https from 'node:https';
import { RetryableError, UnreachableError } from '../errors.ts';
import type { KubeConnection } from './connection.ts';

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
}

/** Keeps one agent per connection so every request to a host reuses its sockets. */
export class Transport {
  readonly #conn: KubeConnection;
  readonly #agent: http.Agent;
  readonly #base: URL;

  constructor(conn: KubeConnection, options: { maxSockets?: number } = {}) {
    this.#conn = conn;
    this.#base = new URL(conn.server);
    const common = { keepAlive: true, maxSockets: options.maxSockets ?? 16 };
    this.#agent =
      this.#base.protocol === 'http:'
        ? new http.Agent(common)
        : new https.Agent({
            ...common,
            ca: conn.ca,
            cert: conn.cert,
            key: conn.key,
            servername: conn.servername,
            rejectUnauthorized: !conn.insecure,
          });
  }

  /** Sends one request; see the file comment for how failures are classified. */
  send(request: RawRequest): Promise<RawResponse> {
    const url = new URL(this.#base.pathname.replace(/\/+$/, '') + request.path, this.#base);
    const headers: Record<string, string> = { ...request.headers };
    if (this.#conn.token) headers['authorization'] = `Bearer ${this.#conn.token}`;
    if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
    const lib = url.protocol === 'http:' ? http : https;
    return new Promise((resolve, reject) => {
      const req = lib.request(url, { method: request.method, headers, agent: this.#agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => reject(this.#classify(error, request)));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      });
      req.setTimeout(request.timeoutMs, () =>
        req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })),
      );
      req.on('error', (error) => reject(this.#classify(error, request)));
      req.end(request.body);
    });
  }

  /** Closes idle sockets (end of run). */
  close(): void {
    this.#agent.destroy();
  }

  #classify(error: Error, request: RawRequest): Error {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const where = `${this.#conn.host} (${this.#conn.server})`;
    const what = `${request.method} ${request.path.split('?')[0] ?? request.path}`;
    if (code === 'ECONNRESET' || code === 'EPIPE' || error.message === 'socket hang up') {
      return new RetryableError(`cluster ${where} closed the connection during ${what}`, { cause: error });
    }
    return new UnreachableError(
      `cluster ${where} is unreachable: ${describeTransportError(code, error, request.timeoutMs)}`,
      {
        cause: error,
      },
    );
  }
}

/** A short, human reason for a transport error code. */
export function describeTransportError(code: string, error: Error, timeoutMs: number): string {
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `host name not found (DNS: ${code})`;
  if (code === 'ETIMEDOUT') return `no answer within ${Math.round(timeoutMs / 1000)} s (timeout)`;
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return `no route to host (${code})`;
  if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/i.test(code) || /certificate/i.test(error.message)) {
    return `TLS verification failed (${code || error.message}); set ca_file to the cluster's CA`;
  }
  return `${error.message}${code ? ` (${code})` : ''}`;
}
