// `mcsync observe --playbook` on a fleet with one slave down: the observer keeps running past
// --maximum-errors unreachable-only runs, the healthy slave gets every change, and the log says
// once which slave is down. (A slave coming back is not covered: while its API server starts,
// runs fail on it with exit 2, and those still count as errors.)
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { sandboxClusters } from '../../support/clusters.ts';
import {
  imageStreamStatus,
  putImageStream,
  readiness,
  startObserver,
  waitFor,
  watchPlaybookArgs,
} from './helpers.ts';

const sandbox = await sandboxClusters({ after }, { clusters: 3 });
const east = sandbox.cluster('east');
const west = sandbox.cluster('west');
const south = sandbox.cluster('south');

describe('mcsync observe --playbook with one slave down', () => {
  it('keeps syncing the healthy slave and never exits at --maximum-errors', async (t) => {
    const ns = await sandbox.namespace(t, { clusters: ['east'] });
    t.after(() =>
      Promise.all(
        [west, south].map((c) => c.admin.delete(`/api/v1/namespaces/${ns}`).catch(() => undefined)),
      ),
    );
    for (let i = 0; i < 4; i++) await putImageStream(east, ns, `old${i}`, { sync: 'me' });
    await sandbox.fault('kill', south.name);
    t.after(() => sandbox.fault('start', south.name).then(() => undefined));
    const health = await readiness();
    const obs = startObserver(t, [
      ...watchPlaybookArgs(sandbox.inventoryFile, ['-n', ns]),
      '--maximum-errors',
      '2',
      '--resync-period',
      '2s',
      health.flag,
    ]);
    await health.ready();
    await putImageStream(east, ns, 'app', { sync: 'me' });
    await waitFor('app on west', async () => (await imageStreamStatus(west, ns, 'app')) === 200, 10_000);
    for (let i = 0; i < 4; i++) assert.equal(await imageStreamStatus(west, ns, `old${i}`), 200);
    await waitFor(
      'the unreachable-only runs to go past --maximum-errors',
      () => (obs.stdout().match(/ exit=4 /g)?.length ?? 0) > 4,
    );
    assert.equal(obs.child.exitCode, null, `the observer is still running:\n${obs.stderr()}`);
    assert.equal(obs.stderr().match(/warning: target south is unreachable/g)?.length, 1, obs.stderr());

    obs.child.kill('SIGTERM');
    assert.equal(await obs.exited, 0, obs.stderr());
    assert.doesNotMatch(obs.stderr(), /maximum error limit/);
  });
});
