// A local HTTPS file server for backup_location.protocol https: serves fixed paths (a body, or a
// redirect), checks a bearer token when one is set, and records every request it answered. The
// certificate is the sandbox's serving cert (for 127.0.0.1, signed by the sandbox CA), or the
// tests' self-signed one (test/support/self-signed.ts), which no client should trust.
import { readFile } from 'node:fs/promises';
import https from 'node:https';
import { sandboxLayout } from '../../../src/sandbox/layout.ts';

export type Route = { body: string | Buffer; type?: string } | { redirect: string };

export interface HttpsFileServer {
  /** `https://127.0.0.1:PORT` */
  origin: string;
  /** `path authorization-kind` per request answered (never the token itself). */
  requests: { path: string; auth: 'bearer-ok' | 'bearer-bad' | 'none' }[];
  close(): Promise<void>;
}

/** The sandbox's serving key and certificate (DIR/server/apiserver.{key,crt}). */
export async function sandboxServingCert(dir: string): Promise<{ key: Buffer; cert: Buffer }> {
  const layout = sandboxLayout(dir);
  return { key: await readFile(layout.serverKey), cert: await readFile(layout.serverCert) };
}

/** Starts the server on a free loopback port. */
export async function startHttpsFileServer(options: {
  tls: { key: string | Buffer; cert: string | Buffer };
  routes: Record<string, Route>;
  token?: string;
}): Promise<HttpsFileServer> {
  const requests: HttpsFileServer['requests'] = [];
  const server = https.createServer(options.tls, (req, res) => {
    const header = req.headers.authorization;
    const auth = !header ? 'none' : header === `Bearer ${options.token}` ? 'bearer-ok' : 'bearer-bad';
    const url = req.url ?? '/';
    requests.push({ path: url, auth });
    if (options.token && auth !== 'bearer-ok') {
      res.writeHead(401).end('unauthorized');
      return;
    }
    const route = options.routes[url];
    if (!route) res.writeHead(404).end('not found');
    else if ('redirect' in route) res.writeHead(302, { location: route.redirect }).end();
    else res.writeHead(200, { 'content-type': route.type ?? 'application/yaml' }).end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    origin: `https://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
