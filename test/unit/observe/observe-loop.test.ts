import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import type { KubeClient } from '../../../src/kube/client.ts';
import type { KubeObject, ResourceInfo } from '../../../src/kube/types.ts';
import type { ObservedEvent, Reflector, ReflectorOptions } from '../../../src/observe/contracts.ts';
import { MetricsRegistry } from '../../../src/observe/metrics.ts';
import { startObserveLoop } from '../../../src/observe/observe-loop.ts';
import type { LoopConfig } from '../../../src/observe/observe-loop.ts';
import { observeMetrics } from '../../../src/observe/observe-metrics.ts';
import type {
  RunScope,
  TargetResult,
  Trigger,
  TriggerItem,
  TriggerOutcome,
} from '../../../src/observe/trigger.ts';
import { createWorkQueue } from '../../../src/observe/work-queue.ts';
import { FakeClock } from '../../support/fake-clock.ts';

const configmaps: ResourceInfo = {
  group: '',
  version: 'v1',
  apiVersion: 'v1',
  kind: 'ConfigMap',
  resource: 'configmaps',
  namespaced: true,
  verbs: ['list', 'watch'],
  shortNames: ['cm'],
  singular: 'configmap',
};
const cm = (name: string, rv: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'ns', resourceVersion: rv },
});

/**
 * A reflector that emits the given initial objects as Sync (then says the store is synced), then
 * whatever the test pushes; `relist` replaces the store as a relist would and says so.
 */
function fakeReflector(initial: KubeObject[]): {
  start(o: ReflectorOptions): Reflector;
  push(e: Omit<ObservedEvent, 'cluster'>): void;
  relist(objects: KubeObject[]): void;
} {
  let options: ReflectorOptions | undefined;
  const store = new Map(initial.map((obj) => [`ns/${obj.metadata?.name}`, obj]));
  return {
    start(o) {
      options = o;
      const synced = Promise.resolve().then(() => {
        for (const obj of initial)
          o.onEvent({
            type: 'Sync',
            cluster: o.cluster,
            namespace: 'ns',
            name: obj.metadata?.name ?? '',
            object: obj,
          });
        o.onStoreSynced?.('list');
      });
      return {
        synced,
        store,
        stats: { reconnects: 0, relists: 0, watchdogRestarts: 0, lastSyncMs: 0 },
        stop: async () => undefined,
      };
    },
    push(e) {
      if (e.type === 'Deleted') store.delete(`ns/${e.name}`);
      else store.set(`ns/${e.name}`, e.object);
      options?.onEvent({ ...e, cluster: 'east' });
    },
    relist(objects) {
      store.clear();
      for (const obj of objects) store.set(`ns/${obj.metadata?.name}`, obj);
      options?.onStoreSynced?.('relist');
    },
  };
}

/** A trigger that takes passes: records each run and each pass (with its object count). */
function passingTrigger(
  options: { passMs?: number; passOutcome?: () => TriggerOutcome } = {},
): Trigger & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    async run(item): Promise<TriggerOutcome> {
      log.push(`run ${item.type} ${item.name}`);
      return { exitCode: 0 };
    },
    async runPass(pass): Promise<TriggerOutcome> {
      log.push(`pass ${pass.key} ${pass.cause} objects=${pass.objects.length}`);
      if (options.passMs) await new Promise((r) => setTimeout(r, options.passMs));
      log.push(`pass end`);
      return options.passOutcome?.() ?? { exitCode: 0 };
    },
  };
}

/** `only=west`, `except=west`, or `all`: how a run was scoped, for the logs of the tests. */
const scopeText = (scope: RunScope | undefined): string =>
  scope?.only
    ? `only=${scope.only.join(',')}`
    : scope?.except?.length
      ? `except=${scope.except.join(',')}`
      : 'all';

/**
 * A playbook-like trigger over the targets west and north: each run reports a result per target
 * in its scope, `result(target)` deciding it; a run with a target not ok fails as the playbook
 * does (exit 4 when one was unreachable, 2 when one failed).
 */
