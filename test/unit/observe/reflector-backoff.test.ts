// The reflector's reconnect and relist backoff on a stepped clock and a scripted API: waits
// double from the base to the cap while lists or watches keep failing, a first 410 relists at
// once, and a watch that worked resets the backoff. The real-apiserver behaviour (restarts,
// SIGSTOP, compaction) is in test/integration/observe/reflector.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RetryableError } from '../../../src/errors.ts';
import type { KubeClient, KubeResponse, KubeStream } from '../../../src/kube/client.ts';
import { KubeApiError } from '../../../src/kube/errors.ts';
import type { ObservedEvent, Reflector, ReflectorOptions } from '../../../src/observe/contracts.ts';
import { startReflector } from '../../../src/observe/reflector.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { CONFIGMAPS as configmaps } from '../../support/resources.ts';

const PATH = '/api/v1/namespaces/demo/configmaps';

/** What one list or watch request does. */
type Step = 'ok' | 'refused' | 'gone' | 'unauthorized' | { events: number; openMs?: number };

const refused = (): Error => new RetryableError('connect ECONNREFUSED 127.0.0.1:6443');
const unauthorized = (): Error =>
  new KubeApiError('unauthorized', { status: 401, reason: 'Unauthorized', method: 'GET', path: PATH });
const gone = (): Error =>
  new KubeApiError('too old resource version', { status: 410, reason: 'Expired', method: 'GET', path: PATH });

/**
 * An API that answers lists and watches from two scripts; once a script is used up, lists
 * succeed and watches stay open (quiet) until the reflector stops.
 */
function scriptedApi(
  clock: FakeClock,
  lists: Step[],
  watches: Step[],
): { client: KubeClient; calls: string[] } {
  const calls: string[] = [];
  let rv = 10;
  const api = {
    label: 'east',
    async request(): Promise<KubeResponse> {
      const step = lists.shift() ?? 'ok';
      calls.push(`list:${label(step)}`);
      if (step === 'refused') throw refused();
      if (step === 'gone') throw gone();
      if (step === 'unauthorized') throw unauthorized();
      const body = { kind: 'ConfigMapList', metadata: { resourceVersion: String(++rv) }, items: [] };
      return { status: 200, body, contentType: 'application/json' };
    },
    async stream(req: { signal: AbortSignal }): Promise<KubeStream> {
      const step = watches.shift();
      calls.push(`watch:${step === undefined ? 'quiet' : label(step)}`);
      if (step === 'refused') throw refused();
      if (step === 'gone') throw gone();
      if (step === 'unauthorized') throw unauthorized();
      const events = typeof step === 'object' ? step.events : 0;
      const openMs = typeof step === 'object' ? (step.openMs ?? 0) : undefined;
      return {
        status: 200,
        body: watchBody(clock, events, openMs, req.signal, () => ++rv),
        close: () => undefined,
      };
    },
  };
  return { client: api as unknown as KubeClient, calls };
}

function label(step: Step): string {
  return typeof step === 'string' ? step : `events=${step.events}`;
}

/** `events` ADDED lines, then the server ends the watch after `openMs` (undefined: never). */
async function* watchBody(
  clock: FakeClock,
  events: number,
  openMs: number | undefined,
  signal: AbortSignal,
  nextRv: () => number,
): AsyncGenerator<Buffer> {
  for (let i = 0; i < events; i++) {
    const object = {
      metadata: { name: `cm-${nextRv()}`, namespace: 'demo', resourceVersion: String(nextRv()) },
    };
    yield Buffer.from(`${JSON.stringify({ type: 'ADDED', object })}\n`);
  }
  if (openMs === undefined)
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
  else if (openMs > 0) await clock.sleep(openMs, signal);
  signal.throwIfAborted();
}

function reflect(
  clock: FakeClock,
  client: KubeClient,
  options: Partial<ReflectorOptions> = {},
): { reflector: Reflector; events: ObservedEvent[] } {
  const events: ObservedEvent[] = [];
  const reflector = startReflector({
    client,
    cluster: 'east',
    resource: configmaps,
    namespace: 'demo',
    backoffBaseMs: 100,
    backoffMaxMs: 1_000,
    watchTimeoutSeconds: 300,
    onEvent: (event) => events.push(event),
    onError: () => undefined,
    clock,
    signal: new AbortController().signal,
    ...options,
  });
  return { reflector, events };
}

