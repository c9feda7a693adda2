// Leader election on a real coordination.k8s.io/v1 Lease: of several electors exactly one leads
// at a time (a recorded timeline has no overlap), a released Lease is taken over at once, an
// expired one only after its duration, and a leader that cannot renew steps down.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import type { KubeClient } from '../../../src/kube/client.ts';
import type { LeaderElectionOptions } from '../../../src/observe/contracts.ts';
import { runLeaderElection } from '../../../src/observe/leader-election.ts';
import { microTime } from '../../../src/observe/lease-lock.ts';
import { ok } from '../../support/kube-api.ts';
import { sandboxClusters, type SandboxClusterHandle } from '../../support/clusters.ts';
import { sandboxClient } from '../../support/kube-client.ts';

const sandbox = await sandboxClusters({ after }, { clusters: 1 });
const east = sandbox.clusters[0] as SandboxClusterHandle;

const client = (t: TestContext): KubeClient => sandboxClient(t, east);

interface Term {
  who: string;
  start: number;
  end: number | undefined;
}

interface Elector {
  name: string;
  stop: AbortController;
  done: Promise<void>;
  /** Resolves when this elector starts leading (the next time). */
  leading(): Promise<void>;
  /** Resolves when this elector's current term's signal aborted. */
  lost(): Promise<void>;
}

const timing = { leaseDurationMs: 4_000, renewDeadlineMs: 3_000, retryPeriodMs: 500 };

function elector(
  t: TestContext,
  ns: string,
  name: string,
  timeline: Term[],
  options: Partial<LeaderElectionOptions> = {},
): Elector {
  const stop = new AbortController();
  let onLead: () => void = () => undefined;
  let onLost: () => void = () => undefined;
  let leads = new Promise<void>((resolve) => (onLead = resolve));
  let loses = new Promise<void>((resolve) => (onLost = resolve));
  const done = runLeaderElection({
    client: client(t),
    namespace: ns,
    name: 'observer',
    identity: name,
    ...timing,
    signal: stop.signal,
    async onStartedLeading(signal) {
      const term: Term = { who: name, start: Date.now(), end: undefined };
      timeline.push(term);
      onLead();
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      // "finishes the current item" before giving up
      await new Promise((resolve) => setTimeout(resolve, 100));
      term.end = Date.now();
      onLost();
      leads = new Promise<void>((resolve) => (onLead = resolve));
      loses = new Promise<void>((resolve) => (onLost = resolve));
    },
    ...options,
  });
  t.after(async () => {
    stop.abort();
    await done.catch(() => undefined);
  });
  return { name, stop, done, leading: () => leads, lost: () => loses };
}

/** Throws unless the terms are disjoint (each starts after the previous one ended). */
function assertNoOverlap(timeline: Term[]): void {
  const sorted = [...timeline].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    const before = sorted[i - 1] as Term;
    const term = sorted[i] as Term;
    assert.ok(
      before.end !== undefined && before.end <= term.start,
      `${term.who} started leading at ${term.start} while ${before.who} led (${before.start}-${before.end ?? 'now'})`,
    );
  }
}

