// Start-up without a backlog (issue 15): 300 annotated ImageStreams already on the master (east)
// when `mcsync observe --playbook playbooks/watch.yml` starts. A change made right after
// /healthz/ready reaches both slaves within 2 s, or as fast as the same change in steady state
// when the machine is loaded (before, it waited behind one run per existing object: 64 s), and
// the 300 are reconciled in one batched pass: one list of ImageStreams per slave and one write
// per object, counted on the slaves' own API servers.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { SandboxClusterHandle } from '../../support/clusters.ts';
import { ok } from '../../support/kube-api.ts';
import { cleanupNamespace } from '../../support/namespaces.ts';
import {
  metric,
  observeSandbox,
  putImageStream,
  startReadyObserver,
  waitFor,
  waitForImageStream,
} from './helpers.ts';

const { sandbox, east, slaves } = await observeSandbox({ after });
const EXISTING = 300;
const BOUND_MS = 2_000;

/** The slave API server's own count of ImageStream requests: lists in a namespace, applies. */
async function imageStreamRequests(c: SandboxClusterHandle): Promise<{ lists: number; applies: number }> {
  const text = ok(await c.admin.get('/metrics'), `metrics of ${c.name}`).text;
  let lists = 0;
  let applies = 0;
  for (const code of ['200', '201']) {
    const series = { resource: 'imagestreams', subresource: '', code };
    lists += metric(text, 'apiserver_request_total', { ...series, verb: 'LIST', scope: 'namespace' }) ?? 0;
    applies += metric(text, 'apiserver_request_total', { ...series, verb: 'APPLY' }) ?? 0;
  }
  return { lists, applies };
}

async function createStreams(ns: string, names: readonly string[]): Promise<void> {
  const queue = [...names];
  const writer = async (): Promise<void> => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift())
      ok(
        await east.admin.post(`/apis/image.openshift.io/v1/namespaces/${ns}/imagestreams`, {
          apiVersion: 'image.openshift.io/v1',
          kind: 'ImageStream',
          metadata: { name, namespace: ns, annotations: { sync: 'me' } },
          spec: {},
        }),
        `create ${name}`,
      );
  };
  await Promise.all(Array.from({ length: 10 }, writer));
}

describe('mcsync observe --playbook with 300 annotated objects before it starts', () => {
  it('a change right after ready reaches both slaves within 2 s; the 300 take one batched pass', async (t) => {
    const ns = await sandbox.namespace(t, { clusters: ['east'] });
    cleanupNamespace(t, slaves, ns);
    const names = Array.from({ length: EXISTING }, (_, i) => `old${String(i).padStart(3, '0')}`);
    await createStreams(ns, names);
    const before = await Promise.all(slaves.map(imageStreamRequests));

    const obs = await startReadyObserver(
      t,
      [
        'imagestreams',
        '-n',
        ns,
        '-i',
        sandbox.inventoryFile,
        '--playbook',
        'playbooks/watch.yml',
        '--when-annotation',
        'sync=me',
      ],
      { readyTimeoutMs: 60_000 },
    );
    const changed = Date.now();
    await putImageStream(east, ns, 'late', { sync: 'me' });
    const arrival = await Promise.all(
      slaves.map(async (c) => {
        await waitForImageStream([c], ns, 'late', 30_000);
        return Date.now() - changed;
      }),
    );
    const passDone = /# \S+ Sync /.test(obs.stdout());
    t.diagnostic(
      `late on west after ${arrival[0]} ms, on south after ${arrival[1]} ms (pass done: ${passDone})`,
    );

    // All 300 on both slaves: wait for the pass's line, then look once per slave.
    const pass = new RegExp(`# \\S+ Sync east/${ns}/\\* objects=(\\d+) exit=0 (\\d+)ms`);
    await waitFor('the pass', () => pass.test(obs.stdout()), 120_000);
    for (const c of slaves) {
      const list = ok(
        await c.admin.get(`/apis/image.openshift.io/v1/namespaces/${ns}/imagestreams`),
        `list on ${c.name}`,
      ).json as { items: { metadata: { name: string } }[] };
      const onSlave = new Set(list.items.map((i) => i.metadata.name));
      assert.deepEqual(
        names.filter((n) => !onSlave.has(n)),
        [],
        `every existing stream is on ${c.name}`,
      );
    }
    const after = await Promise.all(slaves.map(imageStreamRequests));
    // The same change in steady state: what "as fast" is measured against on this machine.
    const steadyStart = Date.now();
    await putImageStream(east, ns, 'steady', { sync: 'me' });
    await waitForImageStream(slaves, ns, 'steady', 30_000);
    const steadyMs = Date.now() - steadyStart;
    t.diagnostic(`the same change in steady state: on both slaves after ${steadyMs} ms`);
    obs.child.kill('SIGTERM');
    assert.equal(await obs.exited, 0, obs.stderr());

    const [, objects, passMs] = pass.exec(obs.stdout()) ?? [];
    const runs = obs
      .stdout()
      .split('\n')
      .filter((l) => / exit=\d+ /.test(l));
    t.diagnostic(`one pass over ${objects} objects in ${passMs} ms; ${runs.length} runs in all`);
    for (const [i, c] of slaves.entries()) {
      const lists = (after[i]?.lists ?? 0) - (before[i]?.lists ?? 0) - 1; // the test's own list above
      const applies = (after[i]?.applies ?? 0) - (before[i]?.applies ?? 0);
      t.diagnostic(`${c.name}: ${lists} ImageStream lists, ${applies} applies by the observer`);
      assert.ok(lists <= 4, `${c.name}: ${lists} lists (one per run: the pass, late and its re-run)`);
      assert.ok(applies >= EXISTING + 1 && applies <= EXISTING + 3, `${c.name}: ${applies} applies`);
    }
    assert.ok(runs.length <= 4, `runs:\n${runs.join('\n')}`);
    assert.doesNotMatch(obs.stdout(), /Sync east\/[^/]+\/old/, 'no run per existing object');
    // 2 s on an idle machine; a loaded one (other test suites on the 2 cores) makes the steady
    // state itself slower, and the change after ready must then be as fast as that.
    const bound = Math.max(BOUND_MS, 1.5 * steadyMs);
    for (const [i, ms] of arrival.entries())
      assert.ok(
        ms < bound,
        `late reached ${slaves[i]?.name} ${ms} ms after the change (bound ${bound} ms, steady state ${steadyMs} ms)`,
      );
  });
});
