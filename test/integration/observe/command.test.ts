// `mcsync observe … -- COMMAND` on a real sandbox cluster: the child gets oc observe's argv and
// env; --once, --exit-after, --names/--delete, resync, retries, --maximum-errors, health endpoints,
// --hosts and leader election, asserted from what the commands themselves record.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import {
  freePort,
  imageStreamStatus,
  observeSandbox,
  putImageStream,
  readLines,
  scripts,
  startObserver,
  waitFor,
} from './helpers.ts';
import type { Observer } from './helpers.ts';

const { sandbox, east, west, south } = await observeSandbox({ after });
const kube = ['--kubeconfig', sandbox.kubeconfigFile, '--context', 'east'];

/**
 * `mcsync observe` of east's ImageStreams in `ns` with `args` after those, run in `dir` (where the
 * test's scripts are) with LOG=dir/log for them to append to, and `env`.
 */
function observeNamespace(
  t: TestContext,
  ns: string,
  dir: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Observer {
  return startObserver(t, [...kube, 'imagestreams', '-n', ns, ...args], {
    cwd: dir,
    env: { LOG: join(dir, 'log'), ...env },
  });
}

/** The seed's watch.sh contract: argv `namespace name annotation`; it acts only for `sync=me`. */
const WATCH_SH = `#!/bin/sh
echo "$1 $2 [$3] type=$OBS_TYPE cluster=$MCSYNC_CLUSTER" >> "$LOG"
if [ "$3" = "me" ]; then echo "sync $1/$2" >> "$LOG"; fi
`;

describe('mcsync observe with a command (oc observe parity)', () => {
  it("drives an unchanged watch.sh with oc's argv on the seed's command line, then exits with --once", async (t) => {
    const ns = await sandbox.namespace(t, { clusters: ['east'] });
    await putImageStream(east, ns, 'app', { sync: 'me' });
    await putImageStream(east, ns, 'other');
    const dir = await scripts({ 'watch.sh': WATCH_SH });
    const log = join(dir, 'log');
    const obs = startObserver(
      t,
      [
        'imagestreams',
        '--all-namespaces',
        '-a',
        '{ .metadata.annotations.sync }',
        '--once',
        '--listen-addr=',
        '--type-env-var',
        'OBS_TYPE',
        '--',
        './watch.sh',
      ],
      { cwd: dir, env: { KUBECONFIG: sandbox.kubeconfigFile, LOG: log } },
    );
    assert.equal(await obs.exited, 0, obs.stderr());
    const lines = await readLines(log);
    assert.ok(lines.includes(`${ns} app [me] type=Sync cluster=east`), lines.join('\n'));
    assert.ok(lines.includes(`${ns} other [] type=Sync cluster=east`), lines.join('\n'));
    assert.ok(lines.includes(`sync ${ns}/app`));
    assert.ok(!lines.includes(`sync ${ns}/other`));
    assert.match(obs.stdout(), new RegExp(`# \\S+ Sync \\d+\\t\\./watch\\.sh ${ns} app me\\n`));
  });

  it('runs the command for Added and Updated, --delete for Deleted, with the object in --object-env-var', async (t) => {
    const ns = await sandbox.namespace(t, { clusters: ['east'] });
    const dir = await scripts({
      'each.sh': `#!/bin/sh\necho "$OBS_TYPE $1 $2 [$3] $(printf '%s' "$OBS_OBJECT" | head -c 40)" >> "$LOG"\n`,
      'delete.sh': `#!/bin/sh\necho "DELETE $OBS_TYPE $* " >> "$LOG"\n`,
    });
    const log = join(dir, 'log');
    const obs = observeNamespace(t, ns, dir, [
      '--template',
      '{.metadata.annotations.sync}',
      '--listen-addr=',
      '-q',
      '--type-env-var',
      'OBS_TYPE',
      '--object-env-var',
      'OBS_OBJECT',
      '--delete',
      './delete.sh',
      '--',
      './each.sh',
    ]);
    await waitFor('the warning about --names', () => obs.stderr().includes('--names command'));
    await putImageStream(east, ns, 'app');
    await waitFor('Added', async () =>
      (await readLines(log)).some((l) => l.startsWith(`Added ${ns} app []`)),
    );
    await putImageStream(east, ns, 'app', { sync: 'me' });
    await waitFor('Updated', async () =>
      (await readLines(log)).some((l) =>
        l.startsWith(`Updated ${ns} app [me] {"apiVersion":"image.openshift.io/v1"`),
      ),
    );
    await east.admin.delete(`/apis/image.openshift.io/v1/namespaces/${ns}/imagestreams/app`);
    await waitFor('Deleted', async () => (await readLines(log)).includes(`DELETE Deleted ${ns} app me `));
    assert.equal(obs.stdout().includes('# '), false, '-q prints no header lines');
    obs.child.kill('SIGTERM');
    assert.equal(await obs.exited, 0);
  });

  it('--names lists known names; those the cluster lacks go to --delete with namespace and name only', async (t) => {
    const ns = await sandbox.namespace(t, { clusters: ['east'] });
    await putImageStream(east, ns, 'kept');
    const dir = await scripts({
      'names.sh': `#!/bin/sh\necho "${ns}/kept"\necho "${ns}/gone"\n`,
      'delete.sh': `#!/bin/sh\necho "delete $# $*" >> "$LOG"\n`,
      'each.sh': `#!/bin/sh\necho "each $1 $2" >> "$LOG"\n`,
    });
    const log = join(dir, 'log');
    const obs = observeNamespace(t, ns, dir, [
      '--once',
      '--listen-addr=',
      '--names',
      './names.sh',
      '--delete',
      './delete.sh',
      '--',
      './each.sh',
    ]);
    assert.equal(await obs.exited, 0, obs.stderr());
    assert.deepEqual((await readLines(log)).sort(), [`delete 2 ${ns} gone`, `each ${ns} kept`]);
  });

  it('--exit-after stops after the duration with exit 0; --resync-period re-runs every object as Sync', async (t) => {
    const ns = await sandbox.namespace(t, { clusters: ['east'] });
    await putImageStream(east, ns, 'app');
    const dir = await scripts({ 'each.sh': `#!/bin/sh\necho "$OBS_TYPE $2" >> "$LOG"\n` });
    const log = join(dir, 'log');
    const started = Date.now();
    const obs = observeNamespace(t, ns, dir, [
      '--exit-after',
      '3s',
      '--resync-period',
      '1s',
      '--listen-addr=',
      '--type-env-var',
      'OBS_TYPE',
      '--',
      './each.sh',
    ]);
    assert.equal(await obs.exited, 0, obs.stderr());
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 3000 && elapsed < 10_000, `exited after ${elapsed} ms`);
    assert.match(obs.stderr(), /Shutting down after 3s \.\.\./);
    const syncs = (await readLines(log)).filter((l) => l === 'Sync app').length;
    assert.ok(syncs >= 2, `the object ran as Sync ${syncs} times in 3 s with a 1 s resync`);
  });

  it('retries --retry-on-exit-code, requeues failures, and exits 1 at --maximum-errors', async (t) => {
    const ns = await sandbox.namespace(t, { clusters: ['east'] });
    // Two objects: a failed event counts once however often it is retried, as in oc observe.
    await putImageStream(east, ns, 'app');
    await putImageStream(east, ns, 'app2');
    const dir = await scripts({ 'fail.sh': `#!/bin/sh\necho "run $2" >> "$LOG"\nexit 3\n` });
    const log = join(dir, 'log');
    const obs = observeNamespace(t, ns, dir, [
      '--listen-addr=',
      '--retry-on-exit-code',
      '3',
      '--retry-count',
      '1',
      '--maximum-errors',
      '2',
      '--',
      './fail.sh',
    ]);
    assert.equal(await obs.exited, 1);
    assert.equal((await readLines(log)).length, 4, 'two failed events of one retry each');
    assert.match(obs.stderr(), /command "\.\/fail\.sh" exited with status code 3/);
    assert.match(obs.stderr(), /reached maximum error limit of 2, exiting/);
  });

  it('serves /healthz, /healthz/ready after the initial list, and /metrics with oc observe metric names', async (t) => {
    const ns = await sandbox.namespace(t, { clusters: ['east'] });
    await putImageStream(east, ns, 'app');
    const port = await freePort();
    const dir = await scripts({ 'ok.sh': '#!/bin/sh\nexit 0\n' });
    const obs = observeNamespace(t, ns, dir, [`--listen-addr=127.0.0.1:${port}`, '--', './ok.sh']);
    const base = `http://127.0.0.1:${port}`;
    await waitFor(
      'ready',
      async () => (await fetch(`${base}/healthz/ready`).catch(() => undefined))?.status === 200,
    );
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    const metrics = await waitFor('exec metrics', async () => {
      const text = await (await fetch(`${base}/metrics`)).text();
      return text.includes('observe_exec_durations_milliseconds_count') ? text : '';
    });
    assert.match(metrics, /observe_counts\{type="Sync"\} 1/);
    assert.match(metrics, /observe_exec_durations_milliseconds_count\{type="Sync",exit_code="0"\} 1/);
    assert.match(metrics, /observe_queue_depth 0/);
    assert.match(metrics, /observe_watch_reconnects\{cluster="east"\} 0/);
    obs.child.kill('SIGTERM');
    assert.equal(await obs.exited, 0);
  });

  it('--hosts watches every matching inventory host; the command learns the cluster from MCSYNC_CLUSTER', async (t) => {
    const ns = await sandbox.namespace(t, { clusters: ['west', 'south'] });
    await putImageStream(west, ns, 'w');
    await putImageStream(south, ns, 's');
    const dir = await scripts({ 'each.sh': '#!/bin/sh\necho "$MCSYNC_CLUSTER/$1/$2" >> "$LOG"\n' });
    const log = join(dir, 'log');
    const obs = startObserver(
      t,
      [
        'imagestreams',
        '-i',
        sandbox.inventoryFile,
        '--hosts',
        'slaves',
        '-n',
        ns,
        '--once',
        '--listen-addr=',
        '--',
        './each.sh',
      ],
      {
        cwd: dir,
        env: { LOG: log },
      },
    );
    assert.equal(await obs.exited, 0, obs.stderr());
    assert.deepEqual((await readLines(log)).sort(), [`south/${ns}/s`, `west/${ns}/w`]);
  });

  it('with --leader-elect only one of two observers acts; after SIGTERM the other takes over', async (t) => {
    const ns = await sandbox.namespace(t, { clusters: ['east'] });
    await putImageStream(east, ns, 'seed');
    const dir = await scripts({ 'each.sh': '#!/bin/sh\necho "$OBS_ID $2" >> "$LOG"\nsleep 0.05\n' });
    const log = join(dir, 'log');
    const args = (id: string): string[] => [
      '--listen-addr=',
      '--leader-elect',
      '--identity',
      id,
      '--lease-duration',
      '3s',
      '--renew-deadline',
      '2s',
      '--retry-period',
      '200ms',
      '--',
      './each.sh',
    ];
    const a = observeNamespace(t, ns, dir, args('a'), { OBS_ID: 'a' });
    await waitFor('a leads and syncs', async () => (await readLines(log)).includes('a seed'));
    const b = observeNamespace(t, ns, dir, args('b'), { OBS_ID: 'b' });
    await new Promise((r) => setTimeout(r, 1000));
    for (let i = 0; i < 5; i++) await putImageStream(east, ns, `one-${i}`);
    await waitFor('a handles the changes', async () => (await readLines(log)).includes('a one-4'));
    a.child.kill('SIGTERM');
    assert.equal(await a.exited, 0, a.stderr());
    await waitFor(
      'b takes over within the lease duration',
      async () => (await readLines(log)).includes('b seed'),
      5000,
    );
    for (let i = 0; i < 3; i++) await putImageStream(east, ns, `two-${i}`);
    await waitFor('b handles new changes', async () => (await readLines(log)).includes('b two-2'));
    const lines = await readLines(log);
    const lastA = lines.findLastIndex((l) => l.startsWith('a '));
    const firstB = lines.findIndex((l) => l.startsWith('b '));
    assert.ok(lastA < firstB, `the two never acted at the same time:\n${lines.join('\n')}`);
    assert.ok(!lines.some((l) => l.startsWith('a two-')), 'a acted after it stopped');
    b.child.kill('SIGTERM');
    assert.equal(await b.exited, 0);
    assert.equal(await imageStreamStatus(east, ns, 'seed'), 200);
  });
});