function fleetTrigger(
  result: (target: string, work: string) => TargetResult,
  options: { passes?: boolean } = {},
): Trigger & { log: string[] } {
  const log: string[] = [];
  const outcome = (work: string, scope: RunScope | undefined): TriggerOutcome => {
    const hosts = (scope?.only ?? ['west', 'north']).filter((t) => !scope?.except?.includes(t));
    const targets = Object.fromEntries(hosts.map((t) => [t, result(t, work)]));
    const results = Object.values(targets);
    if (results.every((r) => r === 'ok')) return { exitCode: 0, targets };
    return { exitCode: results.includes('unreachable') ? 4 : 2, error: `${work} failed`, targets };
  };
  const trigger: Trigger & { log: string[] } = {
    log,
    async run(item, _signal, scope) {
      const work = `${item.type} ${item.name}@${item.object.metadata?.resourceVersion ?? ''}`;
      log.push(`run ${work} ${scopeText(scope)}`);
      return outcome(work, scope);
    },
  };
  if (options.passes !== false)
    trigger.runPass = async (pass, _signal, scope) => {
      log.push(`pass ${pass.cause} ${scopeText(scope)}`);
      return outcome(`pass ${pass.cause}`, scope);
    };
  return trigger;
}

const tick = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
// Polls until `check` holds. The bound only decides how long a broken loop takes to fail: some
// tests start a real process (--names), which takes seconds on a loaded CI machine.
const until = async (what: string, check: () => boolean): Promise<void> => {
  const deadline = Date.now() + 20_000;
  while (!check() && Date.now() < deadline) await tick(5);
  assert.ok(check(), `timed out waiting for ${what}`);
};

function recordingTrigger(
  fail: (item: TriggerItem) => boolean = () => false,
  delayMs = 0,
): Trigger & { runs: string[] } {
  const runs: string[] = [];
  return {
    runs,
    async run(item): Promise<TriggerOutcome> {
      runs.push(`${item.type} ${item.name}@${item.object.metadata?.resourceVersion ?? ''}`);
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      return fail(item) ? { exitCode: 1, error: `${item.name} failed` } : { exitCode: 0 };
    },
  };
}

function config(
  over: Partial<LoopConfig> & Pick<LoopConfig, 'trigger' | 'startReflector'>,
): LoopConfig & { errText(): string } {
  const err = new PassThrough();
  let text = '';
  err.on('data', (c: Buffer) => (text += c.toString()));
  return {
    targets: [{ cluster: 'east', client: {} as KubeClient, namespace: 'ns' }],
    resource: configmaps,
    labelSelector: undefined,
    fieldSelector: undefined,
    resyncPeriodMs: 0,
    watchSilenceTimeoutMs: 90_000,
    once: false,
    exitAfterMs: 0,
    maximumErrors: 20,
    workers: 1,
    names: undefined,
    metrics: observeMetrics(new MetricsRegistry()),
    err,
    verbosity: 0,
    workQueue: createWorkQueue({ baseDelayMs: 1, maxDelayMs: 10 }),
    ...over,
    errText: () => text,
  };
}

