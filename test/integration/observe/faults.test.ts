// The observer end to end through apiserver faults: kill -9 and restart of the master's
// apiserver, then SIGSTOP/SIGCONT of it. After each, an ImageStream annotated afterwards still
// reaches every slave through `--playbook playbooks/watch.yml`. (410 Gone after an etcd
// compaction is exercised on the reflector itself in reflector.test.ts.)
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { observeImageStreams, observeSandbox, putImageStream, waitForImageStream } from './helpers.ts';

const { sandbox, east, slaves } = await observeSandbox({ after });
const AFTER_FAULT_MS = 40_000;

describe('mcsync observe through apiserver faults', () => {
  it('still syncs changes made after a kill -9 + restart and after a SIGSTOP/SIGCONT of the master', async (t) => {
    const { ns, obs } = await observeImageStreams(t, sandbox, slaves, {
      args: ['--when-annotation', 'sync=me', '--watch-silence-timeout', '5s'],
    });
    const synced = async (name: string): Promise<void> => {
      await putImageStream(east, ns, name, { sync: 'me' });
      await waitForImageStream(slaves, ns, name, AFTER_FAULT_MS, {
        what: (c) => `${name} on ${c.name}\n${obs.stdout()}\n${obs.stderr()}`,
      });
    };
    await synced('before');

    await sandbox.fault('kill', east.name);
    await sleep(500);
    await sandbox.fault('start', east.name);
    await synced('after-kill');

    await sandbox.fault('pause', east.name);
    t.after(() => sandbox.fault('resume', east.name).then(() => undefined));
    await sleep(7_000); // longer than the silence timeout: the watchdog restarts the watch
    await sandbox.fault('resume', east.name);
    await synced('after-pause');

    assert.equal(obs.child.exitCode, null, 'the observer is still running');
    const metrics = await (await fetch(`http://${obs.address}/metrics`)).text();
    assert.match(metrics, /observe_watch_reconnects\{cluster="east"\} [1-9]/);
    obs.child.kill('SIGTERM');
    assert.equal(await obs.exited, 0, obs.stderr());
  });
});
