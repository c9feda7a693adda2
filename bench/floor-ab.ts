/**
 * A/B against the floor on the kept bench sandbox: for each round, the floor and then each mcsync
 * variant, in turn, each from clean slaves: a first sync of the master's benchmark objects and
 * the no-op rerun. A variant is a built mcsync tree, optionally with `+VAR=VALUE` extra vars
 * (`/tmp/a+sync_concurrency=32`). Prints each run and, per variant, the medians and their ratios
 * to the floor's. Every first sync is checked to leave the slaves holding the master's objects.
 *
 *   node bench/run.ts --scenario sync --keep-sandbox      # leaves .sandbox-bench/suite seeded
 *   node bench/floor-ab.ts [--rounds 3] TREE[+VAR=VALUE] ...
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { listAll, readSandbox, SANDBOX_DIR } from './lib/cluster.ts';
import { root, withThisNode } from './lib/exec.ts';
import { applyPlan, listPlan } from './lib/floor-plan.ts';
import { assertLikeMaster, snapshot } from './lib/snapshot.ts';
import { median } from './lib/stats.ts';
import { stripServerFields } from './lib/strip.ts';
import { SYNC_KINDS, SYNC_LABEL } from './lib/workload.ts';
import { FLOOR_INFLIGHT } from './scenarios/peers.ts';
import { cleanSlaves, MCSYNC_SYNC, SYNC_SELECTIONS } from './scenarios/sync.ts';

const { values, positionals } = parseArgs({
  options: { rounds: { type: 'string', default: '3' } },
  allowPositionals: true,
});
if (!positionals.length) throw new Error('usage: node bench/floor-ab.ts [--rounds N] TREE[+VAR=VALUE] ...');
const sandbox = readSandbox(SANDBOX_DIR);
const [master, ...slaves] = sandbox.hosts;
const work = join(root, '.sandbox-bench/work');
mkdirSync(work, { recursive: true });
const objects = (await Promise.all(SYNC_SELECTIONS.map((s) => listAll(master!, s.path, s.query))))
  .flat()
  .map(stripServerFields);
const plans = {
  first: join(work, 'floor-ab-first.json'),
  noop: join(work, 'floor-ab-noop.json'),
};
writeFileSync(plans.first, JSON.stringify(applyPlan(objects, slaves, FLOOR_INFLIGHT)));
writeFileSync(plans.noop, JSON.stringify(listPlan(SYNC_KINDS, SYNC_LABEL, sandbox.hosts, FLOOR_INFLIGHT)));
const masterSnap = await snapshot([master!], SYNC_SELECTIONS);

const seconds = (args: string[], cwd: string, command = process.execPath): number => {
  const start = performance.now();
  execFileSync(command, args, { cwd, stdio: 'ignore', env: { ...process.env, ...withThisNode() } });
  return (performance.now() - start) / 1000;
};
const variants = positionals.map((v) => {
  const [tree, extra] = v.split('+') as [string, string | undefined];
  // The tree's bin/mcsync-play.js run as a command, as `mcsync-play` is.
  const args = [MCSYNC_SYNC, '-i', sandbox.inventory, ...(extra ? ['-e', extra] : [])];
  return { name: v, run: () => seconds(args, tree, join(tree, 'bin/mcsync-play.js')) };
});
const times = new Map<string, { first: number[]; noop: number[] }>(
  ['floor', ...positionals].map((n) => [n, { first: [], noop: [] }]),
);

for (let round = 1; round <= Number(values.rounds); round++) {
  await cleanSlaves(slaves);
  const floorFirst = seconds(['bench/peers/floor.ts', plans.first], root);
  const floorNoop = seconds(['bench/peers/floor.ts', plans.noop], root);
  times.get('floor')!.first.push(floorFirst);
  times.get('floor')!.noop.push(floorNoop);
  console.log(`round ${round} floor: first ${floorFirst.toFixed(2)} s, no-op ${floorNoop.toFixed(2)} s`);
  for (const variant of variants) {
    await cleanSlaves(slaves);
    const first = variant.run();
    assertLikeMaster(
      `${variant.name} round ${round}`,
      masterSnap,
      await snapshot(slaves, SYNC_SELECTIONS),
      slaves.map((h) => h.name),
      master!.name,
    );
    const noop = variant.run();
    times.get(variant.name)!.first.push(first);
    times.get(variant.name)!.noop.push(noop);
    console.log(`round ${round} ${variant.name}: first ${first.toFixed(2)} s, no-op ${noop.toFixed(2)} s`);
  }
}
const floorTimes = times.get('floor')!;
for (const [name, { first, noop }] of times) {
  const ratio = (xs: number[], of: number[]): string =>
    name === 'floor' ? '' : ` (${(median(xs) / median(of)).toFixed(2)}× the floor)`;
  console.log(
    `${name}: first ${median(first).toFixed(2)} s${ratio(first, floorTimes.first)}, ` +
      `no-op ${median(noop).toFixed(2)} s${ratio(noop, floorTimes.noop)}`,
  );
}
