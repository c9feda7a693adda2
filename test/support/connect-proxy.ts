// A small HTTP proxy for tests: CONNECT tunnels (https targets) and absolute-form requests (http
// targets), counted per target. Names under `.proxied.test` resolve to 127.0.0.1 here only, as a
// corporate proxy resolves names the client cannot: a client that reaches such a host proved it
// went through the proxy.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ConnectProxy {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** CONNECT tunnels opened, per `host:port` as the client asked. */
  tunnels: Map<string, number>;
  /** Absolute-form requests forwarded, per `host:port`. */
  forwarded: Map<string, number>;
  /** Every tunnel and forwarded request. */
  total(): number;
  close(): Promise<void>;
}

const bump = (map: Map<string, number>, key: string): void => void map.set(key, (map.get(key) ?? 0) + 1);

/** Where the proxy itself connects for a requested host. */
function resolveHost(host: string): string {
  return host.endsWith('.proxied.test') ? '127.0.0.1' : host;
}

export async function startConnectProxy(): Promise<ConnectProxy> {
  const tunnels = new Map<string, number>();
  const forwarded = new Map<string, number>();
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const target = new URL(req.url ?? '/');
    bump(forwarded, target.host);
    const upstream = http.request(
      {
        host: resolveHost(target.hostname),
        port: target.port || 80,
        path: target.pathname + target.search,
        method: req.method,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const target = req.url ?? '';
    const colon = target.lastIndexOf(':');
    bump(tunnels, target);
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    const upstream = net.connect(Number(target.slice(colon + 1)), resolveHost(target.slice(0, colon)), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'));
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels,
    forwarded,
    total: () => [...tunnels.values(), ...forwarded.values()].reduce((a, b) => a + b, 0),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A plain TCP forwarder on `host` to `to` (counting connections): a second way to one server. */
export async function startForwarder(
  host: string,
  to: { host: string; port: number },
): Promise<{ port: number; connections(): number; close(): Promise<void> }> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    connections++;
    const upstream = net.connect(to.port, to.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