/** Steps the clock through `count` backoff waits, each exactly as long as the reflector asked. */
async function stepThroughWaits(clock: FakeClock, count: number): Promise<void> {
  await clock.step(0);
  for (let i = 0; i < count; i++) {
    const next = clock.sleeps.at(-1) ?? 0;
    await clock.step(next);
  }
}

describe('reflector backoff (stepped clock, scripted API)', () => {
  it('doubles the reconnect wait from the base to the cap while the watch keeps failing', async () => {
    const clock = new FakeClock();
    const api = scriptedApi(clock, [], Array<Step>(7).fill('refused'));
    const { reflector } = reflect(clock, api.client);
    await stepThroughWaits(clock, 7);
    assert.deepEqual(clock.sleeps, [100, 200, 400, 800, 1_000, 1_000, 1_000]);
    assert.equal(reflector.stats.reconnects, 7);
    assert.deepEqual(api.calls.slice(0, 2), ['list:ok', 'watch:refused']);
    assert.equal(
      api.calls.filter((c) => c.startsWith('list')).length,
      1,
      'reconnects resume, they do not relist',
    );
    await reflector.stop();
  });

  it('relists at once after a first 410, then backs off while relisting keeps failing', async () => {
    const clock = new FakeClock();
    const api = scriptedApi(clock, ['ok', 'gone', 'gone', 'refused', 'gone', 'gone', 'ok'], ['gone']);
    const { reflector } = reflect(clock, api.client);
    await stepThroughWaits(clock, 5);
    assert.deepEqual(clock.sleeps, [200, 400, 800, 1_000, 1_000]);
    assert.deepEqual(api.calls, [
      'list:ok',
      'watch:gone',
      'list:gone',
      'list:gone',
      'list:refused',
      'list:gone',
      'list:gone',
      'list:ok',
      'watch:quiet',
    ]);
    assert.equal(reflector.stats.relists, 1);
    await reflector.stop();
  });

  it('relists, after a backoff wait, when a watch is answered 401 (the transport already renewed the credentials)', async () => {
    const clock = new FakeClock();
    const api = scriptedApi(clock, [], ['unauthorized']);
    const { reflector } = reflect(clock, api.client);
    await stepThroughWaits(clock, 1);
    assert.deepEqual(clock.sleeps, [100]);
    assert.deepEqual(api.calls, ['list:ok', 'watch:unauthorized', 'list:ok', 'watch:quiet']);
    assert.equal(reflector.stats.relists, 1);
    await reflector.stop();
  });

  it('says when the store holds the whole selection again: after the first list, a relist, a resync', async () => {
    const clock = new FakeClock();
    const api = scriptedApi(clock, [], ['gone']);
    const causes: string[] = [];
    const { reflector } = reflect(clock, api.client, {
      resyncPeriodMs: 1_000,
      onStoreSynced: (cause) => causes.push(cause),
    });
    await clock.step(0);
    assert.deepEqual(api.calls, ['list:ok', 'watch:gone', 'list:ok', 'watch:quiet']);
    assert.deepEqual(causes, ['list', 'relist']);
    await clock.step(1_000);
    assert.deepEqual(causes, ['list', 'relist', 'resync']);
    await reflector.stop();
  });

  it('starts again from the base wait after a watch that delivered events', async () => {
    const clock = new FakeClock();
    const watches: Step[] = ['refused', 'refused', 'refused', { events: 1, openMs: 0 }, 'refused', 'refused'];
    const api = scriptedApi(clock, [], watches);
    const { reflector, events } = reflect(clock, api.client);
    await stepThroughWaits(clock, 5);
    assert.deepEqual(clock.sleeps, [100, 200, 400, 100, 200]);
    assert.equal(events.filter((e) => e.type === 'Added').length, 1);
    await reflector.stop();
  });

  it('counts a watch that stayed open a second as healthy even without events, a shorter one not', async () => {
    const clock = new FakeClock();
    const watches: Step[] = ['refused', { events: 0, openMs: 999 }, { events: 0, openMs: 1_000 }, 'refused'];
    const api = scriptedApi(clock, [], watches);
    const { reflector } = reflect(clock, api.client);
    await clock.step(0);
    await clock.step(100); // the wait after the refused watch
    await clock.step(999); // the short watch ends: a failure, so the wait grows
    await clock.step(200);
    await clock.step(1_000); // the long watch ends: healthy, the next failure waits the base again
    await clock.step(0);
    assert.deepEqual(clock.sleeps, [100, 999, 200, 1_000, 100]);
    await reflector.stop();
  });
});
