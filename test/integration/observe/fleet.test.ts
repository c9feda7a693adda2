// `mcsync observe --playbook` on a fleet with one slave down: the observer keeps running, runs
// skip the down slave so the healthy one gets every change, the log says once which slave is
// down and once that it is back, and the slave that comes back is sent what it missed (a new
// object, a deletion, a removed annotation) without a restart and without --prune.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { sandboxClusters } from '../../support/clusters.ts';
import {
  imageStreamStatus,
  metric,
  putImageStream,
  startReadyObserver,
  waitFor,
  watchPlaybookArgs,
} from './helpers.ts';

const sandbox = await sandboxClusters({ after }, { clusters: 3 });
const east = sandbox.cluster('east');
const west = sandbox.cluster('west');
const south = sandbox.cluster('south');

/** A fresh namespace on east; deleted after `t` from the slaves too, where the playbook made it. */
async function namespaceOnEast(t: TestContext): Promise<string> {
  const ns = await sandbox.namespace(t, { clusters: ['east'] });
  t.after(() =>
    Promise.all([west, south].map((c) => c.admin.delete(`/api/v1/namespaces/${ns}`).catch(() => undefined))),
  );
  return ns;
}

describe('mcsync observe --playbook with one slave down', () => {
  it('keeps syncing the healthy slave, never exits, and catches the slave up when it is back', async (t) => {
    const ns = await namespaceOnEast(t);
    for (let i = 0; i < 3; i++) await putImageStream(east, ns, `old${i}`, { sync: 'me' });
    const obs = await startReadyObserver(t, [
      ...watchPlaybookArgs(sandbox.inventoryFile, ['-n', ns]),
      '--maximum-errors',
      '2',
      '--resync-period',
      '2s',
    ]);
    const on = async (c: typeof west, name: string): Promise<number> => imageStreamStatus(c, ns, name);
    await waitFor('old0..2 on south', async () => (await on(south, 'old2')) === 200);

    await sandbox.fault('kill', south.name);
    t.after(() => sandbox.fault('start', south.name).then(() => undefined));
    await putImageStream(east, ns, 'app', { sync: 'me' });
    const path = `/apis/image.openshift.io/v1/namespaces/${ns}/imagestreams`;
    assert.equal((await east.admin.delete(`${path}/old0`)).status, 200);
    await putImageStream(east, ns, 'old1', {});
    await waitFor('app on west', async () => (await on(west, 'app')) === 200, 10_000);
    await waitFor(
      'old0 and old1 gone from west',
      async () => (await on(west, 'old0')) + (await on(west, 'old1')) === 808,
    );
    const metrics = async (): Promise<string> => (await fetch(`http://${obs.address}/metrics`)).text();
    await waitFor(
      'south counted down',
      async () => metric(await metrics(), 'observe_target_down', { target: 'south' }) === 1,
    );
    // The first change found south down (exit 4); the ones after it skipped south and exited 0.
    assert.match(obs.stdout(), / Added \S+\/app exit=4 /, obs.stdout());
    assert.match(obs.stdout(), / Deleted \S+\/old0 exit=0 /, obs.stdout());
    assert.match(obs.stdout(), / Updated \S+\/old1 exit=0 /, obs.stdout());
    assert.equal(metric(await metrics(), 'observe_target_queue_depth', { target: 'south' }), 3);

    await sandbox.fault('start', south.name);
    const started = Date.now();
    await waitFor(
      'south caught up',
      async () =>
        (await on(south, 'app')) === 200 &&
        (await on(south, 'old0')) === 404 &&
        (await on(south, 'old1')) === 404,
      60_000,
    );
    t.diagnostic(`south caught up ${Date.now() - started} ms after its API server was started again`);
    assert.equal(await on(south, 'old2'), 200);
    const up = await metrics();
    assert.equal(metric(up, 'observe_target_down', { target: 'south' }), 0);
    assert.equal(metric(up, 'observe_target_queue_depth', { target: 'south' }), 0);
    assert.equal(obs.child.exitCode, null, `the observer is still running:\n${obs.stderr()}`);
    assert.equal(obs.stderr().match(/warning: target south is unreachable/g)?.length, 1, obs.stderr());
    assert.equal(
      obs.stderr().match(/target south recovered after \d+ failed runs/g)?.length,
      1,
      obs.stderr(),
    );

    obs.child.kill('SIGTERM');
    assert.equal(await obs.exited, 0, obs.stderr());
    assert.doesNotMatch(obs.stderr(), /maximum error limit/);
  });
});

describe('mcsync observe --playbook started while a slave is down', () => {
  // Its first contact with the slave is while the slave's API server starts, before its CRDs are
  // in discovery: the kind it missed then is looked up again on a later recovery.
  it('catches the slave up when it comes back', async (t) => {
    const ns = await namespaceOnEast(t);
    await putImageStream(east, ns, 'before', { sync: 'me' });
    await sandbox.fault('kill', south.name);
    t.after(() => sandbox.fault('start', south.name).then(() => undefined));
    const obs = await startReadyObserver(t, [
      ...watchPlaybookArgs(sandbox.inventoryFile, ['-n', ns]),
      '--resync-period',
      '2s',
      '-v',
    ]);
    await putImageStream(east, ns, 'during', { sync: 'me' });
    await waitFor('during on west', async () => (await imageStreamStatus(west, ns, 'during')) === 200);
    await sandbox.fault('start', south.name);
    const started = Date.now();
    await waitFor(
      'before and during on south',
      async () =>
        (await imageStreamStatus(south, ns, 'before')) === 200 &&
        (await imageStreamStatus(south, ns, 'during')) === 200,
      60_000,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${obs.stdout().split('\n').slice(-40).join('\n')}`);
    });
    t.diagnostic(`south caught up ${Date.now() - started} ms after its API server was started again`);
    assert.match(obs.stderr(), /target south recovered after \d+ failed runs/, obs.stderr());
    assert.equal(obs.child.exitCode, null, obs.stderr());
  });
});
