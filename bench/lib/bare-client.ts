/**
 * The bare client of the benchmarks' floor (bench/peers/floor.ts) and of bench/transport-cpu.ts:
 * requests to one API server and nothing else, over one HTTP/2 session or one keep-alive
 * HTTP/1.1 agent (and, for transport-cpu's comparison, HTTP/1.1 by hand or undici). No retries,
 * no parsing: the caller gets the status and the body's text.
 */
import http2 from 'node:http2';
import https from 'node:https';
import tls from 'node:tls';
import { Pool } from 'undici';

export type BareProtocol = 'http1' | 'http2' | 'raw1' | 'undici';

/** Where to send and how to authenticate (the CA as PEM, the token as text). */
export interface BareTarget {
  url: string;
  ca: string | Buffer;
  token: string;
}

export interface BareRequest {
  method: string;
  /** Path and query. */
  path: string;
  /** A server-side apply's body (sent as application/apply-patch+yaml). */
  body?: string | undefined;
}

export interface BareClient {
  send(req: BareRequest): Promise<{ status: number; text: string }>;
  close(): void;
}

const APPLY = 'application/apply-patch+yaml';

/** The floor's protocol: HTTP/2, or HTTP/1.1 with MCSYNC_BENCH_FLOOR_HTTP1=1. */
export function floorProtocol(env: NodeJS.ProcessEnv = process.env): BareProtocol {
  return env['MCSYNC_BENCH_FLOOR_HTTP1'] === '1' ? 'http1' : 'http2';
}

/** A client of `target` over `protocol`; `inflight` bounds the HTTP/1.1 agent's sockets. */
export function bareClient(protocol: BareProtocol, target: BareTarget, inflight: number): BareClient {
  const auth = `Bearer ${target.token}`;
  if (protocol === 'raw1') return rawHttp1Client(target, auth, inflight);
  if (protocol === 'undici') return undiciClient(target, auth, inflight);
  return protocol === 'http2' ? http2Client(target, auth) : http1Client(target, auth, inflight);
}

function http2Client(target: BareTarget, auth: string): BareClient {
  const session = http2.connect(target.url, { ca: target.ca });
  return {
    send: (req) =>
      new Promise((resolve, reject) => {
        const headers: http2.OutgoingHttpHeaders = {
          ':method': req.method,
          ':path': req.path,
          authorization: auth,
          accept: 'application/json',
          ...(req.body !== undefined && { 'content-type': APPLY }),
        };
        const stream = session.request(headers, { endStream: req.body === undefined });
        let status = 0;
        const chunks: Buffer[] = [];
        stream.on('response', (head) => (status = Number(head[':status'])));
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => resolve({ status, text: Buffer.concat(chunks).toString('utf8') }));
        stream.on('error', reject);
        if (req.body !== undefined) stream.end(req.body);
      }),
    close: () => session.close(),
  };
}

function http1Client(target: BareTarget, auth: string, inflight: number): BareClient {
  const url = new URL(target.url);
  const agent = new https.Agent({ keepAlive: true, maxSockets: inflight, ca: target.ca });
  return {
    send: (req) =>
      new Promise((resolve, reject) => {
        const headers: Record<string, string> = { authorization: auth, accept: 'application/json' };
        if (req.body !== undefined) {
          headers['content-type'] = APPLY;
          headers['content-length'] = String(Buffer.byteLength(req.body));
        }
        const r = https.request(
          { host: url.hostname, port: url.port, path: req.path, method: req.method, headers, agent },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
            );
            res.on('error', reject);
          },
        );
        r.on('error', reject);
        r.end(req.body);
      }),
    close: () => agent.destroy(),
  };
}

/**
 * HTTP/1.1 written by hand over `inflight` keep-alive TLS sockets: one write per request and a
 * response parser that reads only the status line, Content-Length or chunked framing. What a
 * request costs when Node's HTTP machinery (streams, header objects, events) is taken away.
 */
