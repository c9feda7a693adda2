import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { waitForModule } from '../../../src/modules/builtin/wait-for.module.ts';
import { sleepSteppingClock } from '../../support/fake-clock.ts';
import { moduleContext } from '../../support/module-context.ts';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('wait_for', () => {
  it('returns as soon as a TCP port accepts connections', async () => {
    const server = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const result = await waitForModule.run({ host: '127.0.0.1', port, timeout: 5 }, moduleContext());
      assert.equal(result.failed, undefined);
      assert.equal(result['port'], port);
    } finally {
      server.close();
    }
  });

  it('times out on a closed port, sleeping between attempts through the clock', async () => {
    const clock = sleepSteppingClock();
    const ctx = moduleContext();
    ctx.services.clock = clock;
    const port = await freePort();
    const result = await waitForModule.run({ port, timeout: 3, sleep: 1, delay: 2 }, ctx);
    assert.equal(result.failed, true);
    assert.match(String(result.msg), new RegExp(`Timeout when waiting for 127.0.0.1:${port} to be ready`));
    assert.deepEqual(clock.sleeps, [2000, 1000]);
  });

  it('waits for a closed port with state stopped', async () => {
    const result = await waitForModule.run(
      { port: await freePort(), state: 'stopped', timeout: 1 },
      moduleContext(),
    );
    assert.equal(result.failed, undefined);
    assert.equal(result['state'], 'stopped');
  });

  it('polls a URL until it answers with an accepted status', async () => {
    let calls = 0;
    const server = createHttpServer((_req, res) => {
      calls++;
      res.statusCode = calls < 3 ? 503 : 200;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const clock = sleepSteppingClock();
    const ctx = moduleContext();
    ctx.services.clock = clock;
    try {
      const result = await waitForModule.run({ url: `http://127.0.0.1:${port}/healthz`, timeout: 30 }, ctx);
      assert.equal(result.failed, undefined);
      assert.equal(result['status'], 200);
      assert.equal(calls, 3);
      assert.deepEqual(clock.sleeps, [1000, 1000]);
      const wrong = await waitForModule.run(
        { url: `http://127.0.0.1:${port}/`, status_code: 204, timeout: 2, msg: 'never 204' },
        ctx,
      );
      assert.equal(wrong.failed, true);
      assert.equal(wrong.msg, 'never 204');
    } finally {
      server.close();
    }
  });
});
