/**
 * Scenario 2: N objects of mixed kinds copied from the master to the slaves, by
 * bench/mcsync/sync.yml (the sync role), by bench/ansible/sync.yml (k8s_info on the master,
 * kubernetes.core.k8s per object on the slaves), by bench/ansible/sync-fast.yml (one k8s call
 * per slave with the whole list), by kubectl (bench/peers/kubectl.ts) and by the floor (only the
 * server-side applies; for the no-op only the LISTs); a first run on clean slaves, then the same
 * command again (no-op). All must leave identical objects, equal to the master's.
 * The seeding and cleanup helpers are shared with scenario 4 (scale).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deleteNamespaces, listAll, type BenchHost, type KubeJson } from '../lib/cluster.ts';
import type { BenchContext } from '../lib/context.ts';
import { changedCount, mcsyncPlay, mustSucceed, type Timed } from '../lib/exec.ts';
import { applyPlan, listPlan } from '../lib/floor-plan.ts';
import { mainProfile, summarizeProfile } from '../lib/profile.ts';
import {
  TOOLS,
  type ComparisonPoint,
  type Measure,
  type PairRun,
  type Phase,
  type ProfileSummary,
  type Tool,
} from '../lib/results.ts';
import { assertIdentical, assertLikeMaster, snapshot, type Snapshot } from '../lib/snapshot.ts';
import { stripServerFields } from '../lib/strip.ts';
import {
  mixedObjects,
  SYNC_KINDS,
  SYNC_LABEL,
  SYNC_NS_PREFIX,
  SYNC_PATHS,
  syncNamespaces,
} from '../lib/workload.ts';
import {
  floorCommand,
  FLOOR_INFLIGHT,
  kubectlPeer,
  playCommands,
  rotate,
  runTool,
  type ToolCommand,
} from './peers.ts';

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

/** The master's sync objects as the kubectl peer and the floor send them (server fields stripped). */
async function strippedMaster(master: BenchHost): Promise<KubeJson[]> {
  const lists = await Promise.all(SYNC_SELECTIONS.map((s) => listAll(master, s.path, s.query)));
  return lists.flat().map(stripServerFields);
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

/** The command of each tool and phase of scenario 2 (the floor's plans are written here). */
async function syncCommands(
  ctx: BenchContext,
  n: number,
  tools: readonly Tool[],
): Promise<(tool: Tool, phase: Phase) => ToolCommand> {
  const { sandbox } = ctx;
  const [master, ...slaves] = sandbox.hosts;
  const inventory = sandbox.inventory;
  const plays = playCommands(sandbox, [MCSYNC_SYNC, '-i', inventory], (pb) => ['-i', inventory, pb], {
    ansible: 'bench/ansible/sync.yml',
    ansibleFast: 'bench/ansible/sync-fast.yml',
  });
  const kubectlArgs = [
    '--kubeconfig',
    sandbox.kubeconfig,
    '--from',
    master!.name,
    '--to',
    slaves.map((h) => h.name).join(','),
    '--kinds',
    SYNC_PATHS.map((p) => p.split('/').at(-1)).join(','),
    '-l',
    SYNC_LABEL,
    '--work',
    ctx.work,
  ];
  const kubectl: ToolCommand = {
    shown: `node bench/peers/kubectl.ts ${kubectlArgs.join(' ').replaceAll(sandbox.dir, 'DIR').replace(ctx.work, 'WORK')}`,
    run: () => kubectlPeer(kubectlArgs),
  };
  const floor = tools.includes('floor')
    ? {
        first: floorCommand(
          applyPlan(await strippedMaster(master!), slaves, FLOOR_INFLIGHT),
          join(ctx.work, `floor-sync-${n}-first.json`),
          `with the ${n + syncNamespaces(n).length} server-side applies per slave`,
        ),
        noop: floorCommand(
          listPlan(SYNC_KINDS, SYNC_LABEL, sandbox.hosts, FLOOR_INFLIGHT),
          join(ctx.work, `floor-sync-${n}-noop.json`),
          `with one LIST per kind on the master and each slave`,
        ),
      }
    : undefined;
  return (tool, phase) => {
    if (tool === 'kubectl') return kubectl;
    if (tool === 'floor') return floor![phase];
    return plays[tool];
  };
}

/** Scenario 2 with `n` objects: runPair runs one round on clean slaves and checks it. */
export function syncRunner(ctx: BenchContext, n: number): SyncRunner {
  const [master, ...slaves] = ctx.sandbox.hosts;
  const tools = ctx.tools ?? TOOLS;
  const point: ComparisonPoint = {
    scenario: 'sync',
    n,
    clusters: ctx.sandbox.hosts.length,
    objectsPerCluster: n + syncNamespaces(n).length,
    phases: ['first', 'noop'],
    commands: { mcsync: `mcsync-play ${MCSYNC_SYNC} -i DIR/inventory.yml` },
    floorInflight: FLOOR_INFLIGHT,
    measuredAt: new Date().toISOString(),
    runs: [],
  };
  const runPair = async (run: number): Promise<void> => {
    const masterSnap = await masterObjects(ctx, n);
    const command = await syncCommands(ctx, n, tools);
    const pair: PairRun = { mcsync: {}, compared: 0 };
    const snaps: Partial<Record<Tool, Snapshot>> = {};
    for (const tool of rotate(tools, run)) {
      await cleanSlaves(slaves);
      const first = runTool(tool, 'first', command(tool, 'first'));
      const noop = runTool(tool, 'noop', command(tool, 'noop'));
      point.commands[tool] = command(tool, 'first').shown;
      pair[tool] = { first: measure(first), noop: measure(noop) };
      if (tool === 'mcsync' && pair.mcsync.noop!.changed !== 0)
        throw new Error(`sync n=${n}: the mcsync no-op rerun changed ${pair.mcsync.noop!.changed} objects`);
      snaps[tool] = await snapshot(slaves, SYNC_SELECTIONS);
      ctx.log(
        `sync n=${n} run ${run + 1}: ${tool} first ${first.seconds.toFixed(2)} s, no-op ${noop.seconds.toFixed(2)} s (changed ${pair[tool].noop!.changed})`,
      );
    }
    const what = `sync n=${n} run ${run + 1}`;
    for (const tool of tools)
      if (tool !== 'mcsync') assertIdentical(what, snaps.mcsync!, snaps[tool]!, ['mcsync', tool]);
    assertLikeMaster(
      what,
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
