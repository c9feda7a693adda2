/**
 * mcsync's CPU time per object write (issue 19): seeds N objects (default 10,000) on the
 * master of the bench sandbox, then per run syncs them to clean slaves (first run) and again
 * (no-op rerun) with `mcsync-play bench/mcsync/sync.yml`, checking the slaves hold exactly the
 * master's objects. CPU is GNU time's user + system of the mcsync-play process. The record goes
 * to bench/results.json (`cpu`, labelled) and docs/BENCHMARKS.md's generated section.
 *
 *   npm run build && node bench/cpu-per-write.ts [--objects 10000] [--runs 2] [--label after] [--profile] [--keep-sandbox]
 *
 * --profile adds one run under `node --cpu-prof`, prints where the time went and keeps it in
 * bench/results.json (replacing the profiles of the same label) for the report. --floor also
 * times the floor (bench/peers/floor.ts) sending the same server-side applies to clean slaves:
 * the CPU a bare Node client spends per write, the bound for mcsync's.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { listAll, SANDBOX_DIR, sandboxDown, sandboxUp } from './lib/cluster.ts';
import { applyPlan } from './lib/floor-plan.ts';
import { stripServerFields } from './lib/strip.ts';
import { floorCommand, FLOOR_INFLIGHT, runTool } from './scenarios/peers.ts';
import type { BenchContext } from './lib/context.ts';
import { mcsyncPlay, mustSucceed, root } from './lib/exec.ts';
import { renderReport, writeReport } from './lib/report.ts';
import { loadResults, saveResults, type CpuRecord, type Measure } from './lib/results.ts';
import { assertLikeMaster, snapshot } from './lib/snapshot.ts';
import { cpuPerWrite } from './lib/targets.ts';
import { syncNamespaces } from './lib/workload.ts';
import {
  cleanSlaves,
  MCSYNC_SYNC,
  measure,
  profileSync,
  seedMaster,
  SYNC_SELECTIONS,
} from './scenarios/sync.ts';

const { values } = parseArgs({
  options: {
    objects: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '2' },
    label: { type: 'string' },
    profile: { type: 'boolean', default: false },
    floor: { type: 'boolean', default: false },
    'keep-sandbox': { type: 'boolean', default: false },
  },
});
const objects = Number(values.objects);
const runs = Number(values.runs);
const work = join(root, '.sandbox-bench/work');
const log = (message: string): void => console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
const rev = execFileSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
const label = `${values.label ?? 'build'} (${rev})`;

mkdirSync(work, { recursive: true });
const sandbox = sandboxUp(SANDBOX_DIR, 3);
const ctx: BenchContext = { sandbox, work, runs, quick: false, log };
try {
  const [master, ...slaves] = sandbox.hosts;
  const expected = objects + syncNamespaces(objects).length;
  let masterSnap = await snapshot([master!], SYNC_SELECTIONS);
  if (masterSnap.size !== expected) {
    await seedMaster(ctx, objects);
    masterSnap = await snapshot([master!], SYNC_SELECTIONS);
  }
  const record: CpuRecord = {
    label,
    command: `node bench/cpu-per-write.ts --objects ${objects} --runs ${runs}${values.floor ? ' --floor' : ''}`,
    objects: expected,
    slaves: slaves.length,
    measuredAt: new Date().toISOString(),
    runs: [],
  };
  for (let run = 0; run < runs; run++) {
    await cleanSlaves(slaves);
    const play = (phase: string): Measure =>
      measure(mustSucceed(`mcsync-play sync (${phase})`, mcsyncPlay([MCSYNC_SYNC, '-i', sandbox.inventory])));
    const first = play('first run');
    const noop = play('no-op rerun');
    if (noop.changed !== 0) throw new Error(`the no-op rerun changed ${noop.changed} objects`);
    assertLikeMaster(
      `cpu-per-write run ${run + 1}`,
      masterSnap,
      await snapshot(slaves, SYNC_SELECTIONS),
      slaves.map((h) => h.name),
      master!.name,
    );
    record.runs.push({ first, noop });
    log(
      `run ${run + 1}: first ${first.seconds.toFixed(2)} s, CPU ${first.cpuSeconds?.toFixed(2)} s; no-op ${noop.seconds.toFixed(2)} s, CPU ${noop.cpuSeconds?.toFixed(2)} s (load ${first.load})`,
    );
  }
  if (values.floor) {
    await cleanSlaves(slaves);
    const objects = (await Promise.all(SYNC_SELECTIONS.map((s) => listAll(master!, s.path, s.query))))
      .flat()
      .map(stripServerFields);
    const floor = floorCommand(
      applyPlan(objects, slaves, FLOOR_INFLIGHT),
      join(work, 'floor-cpu.json'),
      'with the same applies',
    );
    record.floor = measure(runTool('floor', 'first', floor));
    log(`floor: ${record.floor.seconds.toFixed(2)} s, CPU ${record.floor.cpuSeconds?.toFixed(2)} s`);
  }
  const { wholeMs, marginalMs } = cpuPerWrite(record);
  log(
    `${label}: ${wholeMs.toFixed(3)} ms CPU per write (${marginalMs.toFixed(3)} ms without start-up and LISTs)`,
  );
  // The profiles replace the saved ones of the same label, so the report's "where the time goes"
  // describes the build just measured.
  const profiles = values.profile ? await profileSync(ctx, objects, slaves) : [];
  for (const p of profiles) console.log(JSON.stringify(p, null, 2));
  const file = join(root, 'bench/results.json');
  const results = loadResults(file);
  results.cpu.push(record);
  results.profiles = [
    ...results.profiles.filter((p) => !profiles.some((q) => q.label === p.label)),
    ...profiles,
  ];
  saveResults(file, results);
  writeReport(join(root, 'docs/BENCHMARKS.md'), renderReport(results, 'bench-chart.png'));
  await cleanSlaves(slaves);
} finally {
  if (!values['keep-sandbox']) sandboxDown(SANDBOX_DIR);
}
