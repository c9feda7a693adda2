/**
 * The observer's HTTP endpoints, as oc observe serves them on `--listen-addr` (default `:11251`):
 * `/metrics` (Prometheus text), `/healthz` (liveness: 200 unless healthy() says otherwise) and
 * `/healthz/ready` (readiness: 200 only once ready(), i.e. after the initial list).
 */
import { http } from '../shared/node-http.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UsageError } from '../errors.ts';
import { METRICS_CONTENT_TYPE } from './metrics.ts';
import type { Metrics } from './metrics.ts';

export interface HealthServerOptions {
  /** `:11251` (all interfaces), `127.0.0.1:0`, `[::1]:8080`; '' disables the server. */
  listenAddr: string;
  metrics: Pick<Metrics, 'render'>;
  ready(): boolean;
  healthy?(): boolean;
}

export interface HealthServer {
  address: string;
  port: number;
  close(): Promise<void>;
}

/** Splits a listen address into host (undefined: all interfaces) and port; UsageError when malformed. */
export function parseListenAddr(listenAddr: string): { host: string | undefined; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(listenAddr.trim());
  const port = Number(match?.[3]);
  if (!match || port > 65535) {
    throw new UsageError(
      `--listen-addr '${listenAddr}' is not HOST:PORT (e.g. ':11251' or '127.0.0.1:8080')`,
    );
  }
  return { host: match[1] ?? (match[2] || undefined), port };
}

/**
 * Starts the server and resolves once it listens (undefined when `listenAddr` is empty). Rejects
 * when the address is malformed (UsageError) or cannot be bound (EADDRINUSE...).
 */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer | undefined> {
  if (!options.listenAddr) return undefined;
  const { host, port } = parseListenAddr(options.listenAddr);
  const server = http.createServer((req, res) => void respond(options, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    address: address.address,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function respond(
  options: HealthServerOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed\n');
  try {
    if (path === '/metrics') return send(res, 200, await options.metrics.render(), METRICS_CONTENT_TYPE);
    if (path === '/healthz') {
      const healthy = options.healthy?.() ?? true;
      return send(res, healthy ? 200 : 500, healthy ? 'ok\n' : 'unhealthy\n');
    }
    if (path === '/healthz/ready') {
      const ready = options.ready();
      return send(res, ready ? 200 : 503, ready ? 'ok\n' : 'not ready\n');
    }
    send(res, 404, 'not found\n');
  } catch (error) {
    send(res, 500, `${(error as Error).message}\n`);
  }
}

function send(
  res: ServerResponse,
  status: number,
  body: string,
  contentType = 'text/plain; charset=utf-8',
): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
