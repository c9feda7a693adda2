/**
 * Scenario 2: N objects of mixed kinds copied from the master to the slaves, by
 * bench/mcsync/sync.yml (the sync role) and by bench/ansible/sync.yml (k8s_info on the master,
 * kubernetes.core.k8s per object on the slaves); a first run on clean slaves, then the same
 * command again (no-op). Both must leave identical objects, equal to the master's.
 * The seeding and cleanup helpers are shared with scenario 4 (scale).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deleteNamespaces, type BenchHost } from '../lib/cluster.ts';
import { toolOrder, type BenchContext } from '../lib/context.ts';
import { ansiblePlaybook, changedCount, mcsyncPlay, mustSucceed, type Timed } from '../lib/exec.ts';
import { mainProfile, summarizeProfile } from '../lib/profile.ts';
import type { ComparisonPoint, Measure, PairRun, ProfileSummary } from '../lib/results.ts';
import { assertIdentical, assertLikeMaster, snapshot, type Snapshot } from '../lib/snapshot.ts';
import { mixedObjects, SYNC_LABEL, SYNC_NS_PREFIX, SYNC_PATHS, syncNamespaces } from '../lib/workload.ts';

export const SYNC_SELECTIONS = SYNC_PATHS.map((path) => ({
  path,
  query: `labelSelector=${encodeURIComponent(SYNC_LABEL)}`,
}));
export const MCSYNC_SYNC = 'bench/mcsync/sync.yml';

/** Removes the sync objects everywhere, then seeds `count` of them on the master with mcsync. */
export async function seedMaster(
  ctx: BenchContext,
  count: number,
  inventory = ctx.sandbox.inventory,
): Promise<void> {
  await deleteNamespaces(ctx.sandbox.hosts, SYNC_NS_PREFIX);
  const file = join(ctx.work, `objects-${count}.json`);
  writeFileSync(
    file,
    mixedObjects(count)
      .map((doc) => JSON.stringify(doc))
      .join('\n---\n'),
  );
  const seeded = mustSucceed(
    'seeding the master',
    mcsyncPlay(['bench/mcsync/seed.yml', '-i', inventory, '-e', `bench_objects_file=${file}`]),
  );
  ctx.log(`seeded ${count} objects on the master in ${seeded.seconds.toFixed(1)} s`);
}

/** Deletes the synced namespaces (and so their objects) on the given slaves and waits. */
export async function cleanSlaves(slaves: BenchHost[]): Promise<void> {
  await deleteNamespaces(slaves, SYNC_NS_PREFIX);
}

/** The measure of a run; a no-op mcsync run must change nothing. */
export function measure(run: Timed): Measure {
  return {
    seconds: run.seconds,
    cpuSeconds: run.cpuSeconds,
    load: run.load,
    rssMb: run.rssMb,
    changed: changedCount(run.recap),
  };
}

function runTool(ctx: BenchContext, tool: 'mcsync' | 'ansible', phase: string): Timed {
  const { inventory } = ctx.sandbox;
  return tool === 'mcsync'
    ? mustSucceed(`mcsync-play sync (${phase})`, mcsyncPlay([MCSYNC_SYNC, '-i', inventory]))
    : mustSucceed(
        `ansible-playbook sync (${phase})`,
        ansiblePlaybook(['-i', inventory, 'bench/ansible/sync.yml']),
      );
}

/** A point of scenario 2 whose pairs can be run one at a time (interleaved with other points). */
export interface SyncRunner {
  point: ComparisonPoint;
  runPair(run: number): Promise<void>;
  /** Profiles one mcsync first run and no-op rerun when asked, then cleans the slaves. */
  finish(profile: boolean): Promise<ProfileSummary[]>;
}

