import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDefaultServices, createProcessRunner, systemClock } from '../../../src/modules/services.ts';

describe('process runner', () => {
  const runner = createProcessRunner();

  it('captures stdout, stderr and the exit code of an argv', async () => {
    assert.deepEqual(await runner.run(['sh', '-c', 'echo out; echo err >&2; exit 5']), {
      exitCode: 5,
      stdout: 'out\n',
      stderr: 'err\n',
    });
  });

  it('passes env, cwd and stdin', async () => {
    const result = await runner.run(['sh', '-c', 'cat; echo "$FOO"; pwd'], {
      env: { FOO: 'bar', PATH: process.env['PATH'] },
      cwd: '/',
      input: 'in\n',
    });
    assert.equal(result.stdout, 'in\nbar\n/\n');
  });

  it('rejects when a program cannot start', async () => {
    await assert.rejects(runner.run(['/no/such/program']), { code: 'ENOENT' });
  });

  it('kills the child on timeout and on abort', async () => {
    await assert.rejects(runner.run(['sleep', '5'], { timeoutMs: 50 }), /timed out after 50 ms/);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop now')), 50);
    await assert.rejects(runner.run(['sleep', '5'], { signal: controller.signal }), /stop now/);
  });
});

describe('system clock', () => {
  it('sleeps and stops sleeping when aborted', async () => {
    const clock = systemClock();
    const start = clock.now();
    await clock.sleep(20);
    assert.ok(clock.now() - start >= 15);
    await assert.rejects(clock.sleep(10_000, AbortSignal.timeout(20)));
  });

  it('comes with an empty run cache in the default services', () => {
    assert.equal(createDefaultServices().runCache.size, 0);
  });
});