const leasePath = (ns: string): string => `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases/observer`;
const within = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} not within ${ms} ms`)), ms)),
  ]);

/**
 * In a fresh namespace, `replica-a` leading and `replica-b` started after it, campaigning for a
 * second already: the two electors and their shared timeline.
 */
async function leaderAndCandidate(
  t: TestContext,
): Promise<{ ns: string; timeline: Term[]; a: Elector; b: Elector }> {
  const ns = await sandbox.namespace(t, { prefix: 'lease' });
  const timeline: Term[] = [];
  const a = elector(t, ns, 'replica-a', timeline);
  await within(a.leading(), 5_000, 'a leading');
  const b = elector(t, ns, 'replica-b', timeline);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  return { ns, timeline, a, b };
}

describe('leader election on a Lease', () => {
  it('lets exactly one of two electors lead; the other takes over quickly after a release', async (t) => {
    const ns = await sandbox.namespace(t, { prefix: 'lease' });
    const timeline: Term[] = [];
    const a = elector(t, ns, 'replica-a', timeline);
    const b = elector(t, ns, 'replica-b', timeline);
    await within(Promise.race([a.leading(), b.leading()]), 5_000, 'a first leader');
    // Several renewals go by; the other elector keeps trying and must not lead meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 2 * timing.leaseDurationMs));
    assert.equal(timeline.length, 1, `terms: ${JSON.stringify(timeline)}`);
    const first = timeline[0] as Term;
    const [leader, other] = first.who === 'replica-a' ? [a, b] : [b, a];

    const lease = ok(await east.admin.get(leasePath(ns)), 'read lease').json as {
      spec: { holderIdentity: string; leaseDurationSeconds: number };
    };
    assert.equal(lease.spec.holderIdentity, leader.name);
    assert.equal(lease.spec.leaseDurationSeconds, 4);

    const takeover = other.leading();
    leader.stop.abort();
    await within(leader.done, 5_000, 'the leader stopping');
    const released = Date.now();
    await within(takeover, timing.leaseDurationMs, `${other.name} taking over`);
    const delay = (timeline[1]?.start ?? Infinity) - released;
    t.diagnostic(`takeover ${delay} ms after the release`);
    assert.ok(delay < timing.leaseDurationMs / 2, `takeover took ${delay} ms`);
    assert.equal(timeline[1]?.who, other.name);
    assertNoOverlap(timeline);
  });

  it('releases the Lease on stop: no holder and a 1 s duration', async (t) => {
    const ns = await sandbox.namespace(t, { prefix: 'lease' });
    const timeline: Term[] = [];
    const a = elector(t, ns, 'only', timeline);
    await within(a.leading(), 5_000, 'leading');
    a.stop.abort();
    await a.done;
    assert.equal(timeline[0]?.end !== undefined, true, 'the work finished before runLeaderElection resolved');
    const lease = ok(await east.admin.get(leasePath(ns)), 'read lease').json as {
      spec: { holderIdentity?: string; leaseDurationSeconds: number; leaseTransitions: number };
    };
    assert.equal(lease.spec.holderIdentity ?? '', '');
    assert.equal(lease.spec.leaseDurationSeconds, 1);
  });

  it('waits a full lease duration (by its own clock) before taking a Lease another holder stopped renewing', async (t) => {
    const ns = await sandbox.namespace(t, { prefix: 'lease' });
    const now = microTime(Date.now());
    ok(
      await east.admin.post(`/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`, {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: 'observer' },
        spec: { holderIdentity: 'crashed', leaseDurationSeconds: 3, acquireTime: now, renewTime: now },
      }),
      'a lease held by a crashed replica',
    );
    const timeline: Term[] = [];
    const started = Date.now();
    const b = elector(t, ns, 'replica-b', timeline);
    await within(b.leading(), 3_000 + 3_000, 'takeover of the expired lease');
    const waited = Date.now() - started;
    t.diagnostic(`took over after ${waited} ms`);
    assert.ok(waited >= 3_000, `took over after only ${waited} ms`);
    const lease = ok(await east.admin.get(leasePath(ns)), 'read lease').json as {
      spec: { holderIdentity: string; leaseTransitions: number };
    };
    assert.equal(lease.spec.holderIdentity, 'replica-b');
    assert.equal(lease.spec.leaseTransitions, 1);
  });

  it('a leader that cannot renew (apiserver paused) stops leading within renewDeadline; one leader after resume', async (t) => {
    const { timeline, a, b } = await leaderAndCandidate(t);
    t.after(() => sandbox.fault('resume', east.name));
    await sandbox.fault('pause', east.name);
    const paused = Date.now();
    await within(a.lost(), timing.renewDeadlineMs + timing.retryPeriodMs + 1_500, 'a stepping down');
    const stepDown = Date.now() - paused;
    t.diagnostic(`stepped down ${stepDown} ms after the pause`);
    await sandbox.fault('resume', east.name);
    await within(
      Promise.race([a.leading(), b.leading()]),
      2 * timing.leaseDurationMs + 2_000,
      'a new leader',
    );
    await new Promise((resolve) => setTimeout(resolve, timing.leaseDurationMs));
    assert.equal(timeline.filter((term) => term.end === undefined).length, 1, JSON.stringify(timeline));
    assertNoOverlap(timeline);
  });

  it('stops campaigning when stopped before it ever leads', async (t) => {
    const { ns, timeline, b } = await leaderAndCandidate(t);
    b.stop.abort();
    await within(b.done, 2_000, 'b stopping');
    assert.deepEqual(
      timeline.map((term) => term.who),
      ['replica-a'],
    );
    const lease = ok(await east.admin.get(leasePath(ns)), 'read lease').json as {
      spec: { holderIdentity: string };
    };
    assert.equal(
      lease.spec.holderIdentity,
      'replica-a',
      'a candidate never releases a Lease it does not hold',
    );
  });
});
