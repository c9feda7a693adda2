/**
 * The bare client of the benchmarks' floor (bench/peers/floor.ts) and of bench/transport-cpu.ts:
 * requests to one API server and nothing else, over one HTTP/2 session or one keep-alive
 * HTTP/1.1 agent. No retries, no parsing: the caller gets the status and the body's text.
 */
import http2 from 'node:http2';
import https from 'node:https';

export type BareProtocol = 'http1' | 'http2';

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