/** The master's sync objects, reseeded when they are not exactly the `n` objects of this point. */
async function masterObjects(ctx: BenchContext, n: number): Promise<Snapshot> {
  const master = ctx.sandbox.hosts[0]!;
  const expected = mixedObjects(n).length;
  let snap = await snapshot([master], SYNC_SELECTIONS);
  if (snap.size !== expected) {
    await seedMaster(ctx, n);
    snap = await snapshot([master], SYNC_SELECTIONS);
  }
  return snap;
}

/** Scenario 2 with `n` objects: runPair runs one pair on clean slaves and checks it. */
export function syncRunner(ctx: BenchContext, n: number): SyncRunner {
  const [master, ...slaves] = ctx.sandbox.hosts;
  const point: ComparisonPoint = {
    scenario: 'sync',
    n,
    clusters: ctx.sandbox.hosts.length,
    objectsPerCluster: n + syncNamespaces(n).length,
    phases: ['first', 'noop'],
    commands: {
      mcsync: `mcsync-play ${MCSYNC_SYNC} -i DIR/inventory.yml`,
      ansible: 'ansible-playbook -i DIR/inventory.yml bench/ansible/sync.yml',
    },
    measuredAt: new Date().toISOString(),
    runs: [],
  };
  const runPair = async (run: number): Promise<void> => {
    const masterSnap = await masterObjects(ctx, n);
    const pair: PairRun = { mcsync: {}, ansible: {}, compared: 0 };
    const snaps: Partial<Record<'mcsync' | 'ansible', Snapshot>> = {};
    for (const tool of toolOrder(run)) {
      await cleanSlaves(slaves);
      const first = runTool(ctx, tool, 'first run');
      const noop = runTool(ctx, tool, 'no-op rerun');
      pair[tool] = { first: measure(first), noop: measure(noop) };
      if (tool === 'mcsync' && pair.mcsync.noop!.changed !== 0)
        throw new Error(`sync n=${n}: the mcsync no-op rerun changed ${pair.mcsync.noop!.changed} objects`);
      snaps[tool] = await snapshot(slaves, SYNC_SELECTIONS);
      ctx.log(
        `sync n=${n} run ${run + 1}: ${tool} first ${first.seconds.toFixed(2)} s, no-op ${noop.seconds.toFixed(2)} s (changed ${pair[tool].noop!.changed})`,
      );
    }
    assertIdentical(`sync n=${n} run ${run + 1}`, snaps.mcsync!, snaps.ansible!);
    assertLikeMaster(
      `sync n=${n} run ${run + 1}`,
      masterSnap,
      snaps.mcsync!,
      slaves.map((h) => h.name),
      master!.name,
    );
    pair.compared = snaps.mcsync!.size;
    point.runs.push(pair);
    ctx.progress?.(point);
  };
  const finish = async (profile: boolean): Promise<ProfileSummary[]> => {
    if (profile) await masterObjects(ctx, n);
    const profiles = profile ? await profileSync(ctx, n, slaves) : [];
    await cleanSlaves(slaves);
    return profiles;
  };
  return { point, runPair, finish };
}

/** One mcsync first run and one no-op rerun under --cpu-prof, summarised. */
export async function profileSync(
  ctx: BenchContext,
  n: number,
  slaves: BenchHost[],
  inventory = ctx.sandbox.inventory,
): Promise<ProfileSummary[]> {
  await cleanSlaves(slaves);
  const out: ProfileSummary[] = [];
  for (const phase of ['first run', 'no-op rerun']) {
    const dir = join(ctx.work, `profile-${n}-${phase.replace(/\W+/g, '-')}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const run = mustSucceed(
      `profiled mcsync-play sync (${phase})`,
      mcsyncPlay([MCSYNC_SYNC, '-i', inventory], { cpuProfDir: dir }),
    );
    const file = mainProfile(dir);
    if (file)
      out.push(
        summarizeProfile(file, `mcsync sync ${n} objects to ${slaves.length} slaves, ${phase}`, run.seconds),
      );
  }
  return out;
}
