// The observer's health endpoints on a real socket (127.0.0.1, a free port).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../../src/errors.ts';
import { parseListenAddr, startHealthServer } from '../../../src/observe/health-server.ts';
import { MetricsRegistry } from '../../../src/observe/metrics.ts';

describe('health server', () => {
  it('serves /metrics, /healthz and /healthz/ready (ready only once ready() says so)', async (t) => {
    const metrics = new MetricsRegistry();
    metrics.counter('observe_counts', 'Changes.', ['type']).inc({ type: 'Sync' });
    let ready = false;
    let healthy = true;
    const server = await startHealthServer({
      listenAddr: '127.0.0.1:0',
      metrics,
      ready: () => ready,
      healthy: () => healthy,
    });
    assert.ok(server);
    t.after(() => server.close());
    assert.equal(server.address, '127.0.0.1');
    assert.ok(server.port > 0);
    const base = `http://127.0.0.1:${server.port}`;

    const m = await fetch(`${base}/metrics`);
    assert.equal(m.status, 200);
    assert.equal(m.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    assert.match(await m.text(), /^observe_counts\{type="Sync"\} 1$/m);

    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    const notReady = await fetch(`${base}/healthz/ready`);
    assert.equal(notReady.status, 503);
    assert.equal(await notReady.text(), 'not ready\n');
    ready = true;
    assert.equal((await fetch(`${base}/healthz/ready`)).status, 200);
    healthy = false;
    assert.equal((await fetch(`${base}/healthz`)).status, 500);
    assert.equal((await fetch(`${base}/nope`)).status, 404);
    assert.equal((await fetch(`${base}/metrics`, { method: 'POST' })).status, 405);
  });

  it('is disabled by an empty listen address', async () => {
    const server = await startHealthServer({
      listenAddr: '',
      metrics: new MetricsRegistry(),
      ready: () => true,
    });
    assert.equal(server, undefined);
  });

  it('stops accepting connections after close()', async () => {
    const server = await startHealthServer({
      listenAddr: '127.0.0.1:0',
      metrics: new MetricsRegistry(),
      ready: () => true,
    });
    assert.ok(server);
    await server.close();
    await assert.rejects(fetch(`http://127.0.0.1:${server.port}/healthz`));
  });

  it('rejects when the port is taken', async (t) => {
    const first = await startHealthServer({
      listenAddr: '127.0.0.1:0',
      metrics: new MetricsRegistry(),
      ready: () => true,
    });
    assert.ok(first);
    t.after(() => first.close());
    await assert.rejects(
      startHealthServer({
        listenAddr: `127.0.0.1:${first.port}`,
        metrics: new MetricsRegistry(),
        ready: () => true,
      }),
      /EADDRINUSE/,
    );
  });

  it("parses oc's listen addresses: ':11251' is every interface", () => {
    assert.deepEqual(parseListenAddr(':11251'), { host: undefined, port: 11251 });
    assert.deepEqual(parseListenAddr('127.0.0.1:0'), { host: '127.0.0.1', port: 0 });
    assert.deepEqual(parseListenAddr('[::1]:8080'), { host: '::1', port: 8080 });
    assert.deepEqual(parseListenAddr('localhost:9'), { host: 'localhost', port: 9 });
    assert.throws(() => parseListenAddr('11251'), UsageError);
    assert.throws(() => parseListenAddr(':99999'), /not HOST:PORT/);
  });
});