function rawHttp1Client(target: BareTarget, auth: string, inflight: number): BareClient {
  const url = new URL(target.url);
  const head = `Host: ${url.host}\r\nAuthorization: ${auth}\r\nAccept: application/json\r\n`;
  interface Waiter {
    resolve: (r: { status: number; text: string }) => void;
    reject: (e: Error) => void;
  }
  interface Conn {
    socket: tls.TLSSocket;
    waiter: Waiter | undefined;
    buf: Buffer;
  }
  const idle: Conn[] = [];
  const queue: { bytes: string; waiter: Waiter }[] = [];
  const all: Conn[] = [];
  const dispatch = (conn: Conn): void => {
    const next = queue.shift();
    if (!next) {
      idle.push(conn);
      return;
    }
    conn.waiter = next.waiter;
    conn.socket.write(next.bytes);
  };
  const onData = (conn: Conn, chunk: Buffer): void => {
    conn.buf = conn.buf.length ? Buffer.concat([conn.buf, chunk]) : chunk;
    const end = conn.buf.indexOf('\r\n\r\n');
    if (end < 0) return;
    const header = conn.buf.toString('latin1', 0, end);
    const status = Number(header.slice(9, 12));
    const length = /\r\ncontent-length: *(\d+)/i.exec(header);
    let text: string;
    let rest: Buffer;
    if (length) {
      const size = Number(length[1]);
      if (conn.buf.length < end + 4 + size) return;
      text = conn.buf.toString('utf8', end + 4, end + 4 + size);
      rest = conn.buf.subarray(end + 4 + size);
    } else {
      // Chunked: wait for the last chunk, then join the chunks.
      const parts: Buffer[] = [];
      let at = end + 4;
      for (;;) {
        const lineEnd = conn.buf.indexOf('\r\n', at);
        if (lineEnd < 0) return;
        const size = parseInt(conn.buf.toString('latin1', at, lineEnd), 16);
        if (conn.buf.length < lineEnd + 2 + size + 2) return;
        if (size === 0) {
          at = lineEnd + 4;
          break;
        }
        parts.push(conn.buf.subarray(lineEnd + 2, lineEnd + 2 + size));
        at = lineEnd + 2 + size + 2;
      }
      text = Buffer.concat(parts).toString('utf8');
      rest = conn.buf.subarray(at);
    }
    conn.buf = rest;
    const waiter = conn.waiter!;
    conn.waiter = undefined;
    waiter.resolve({ status, text });
    dispatch(conn);
  };
  const open = (): Conn => {
    const socket = tls.connect({
      host: url.hostname,
      port: Number(url.port),
      ca: target.ca,
      ALPNProtocols: ['http/1.1'],
    });
    const conn: Conn = { socket, waiter: undefined, buf: Buffer.alloc(0) };
    socket.on('data', (chunk: Buffer) => onData(conn, chunk));
    // A socket that fails or closes leaves the pool and fails its request: never a hang.
    const drop = (error: Error): void => {
      const at = all.indexOf(conn);
      if (at < 0) return; // 'error' is followed by 'close'
      all.splice(at, 1);
      if (idle.includes(conn)) idle.splice(idle.indexOf(conn), 1);
      conn.waiter?.reject(error);
      conn.waiter = undefined;
      // Requests still queued take a new socket in its place.
      if (queue.length) dispatch(open());
    };
    socket.on('error', drop);
    socket.on('close', () => drop(new Error('the connection closed')));
    all.push(conn);
    return conn;
  };
  return {
    send: (req) =>
      new Promise((resolve, reject) => {
        let bytes = `${req.method} ${req.path} HTTP/1.1\r\n${head}`;
        bytes +=
          req.body === undefined
            ? '\r\n'
            : `Content-Type: ${APPLY}\r\nContent-Length: ${Buffer.byteLength(req.body)}\r\n\r\n${req.body}`;
        queue.push({ bytes, waiter: { resolve, reject } });
        const conn = idle.pop() ?? (all.length < inflight ? open() : undefined);
        if (conn) dispatch(conn);
      }),
    close: () => [...all].forEach((c) => c.socket.destroy()),
  };
}

/** undici's Pool (llhttp, Node's fetch engine): `inflight` keep-alive HTTP/1.1 connections. */
function undiciClient(target: BareTarget, auth: string, inflight: number): BareClient {
  const pool = new Pool(target.url, { connections: inflight, pipelining: 1, connect: { ca: target.ca } });
  return {
    send: async (req) => {
      const headers: Record<string, string> = { authorization: auth, accept: 'application/json' };
      if (req.body !== undefined) headers['content-type'] = APPLY;
      const res = await pool.request({
        method: req.method as 'PATCH',
        path: req.path,
        headers,
        body: req.body ?? null,
      });
      return { status: res.statusCode, text: await res.body.text() };
    },
    close: () => void pool.close(),
  };
}
