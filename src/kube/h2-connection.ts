/**
 * One HTTP/2 connection to an API server, as client-go keeps one per host: every request is a
 * stream on a single TLS session, where HTTP/1.1 needs a socket per request in flight. On this
 * project's benchmark machine a bare client spent ~40% less CPU per request over it
 * (bench/transport-cpu.ts, docs/BENCHMARKS.md), and a sync's CPU is mostly its requests.
 *
 * The first connection offers both protocols (ALPN `h2`, `http/1.1`). A server that picks
 * HTTP/1.1 (an old API server, a TLS-terminating proxy) is remembered: `send` then resolves
 * `undefined` and the caller uses its HTTP/1.1 agent for good.
 *
 * Failures keep HTTP/1.1's shape for the caller's classification: a refused or failed connect
 * rejects with the socket's own error; a connection lost under a stream (GOAWAY, reset, session
 * error) rejects with code ECONNRESET, worth a retry on a new connection; a stream silent for
 * `timeoutMs` rejects with RequestTimeoutError, is cancelled, and the connection is pinged: one
 * that does not answer within PING_TIMEOUT_MS is closed, so the retries get a new one (client-go's
 * HTTP/2 health check does the same with its read-idle ping).
 */
import http2 from 'node:http2';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import tls from 'node:tls';
import { RequestTimeoutError } from '../http/errors.ts';

/** Where and how to connect. Holds key material: never print it. */
export interface H2Target {
  /** `https://host:port`: the authority of every stream. */
  origin: string;
  /** The host to connect to (an IPv6 literal without brackets) and its port. */
  hostname: string;
  port: number;
  ca: string | Buffer | undefined;
  cert: string | Buffer | undefined;
  key: string | Buffer | undefined;
  servername: string | undefined;
  insecure: boolean;
}

export interface H2Request {
  method: string;
  /** Path and query. */
  path: string;
  headers: OutgoingHttpHeaders;
  body?: string | undefined;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

export interface H2Response {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** How long a connection may take to answer a ping after a stream timed out. */
export const PING_TIMEOUT_MS = 15_000;

/** Connection-specific headers HTTP/2 forbids (RFC 9113 8.2.2). */
const HOP_BY_HOP = new Set([
  'connection',
  'host',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
]);

/** True unless DISABLE_HTTP2 is set (client-go's switch, with its meaning: any value turns it off). */
export function http2Allowed(env: NodeJS.ProcessEnv = process.env): boolean {
  return !env['DISABLE_HTTP2'];
}

export class H2Connection {
  readonly #target: H2Target;
  /** The connection streams go on, while it takes new ones. */
  #live: http2.ClientHttp2Session | undefined;
  #connecting: Promise<http2.ClientHttp2Session | null> | undefined;
  /** The server answered ALPN with HTTP/1.1: never try again. */
  #http1Only = false;
  /** Streams in flight per session (a replaced session may still carry some). */
  readonly #active = new WeakMap<http2.ClientHttp2Session, number>();

  constructor(target: H2Target) {
    this.#target = target;
  }

  /** The answer, or undefined when the server does not speak HTTP/2 (use HTTP/1.1). */
  async send(request: H2Request): Promise<H2Response | undefined> {
    if (this.#http1Only) return undefined;
    if (request.signal?.aborted) throw request.signal.reason as Error;
    const session = await this.#connected(request.timeoutMs);
    if (!session) return undefined;
    return this.#exchange(session, request);
  }

  /** Closes the connection once its streams have ended; a later send connects again. */
  close(): void {
    this.#live?.close();
    this.#live = undefined;
    void this.#connecting?.then(
      (session) => session?.close(),
      () => undefined,
    );
  }

  #connected(timeoutMs: number): Promise<http2.ClientHttp2Session | null> {
    const live = this.#live;
    if (live && !live.closed && !live.destroyed) return Promise.resolve(live);
    this.#connecting ??= this.#connect(timeoutMs).finally(() => (this.#connecting = undefined));
    return this.#connecting;
  }