describe('observe loop', () => {
  it('--once runs every object of the initial list once, then exits 0', async () => {
    const reflector = fakeReflector([cm('a', '1'), cm('b', '2')]);
    const trigger = recordingTrigger();
    const code = await startObserveLoop(
      config({ once: true, trigger, startReflector: reflector.start }),
      new AbortController().signal,
    ).done;
    assert.equal(code, 0);
    assert.deepEqual(trigger.runs.sort(), ['Sync a@1', 'Sync b@2']);
  });

  it('--once with nothing to sync says so and exits 0', async () => {
    const c = config({ once: true, trigger: recordingTrigger(), startReflector: fakeReflector([]).start });
    assert.equal(await startObserveLoop(c, new AbortController().signal).done, 0);
    assert.match(c.errText(), /Nothing to sync, exiting immediately/);
  });

  it('coalesces a burst of changes to one key into one run with the latest state', async () => {
    const reflector = fakeReflector([cm('a', '1')]);
    const trigger = recordingTrigger(() => false, 50);
    const stop = new AbortController();
    const loop = startObserveLoop(config({ trigger, startReflector: reflector.start }), stop.signal);
    await new Promise((r) => setTimeout(r, 10));
    for (let rv = 2; rv <= 20; rv++)
      reflector.push({ type: 'Updated', namespace: 'ns', name: 'a', object: cm('a', String(rv)) });
    await new Promise((r) => setTimeout(r, 200));
    stop.abort();
    assert.equal(await loop.done, 0);
    assert.deepEqual(trigger.runs, ['Sync a@1', 'Updated a@20']);
  });

  it('exits 1 once --maximum-errors failed events are reached', async () => {
    const reflector = fakeReflector([cm('bad1', '1'), cm('bad2', '1'), cm('bad3', '1')]);
    const trigger = recordingTrigger(() => true);
    const c = config({ maximumErrors: 3, trigger, startReflector: reflector.start });
    assert.equal(await startObserveLoop(c, new AbortController().signal).done, 1);
    assert.ok(trigger.runs.length >= 3);
    assert.match(c.errText(), /error: bad\d failed\n[\s\S]*reached maximum error limit of 3, exiting/);
  });

  it('counts a key that fails 5 times as 1 error: its retries are not new errors', async () => {
    const reflector = fakeReflector([cm('flaky', '1')]);
    let failures = 0;
    const trigger = recordingTrigger(() => ++failures <= 5);
    const registry = new MetricsRegistry();
    const stop = new AbortController();
    const c = config({
      maximumErrors: 2,
      trigger,
      startReflector: reflector.start,
      metrics: observeMetrics(registry),
    });
    const loop = startObserveLoop(c, stop.signal);
    while (trigger.runs.length < 6) await new Promise((r) => setTimeout(r, 5));
    stop.abort();
    assert.equal(await loop.done, 0);
    assert.deepEqual(trigger.runs, Array<string>(6).fill('Sync flaky@1'));
    assert.match(await registry.render(), /^observe_errors_total 1$/m);
    assert.match(await registry.render(), /^observe_retries_total 5$/m);
  });

  it('counts a newer event of a failing key as a new error', async () => {
    const reflector = fakeReflector([cm('bad', '1')]);
    const trigger = recordingTrigger(() => true);
    const c = config({ maximumErrors: 2, trigger, startReflector: reflector.start });
    const loop = startObserveLoop(c, new AbortController().signal);
    while (trigger.runs.length < 3) await new Promise((r) => setTimeout(r, 5));
    reflector.push({ type: 'Updated', namespace: 'ns', name: 'bad', object: cm('bad', '2') });
    assert.equal(await loop.done, 1);
    assert.equal(trigger.runs.at(-1), 'Updated bad@2');
  });

  it('25 keys failing only on an unreachable target never stop the loop at --maximum-errors 20', async () => {
    const reflector = fakeReflector(Array.from({ length: 25 }, (_, i) => cm(`is${i}`, '1')));
    let westUp = false;
    const runs: string[] = [];
    const trigger: Trigger = {
      run: async (item): Promise<TriggerOutcome> => {
        runs.push(item.name);
        if (westUp) return { exitCode: 0, targets: { west: 'ok', north: 'ok' } };
        return {
          exitCode: 4,
          error: `${item.name}: west unreachable`,
          targets: { west: 'unreachable', north: 'ok' },
        };
      },
    };
    const registry = new MetricsRegistry();
    const stop = new AbortController();
    const c = config({
      maximumErrors: 20,
      trigger,
      startReflector: reflector.start,
      metrics: observeMetrics(registry),
    });
    const loop = startObserveLoop(c, stop.signal);
    let exited = false;
    void loop.done.then(() => (exited = true));
    while (runs.length < 100) await new Promise((r) => setTimeout(r, 5));
    assert.equal(exited, false, 'the loop is still running after 100 unreachable-only runs');
    const down = await registry.render();
    assert.match(down, /^observe_errors_total 0$/m);
    assert.match(down, /^observe_target_consecutive_failures\{target="north"\} 0$/m);
    const failures = Number(/^observe_target_consecutive_failures\{target="west"\} (\d+)$/m.exec(down)?.[1]);
    assert.ok(failures >= 100, `west failed ${failures} runs in a row`);
    assert.match(down, /^observe_target_last_success_timestamp_seconds\{target="north"\} \d/m);
    assert.doesNotMatch(down, /observe_target_last_success_timestamp_seconds\{target="west"\}/);

    westUp = true;
    const before = runs.length;
    while (runs.length < before + 25) await new Promise((r) => setTimeout(r, 5));
    const up = await registry.render();
    assert.match(up, /^observe_target_consecutive_failures\{target="west"\} 0$/m);
    assert.match(up, /^observe_target_last_success_timestamp_seconds\{target="west"\} \d/m);
    stop.abort();
    assert.equal(await loop.done, 0);
    const log = c.errText();
    assert.equal(log.match(/target west is unreachable/g)?.length, 1, log);
    assert.equal(log.match(/target west recovered after \d+ failed runs/g)?.length, 1, log);
    assert.doesNotMatch(log, /^error:/m);
  });

  it('a target found unreachable is skipped by later runs, recovered on its own with backoff, then sent what it missed', async () => {
    let westUp = false;
    const trigger = fleetTrigger((target) => (target === 'west' && !westUp ? 'unreachable' : 'ok'));
    const reflector = fakeReflector([cm('a', '1'), cm('b', '1')]);
    const clock = new FakeClock();
    const registry = new MetricsRegistry();
    const stop = new AbortController();
    const c = config({
      trigger,
      startReflector: reflector.start,
      clock,
      metrics: observeMetrics(registry),
      resyncPeriodMs: 60_000,
    });
    const loop = startObserveLoop(c, stop.signal);
    await until('the first pass', () => trigger.log.length === 1);
    reflector.push({ type: 'Updated', namespace: 'ns', name: 'a', object: cm('a', '2') });
    reflector.push({ type: 'Deleted', namespace: 'ns', name: 'b', object: cm('b', '1') });
    await until('both changes', () => trigger.log.length === 3);
    assert.deepEqual(trigger.log, [
      'pass list all',
      'run Updated a@2 except=west',
      'run Deleted b@1 except=west',
    ]);
    const down = await registry.render();
    assert.match(down, /^observe_target_down\{target="west"\} 1$/m);
    assert.match(down, /^observe_target_down\{target="north"\} 0$/m);
    assert.match(down, /^observe_target_queue_depth\{target="west"\} 2$/m);

    clock.advance(999);
    await tick(20);
    assert.equal(trigger.log.length, 3, 'no recovery before 1 s');
    clock.advance(1);
    await until('the first recovery', () => trigger.log.length === 4);
    assert.equal(trigger.log[3], 'pass recovery only=west');

    westUp = true;
    clock.advance(1999);
    await tick(20);
    assert.equal(trigger.log.length, 4, 'the second recovery waits 2 s');
    clock.advance(1);
    await until('the recovery and what west missed', () => trigger.log.length === 7);
    assert.deepEqual(trigger.log.slice(4), [
      'pass recovery only=west',
      'run Updated a@2 only=west',
      'run Deleted b@1 only=west',
    ]);
    reflector.push({ type: 'Updated', namespace: 'ns', name: 'a', object: cm('a', '3') });
    await until('the next change', () => trigger.log.length === 8);
    assert.equal(trigger.log[7], 'run Updated a@3 all');
    const up = await registry.render();
    assert.match(up, /^observe_target_down\{target="west"\} 0$/m);
    assert.match(up, /^observe_target_queue_depth\{target="west"\} 0$/m);
    assert.match(up, /^observe_errors_total 0$/m);
    stop.abort();
    assert.equal(await loop.done, 0);
    const log = c.errText();
    assert.equal(log.match(/warning: target west is unreachable; runs skip it/g)?.length, 1, log);
    assert.match(log, /up to 30s;/, 'recoveries wait at most 30 s, though the resync period is 1 min');
    assert.equal(log.match(/target west recovered after 2 failed runs/g)?.length, 1, log);
    assert.doesNotMatch(log, /^error:/m);
  });

  it('a target the warm-up found unreachable is down from the start: the first pass skips it', async () => {
    let westUp = false;
    const trigger = fleetTrigger((target) => (target === 'west' && !westUp ? 'unreachable' : 'ok'));
    const clock = new FakeClock();
    const stop = new AbortController();
    const c = config({
      trigger,
      startReflector: fakeReflector([cm('a', '1')]).start,
      clock,
      downAtStart: ['west'],
    });
    const loop = startObserveLoop(c, stop.signal);
    await until('the first pass', () => trigger.log.length === 1);
    assert.equal(trigger.log[0], 'pass list except=west');
    westUp = true;
    clock.advance(1000);
    await until('the recovery', () => trigger.log.length === 2);
    assert.equal(trigger.log[1], 'pass recovery only=west');
    stop.abort();
    assert.equal(await loop.done, 0);
    assert.match(c.errText(), /warning: target west is unreachable; runs skip it/);
    assert.match(c.errText(), /target west recovered after 1 failed runs/);
  });

  it('a down target whose recoveries fail while it starts stays down, and counts one error for the outage', async () => {
    const west: TargetResult[] = ['unreachable', 'failed', 'failed', 'failed'];
    const trigger = fleetTrigger((target) => (target === 'west' ? (west.shift() ?? 'ok') : 'ok'));
    const clock = new FakeClock();
    const registry = new MetricsRegistry();
    const stop = new AbortController();
    const c = config({
      trigger,
      startReflector: fakeReflector([cm('a', '1')]).start,
      clock,
      maximumErrors: 2,
      metrics: observeMetrics(registry),
    });
    const loop = startObserveLoop(c, stop.signal);
    await until('the first pass', () => trigger.log.length === 1);
    for (const [i, wait] of [1000, 2000, 4000, 8000].entries()) {
      clock.advance(wait);
      await until(`recovery ${i + 1}`, () => trigger.log.length === i + 2);
    }
    assert.deepEqual(trigger.log.slice(1), Array(4).fill('pass recovery only=west'));
    const metrics = await registry.render();
    assert.match(metrics, /^observe_target_down\{target="west"\} 0$/m);
    assert.match(metrics, /^observe_errors_total 1$/m);
    stop.abort();
    assert.equal(await loop.done, 0, c.errText());
    assert.equal(c.errText().match(/error: pass recovery failed/g)?.length, 3);
  });

  it('a change that failed on one target is retried for that target alone, and counts once toward --maximum-errors', async () => {
    let westFailures = 0;
    const trigger = fleetTrigger(
      (target, work) =>
        target === 'west' && work === 'Updated a@2' && ++westFailures <= 3 ? 'failed' : 'ok',
      { passes: false },
    );
    const reflector = fakeReflector([]);
    const registry = new MetricsRegistry();
    const stop = new AbortController();
    const c = config({ trigger, startReflector: reflector.start, metrics: observeMetrics(registry) });
    const loop = startObserveLoop(c, stop.signal);
    await tick(5);
    reflector.push({ type: 'Updated', namespace: 'ns', name: 'a', object: cm('a', '2') });
    await until('the retries to succeed', () => trigger.log.length === 4);
    assert.deepEqual(trigger.log, [
      'run Updated a@2 all',
      'run Updated a@2 only=west',
      'run Updated a@2 only=west',
      'run Updated a@2 only=west',
    ]);
    reflector.push({ type: 'Updated', namespace: 'ns', name: 'a', object: cm('a', '3') });
    await until('the next change', () => trigger.log.length === 5);
    assert.equal(trigger.log[4], 'run Updated a@3 all', 'a newer change goes to every target again');
    stop.abort();
    assert.equal(await loop.done, 0);
    const metrics = await registry.render();
    assert.match(metrics, /^observe_errors_total 1$/m);
    assert.match(metrics, /^observe_retries_total 3$/m);
    assert.equal(c.errText().match(/error: Updated a@2 failed/g)?.length, 3);
  });

  it('a newer change replaces a pending retry for one target with a run for every target', async () => {
    let fail = true;
    const trigger = fleetTrigger((target) => (target === 'west' && fail ? 'failed' : 'ok'), {
      passes: false,
    });
    const reflector = fakeReflector([]);
    const stop = new AbortController();
    const c = config({
      trigger,
      startReflector: reflector.start,
      workQueue: createWorkQueue({ baseDelayMs: 200, maxDelayMs: 200 }),
    });
    const loop = startObserveLoop(c, stop.signal);
    await tick(5);
    reflector.push({ type: 'Updated', namespace: 'ns', name: 'a', object: cm('a', '2') });
    await until('the first run', () => trigger.log.length === 1);
    fail = false;
    reflector.push({ type: 'Updated', namespace: 'ns', name: 'a', object: cm('a', '3') });
    await until('the newer change', () => trigger.log.length === 2);
    await tick(300);
    assert.deepEqual(
      trigger.log,
      ['run Updated a@2 all', 'run Updated a@3 all'],
      'the stale retry never ran',
    );
    stop.abort();
    assert.equal(await loop.done, 0);
  });

  it('a run that also failed on a reachable target is an error', async () => {
    const reflector = fakeReflector([cm('a', '1'), cm('b', '1')]);
    const trigger: Trigger = {
      run: async (item): Promise<TriggerOutcome> => ({
        exitCode: 4,
        error: `${item.name} failed`,
        targets: { west: 'unreachable', north: 'failed' },
      }),
    };
    const c = config({ maximumErrors: 2, trigger, startReflector: reflector.start });
    assert.equal(await startObserveLoop(c, new AbortController().signal).done, 1);
    assert.match(c.errText(), /reached maximum error limit of 2, exiting/);
  });

  it('--names: a known name the cluster no longer has runs as Deleted with only namespace and name', async () => {
    const reflector = fakeReflector([cm('a', '1')]);
    const seen: TriggerItem[] = [];
    const trigger: Trigger = { run: async (item) => (seen.push(item), { exitCode: 0 }) };
    const names = {
      argv: ['/bin/sh', '-c', 'printf "ns/a\\nns/gone\\n"'],
      options: { env: process.env, cwd: process.cwd(), retryOnExitCode: 0, retryCount: 0 },
    };
    const code = await startObserveLoop(
      config({ once: true, names, trigger, startReflector: reflector.start }),
      new AbortController().signal,
    ).done;
    assert.equal(code, 0);
    const gone = seen.find((i) => i.name === 'gone');
    assert.equal(gone?.type, 'Deleted');
    assert.equal(gone?.finalStateKnown, false);
    assert.equal(seen.filter((i) => i.name === 'a').length, 1);
  });

  it('with a trigger that takes passes, the initial list is one pass over every object, not a run each', async () => {
    const reflector = fakeReflector(Array.from({ length: 300 }, (_, i) => cm(`is${i}`, '1')));
    const trigger = passingTrigger();
    const code = await startObserveLoop(
      config({ once: true, trigger, startReflector: reflector.start }),
      new AbortController().signal,
    ).done;
    assert.equal(code, 0);
    assert.deepEqual(trigger.log, ['pass east/ns/* list objects=300', 'pass end']);
  });

  it('an empty selection still gets its pass (copies left without a source are found)', async () => {
    const trigger = passingTrigger();
    const c = config({ once: true, trigger, startReflector: fakeReflector([]).start });
    assert.equal(await startObserveLoop(c, new AbortController().signal).done, 0);
    assert.deepEqual(trigger.log, ['pass east/ns/* list objects=0', 'pass end']);
    assert.doesNotMatch(c.errText(), /Nothing to sync/);
  });

  it('serves a change while a pass runs, and runs it once more after the pass', async () => {
    const reflector = fakeReflector([cm('old', '1')]);
    const trigger = passingTrigger({ passMs: 100 });
    const stop = new AbortController();
    const loop = startObserveLoop(config({ trigger, startReflector: reflector.start }), stop.signal);
    await until('the pass', () => trigger.log.length > 0);
    reflector.push({ type: 'Added', namespace: 'ns', name: 'late', object: cm('late', '2') });
    await until('the pass to end', () => trigger.log.includes('pass end'));
    await until('the second run', () => trigger.log.filter((l) => l === 'run Added late').length === 2);
    stop.abort();
    assert.equal(await loop.done, 0);
    assert.deepEqual(trigger.log, [
      'pass east/ns/* list objects=1',
      'run Added late',
      'pass end',
      'run Added late',
    ]);
  });

  it('a relist and a resync each run one pass over what the cluster holds then', async () => {
    const reflector = fakeReflector([cm('a', '1'), cm('b', '1')]);
    const trigger = passingTrigger();
    const stop = new AbortController();
    const loop = startObserveLoop(config({ trigger, startReflector: reflector.start }), stop.signal);
    await until('the first pass', () => trigger.log.includes('pass end'));
    reflector.relist([cm('a', '1')]);
    await until('the relist pass', () => trigger.log.length === 4);
    stop.abort();
    assert.equal(await loop.done, 0);
    assert.deepEqual(trigger.log, [
      'pass east/ns/* list objects=2',
      'pass end',
      'pass east/ns/* relist objects=1',
      'pass end',
    ]);
  });

  it('a failing pass is retried with backoff and counts once toward --maximum-errors', async () => {
    let failures = 0;
    const trigger = passingTrigger({
      passOutcome: () => (++failures <= 5 ? { exitCode: 2, error: 'pass failed on west' } : { exitCode: 0 }),
    });
    const registry = new MetricsRegistry();
    const stop = new AbortController();
    const c = config({
      maximumErrors: 2,
      trigger,
      startReflector: fakeReflector([cm('a', '1')]).start,
      metrics: observeMetrics(registry),
    });
    const loop = startObserveLoop(c, stop.signal);
    await until('the pass to succeed', () => failures === 6);
    stop.abort();
    assert.equal(await loop.done, 0, c.errText());
    assert.match(await registry.render(), /^observe_errors_total 1$/m);
    assert.equal(c.errText().match(/error: pass failed on west/g)?.length, 5);
  });

  it('reports copies a pass kept without a source once per change of the set, and counts pruned ones', async () => {
    const found = [
      { west: { removed: [], kept: ['ns/gone', 'ns/plain'] } },
      { west: { removed: [], kept: ['ns/plain', 'ns/gone'] } },
      { west: { removed: ['ns/gone'], kept: [] } },
    ];
    let pass = 0;
    const trigger = passingTrigger({ passOutcome: () => ({ exitCode: 0, copies: found[pass++] ?? {} }) });
    const registry = new MetricsRegistry();
    const reflector = fakeReflector([cm('a', '1')]);
    const stop = new AbortController();
    const c = config({ trigger, startReflector: reflector.start, metrics: observeMetrics(registry) });
    const loop = startObserveLoop(c, stop.signal);
    await until('the first pass', () => pass === 1);
    assert.match(await registry.render(), /^observe_orphan_copies\{target="west"\} 2$/m);
    reflector.relist([cm('a', '1')]);
    await until('the second pass', () => pass === 2);
    reflector.relist([cm('a', '1')]);
    await until('the third pass', () => pass === 3);
    stop.abort();
    assert.equal(await loop.done, 0);
    const metrics = await registry.render();
    assert.match(metrics, /^observe_orphan_copies\{target="west"\} 0$/m);
    assert.match(metrics, /^observe_pruned_copies_total\{target="west"\} 1$/m);
    const log = c.errText();
    assert.equal(
      log.match(
        /warning: 2 copies on west whose source on east is gone or no longer selected, kept \(mcsync observe --prune removes them\): ns\/gone, ns\/plain/g,
      )?.length,
      1,
      log,
    );
    assert.match(log, /pruned 1 copy on west whose source on east is gone or no longer selected: ns\/gone/);
  });

  it('--names is run again after every relist, as oc does', async () => {
    const reflector = fakeReflector([cm('a', '1')]);
    const seen: string[] = [];
    const trigger: Trigger = {
      run: async (item) => (seen.push(`${item.type} ${item.name}`), { exitCode: 0 }),
    };
    const names = {
      argv: ['/bin/sh', '-c', 'printf "ns/a\\n"'],
      options: { env: process.env, cwd: process.cwd(), retryOnExitCode: 0, retryCount: 0 },
    };
    const stop = new AbortController();
    const loop = startObserveLoop(config({ names, trigger, startReflector: reflector.start }), stop.signal);
    await until('the initial run', () => seen.length === 1);
    reflector.relist([]);
    await until('the Deleted run after the relist', () => seen.length === 2);
    stop.abort();
    assert.equal(await loop.done, 0);
    assert.deepEqual(seen, ['Sync a', 'Deleted a']);
  });
});