  #connect(timeoutMs: number): Promise<http2.ClientHttp2Session | null> {
    const t = this.#target;
    // SNI must be a name: like Node's https agent, none for an IP address.
    const servername = t.servername ?? (isIP(t.hostname) ? undefined : t.hostname);
    return new Promise((resolve, reject) => {
      const socket = tls.connect({
        host: t.hostname,
        port: t.port,
        ...(servername !== undefined && { servername }),
        ca: t.ca,
        cert: t.cert,
        key: t.key,
        rejectUnauthorized: !t.insecure,
        ALPNProtocols: ['h2', 'http/1.1'],
      });
      if (timeoutMs > 0)
        socket.setTimeout(timeoutMs, () => socket.destroy(new RequestTimeoutError(timeoutMs)));
      socket.once('error', reject);
      socket.once('secureConnect', () => {
        socket.setTimeout(0);
        socket.removeListener('error', reject);
        if (socket.alpnProtocol !== 'h2') {
          this.#http1Only = true;
          socket.destroy();
          return resolve(null);
        }
        const session = http2.connect(t.origin, { createConnection: () => socket });
        const forget = (): void => this.#forget(session);
        // Errors reach the streams; a session that ends or is told to go away takes no new ones.
        session.on('error', forget);
        session.on('goaway', forget);
        session.on('close', forget);
        session.unref();
        this.#live = session;
        resolve(session);
      });
    });
  }

  #exchange(session: http2.ClientHttp2Session, request: H2Request): Promise<H2Response> {
    const headers: OutgoingHttpHeaders = { ':method': request.method, ':path': request.path };
    for (const [name, value] of Object.entries(request.headers))
      if (value !== undefined && !HOP_BY_HOP.has(name.toLowerCase())) headers[name.toLowerCase()] = value;
    return new Promise((resolve, reject) => {
      let stream: http2.ClientHttp2Stream;
      try {
        // endStream said outright: Node ends a DELETE's stream at once by default, and a
        // DELETE may carry DeleteOptions.
        const options = {
          endStream: request.body === undefined,
          ...(request.signal && { signal: request.signal }),
        };
        stream = session.request(headers, options);
      } catch (error) {
        // The session closed between connecting and this request.
        this.#forget(session);
        return reject(lost(error as Error));
      }
      this.#hold(session);
      let done = false;
      const settle = (error: Error | undefined, response?: H2Response): void => {
        if (done) return;
        done = true;
        this.#release(session);
        if (error) reject(error);
        else resolve(response as H2Response);
      };
      let status = 0;
      let responseHeaders: IncomingHttpHeaders = {};
      const chunks: Buffer[] = [];
      stream.on('response', (head) => {
        status = Number(head[':status']);
        responseHeaders = plainHeaders(head);
      });
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () =>
        status
          ? settle(undefined, {
              status,
              headers: responseHeaders,
              text: Buffer.concat(chunks).toString('utf8'),
            })
          : settle(lost(new Error('the stream ended without a response'))),
      );
      stream.on('error', (error: Error) =>
        settle(request.signal?.aborted ? (request.signal.reason as Error) : lost(error)),
      );
      // Closed before it ended: reset by the server, or its connection went away. Every stream
      // closes, so the errors (and their stack traces) are only made when it had not ended.
      stream.on('close', () => {
        if (!done) settle(lost(new Error(`stream closed (HTTP/2 error code ${stream.rstCode})`)));
      });
      if (request.timeoutMs > 0)
        stream.setTimeout(request.timeoutMs, () => {
          settle(new RequestTimeoutError(request.timeoutMs));
          stream.close(http2.constants.NGHTTP2_CANCEL);
          this.#checkAlive(session);
        });
      if (request.body !== undefined) stream.end(request.body);
    });
  }

  /** New streams no longer go on `session` (it ended, failed or was told to go away). */
  #forget(session: http2.ClientHttp2Session): void {
    if (this.#live === session) this.#live = undefined;
  }

  /** An idle session must not keep the process alive; one with streams in flight must. */
  #hold(session: http2.ClientHttp2Session): void {
    const active = this.#active.get(session) ?? 0;
    if (active === 0) session.ref();
    this.#active.set(session, active + 1);
  }

  #release(session: http2.ClientHttp2Session): void {
    const active = (this.#active.get(session) ?? 1) - 1;
    this.#active.set(session, active);
    if (active === 0 && !session.destroyed) session.unref();
  }

  /** After a stream timed out: a connection that cannot answer a ping is dead; close it. */
  #checkAlive(session: http2.ClientHttp2Session): void {
    if (session.destroyed) return;
    const dead = (): void => {
      this.#forget(session);
      session.destroy();
    };
    const timer = setTimeout(dead, PING_TIMEOUT_MS);
    timer.unref();
    const sent = session.ping((error) => {
      clearTimeout(timer);
      if (error) dead();
    });
    if (!sent) {
      clearTimeout(timer);
      dead();
    }
  }
}

/** A connection lost under a stream, in the code the caller retries on. */
function lost(cause: Error): Error {
  return Object.assign(new Error(`the HTTP/2 connection failed: ${cause.message}`), {
    code: 'ECONNRESET',
    cause,
  });
}

/** The response's headers without HTTP/2's pseudo-headers. */
function plainHeaders(head: http2.IncomingHttpHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(head)) if (!name.startsWith(':')) out[name] = value;
  return out;
}
