/**
 * `npm run bench`: mcsync against ansible-playbook on the same sandbox clusters (issue 8).
 *
 *   npm run bench [-- --quick] [--scenario create|sync|watch|scale ...] [--runs K] [--report-only] [--keep-sandbox] [--resume] [--tools mcsync,kubectl,ansibleFast,floor,ansible]
 *
 * Scenarios: 1 create (N = 10, 100 projects on 3 clusters), 2 sync (N = 100, 1,000 objects to 2
 * slaves, first run and no-op rerun), 3 watch (50 changes, p50/p99), 4 scale (mcsync alone,
 * objects 100 → 10,000 and clusters 2 → 8). Each point runs --runs pairs (default 5). Results
 * go to bench/results.json, docs/BENCHMARKS.md (between the bench markers) and
 * docs/bench-chart.png; --quick (small N, 1 run) writes .sandbox-bench/results-quick.json and
 * prints the report instead. --resume keeps the create/sync pairs an interrupted run saved and
 * runs only the missing ones. The create and sync scenarios run every tool of
 * bench/lib/results.ts TOOLS (mcsync, ansible-playbook per object and with the whole list,
 * kubectl, the floor); --tools runs only those named (mcsync always) and adds K rounds of them
 * to the saved ones, so the slow per-object Ansible rounds need not be rerun. Needs
 * ansible-playbook with kubernetes.core and kubectl: scripts/install-bench-prereqs.sh.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { api, SANDBOX_DIR, sandboxDown, sandboxUp, type BenchSandbox } from './lib/cluster.ts';
import type { BenchContext } from './lib/context.ts';
import { writeChart } from './lib/chart.ts';
import { root, versionOf } from './lib/exec.ts';
import { renderReport, writeReport } from './lib/report.ts';
import {
  loadResults,
  saveResults,
  TOOLS,
  upsert,
  type BenchResults,
  type ComparisonPoint,
  type Tool,
} from './lib/results.ts';
import { createRunner } from './scenarios/create.ts';
import { runScale, scalePoints } from './scenarios/scale.ts';
import { syncRunner } from './scenarios/sync.ts';
import { runWatch } from './scenarios/watch.ts';

const SCENARIOS = ['create', 'sync', 'watch', 'scale'] as const;
type Scenario = (typeof SCENARIOS)[number];

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    scenario: { type: 'string', multiple: true },
    runs: { type: 'string' },
    'report-only': { type: 'boolean', default: false },
    'keep-sandbox': { type: 'boolean', default: false },
    resume: { type: 'boolean', default: false },
    tools: { type: 'string' },
  },
});
const quick = values.quick ?? false;
const selected = (values.scenario ?? [...SCENARIOS]).flatMap((s) => s.split(','));
for (const name of selected)
  if (!SCENARIOS.includes(name as Scenario))
    throw new Error(`unknown scenario '${name}'; expected ${SCENARIOS.join(', ')}`);
const wanted = (name: Scenario): boolean => selected.includes(name);
const runs = values.runs ? Number(values.runs) : quick ? 1 : 5;
if (!Number.isInteger(runs) || runs < 1)
  throw new Error(`--runs must be a positive integer, not '${values.runs}'`);

const tools = parseTools(values.tools);

/** `--tools a,b` as tools (mcsync added); every tool when absent. */
function parseTools(list: string | undefined): readonly Tool[] {
  if (list === undefined) return TOOLS;
  const alias: Record<string, Tool> = { 'ansible-fast': 'ansibleFast' };
  const named = list.split(',').map((t) => alias[t.trim()] ?? t.trim());
  for (const name of named)
    if (!TOOLS.includes(name as Tool))
      throw new Error(`unknown tool '${name}'; expected ${TOOLS.join(', ')}`);
  return TOOLS.filter((t) => t === 'mcsync' || named.includes(t));
}

const resultsFile = quick
  ? join(root, '.sandbox-bench/results-quick.json')
  : join(root, 'bench/results.json');
const docsFile = join(root, 'docs/BENCHMARKS.md');
const work = join(root, '.sandbox-bench/work');
const log = (message: string): void => console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);

/** Saves the results and (full runs) regenerates docs/BENCHMARKS.md's section. */
function saveAndReport(results: BenchResults): void {
  saveResults(resultsFile, results);
  if (!quick) writeReport(docsFile, renderReport(results, 'bench-chart.png'));
}

/** saveAndReport, then the chart (under .sandbox-bench/work for --quick, else docs/). */
async function publish(results: BenchResults): Promise<void> {
  saveAndReport(results);
  await writeChart(results, quick ? join(work, 'bench-chart.png') : join(root, 'docs/bench-chart.png'));
}

function requireKubectl(): void {
  const kubectl = process.env['MCSYNC_BENCH_KUBECTL'] ?? 'kubectl';
  if (spawnSync(kubectl, ['version', '--client'], { encoding: 'utf8' }).status !== 0)
    throw new Error(
      `kubectl is needed for the kubectl peer ('${kubectl}' did not run): run scripts/install-bench-prereqs.sh`,
    );
}

function requireAnsible(): void {
  const check = spawnSync('ansible-galaxy', ['collection', 'list', 'kubernetes.core'], { encoding: 'utf8' });
  if (check.status !== 0 || !/kubernetes\.core\s/.test(check.stdout))
    throw new Error(
      'ansible-playbook with the kubernetes.core collection is needed: run scripts/install-bench-prereqs.sh',
    );
}

async function versions(sandbox: BenchSandbox): Promise<Record<string, string>> {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const rev = versionOf('git', ['-C', root, 'rev-parse', '--short', 'HEAD']);
  const server = (await api(sandbox.hosts[0]!, 'GET', '/version')).json as { gitVersion?: string };
  const collection =
    /kubernetes\.core\s+(\S+)/.exec(
      versionOf('sh', [
        '-c',
        'ansible-galaxy collection list kubernetes.core 2>/dev/null | grep kubernetes.core',
      ]),
    )?.[1] ?? '?';
  return {
    mcsync: `${pkg.version}${rev ? ` (${rev})` : ''}`,
    Node: process.version,
    'ansible-core': versionOf('ansible', ['--version']).replace(/^ansible \[core (.*)\]$/, '$1'),
    'kubernetes.core': collection,
    'python kubernetes': versionOf('/usr/bin/python3', [
      '-c',
      'import importlib.metadata as m; print(m.version("kubernetes"))',
    ]),
    'kube-apiserver': server.gitVersion ?? '?',
    kubectl: kubectlVersion(),
  };
}

/** kubectl's client version (`$MCSYNC_BENCH_KUBECTL`, else kubectl on PATH). */
function kubectlVersion(): string {
  const kubectl = process.env['MCSYNC_BENCH_KUBECTL'] ?? 'kubectl';
  const out = spawnSync(kubectl, ['version', '--client', '-o', 'json'], { encoding: 'utf8' }).stdout ?? '';
  try {
    return (JSON.parse(out) as { clientVersion?: { gitVersion?: string } }).clientVersion?.gitVersion ?? '?';
  } catch {
    return '?';
  }
}

async function runScenarioScale(
  results: BenchResults,
  ctx: BenchContext,
  largestSync: number,
): Promise<void> {
  const points = scalePoints(quick);
  const sandbox = sandboxUp(SANDBOX_DIR, Math.max(...points.map((p) => p.clusters)));
  const profiles = await runScale({ ...ctx, sandbox }, points, (point) => {
    upsert(results.scale, point);
    saveResults(resultsFile, results);
  });
  const keep = results.profiles.filter(
    (p) =>
      p.label.startsWith(`mcsync sync ${largestSync} objects to 2 slaves`) &&
      !profiles.some((q) => q.label === p.label),
  );
  results.profiles = [...keep, ...profiles];
  await publish(results);
  sandboxUp(SANDBOX_DIR, 3);
}

/**
 * Order: what only mcsync runs first (scale, then watch, whose mcsync series comes first), then
 * the comparisons from cheapest to most expensive, so a long run has the targets' numbers early
 * and keeps every finished pair (bench/results.json is written after each one).
 */
async function runAll(results: BenchResults, ctx: BenchContext): Promise<void> {
  const sizes = { create: quick ? [3] : [10, 100], sync: quick ? [20] : [100, 1000] };
  const largestSync = Math.max(...sizes.sync);
  if (wanted('scale')) await runScenarioScale(results, ctx, largestSync);
  if (wanted('watch')) {
    log('watch');
    results.watch = await runWatch(ctx, quick ? 3 : 50);
    if (results.watch.status !== 'ok') log(`watch: not available yet: ${results.watch.reason}`);
    await publish(results);
  }
  const progress = (point: ComparisonPoint): void => {
    upsert(point.scenario === 'create' ? results.create : results.sync, point);
    saveAndReport(results);
  };
  const pctx = { ...ctx, progress };
  // Pairs are interleaved across points (pair 1 of every point, then pair 2, …), cheapest point
  // first, so a run stopped early still has every point, with fewer pairs.
  const syncRunners = wanted('sync') ? sizes.sync.map((n) => syncRunner(pctx, n)) : [];
  const createRunners = wanted('create') ? sizes.create.map((n) => createRunner(pctx, n)) : [];
  const order = [syncRunners[0], createRunners[0], syncRunners[1], createRunners[1]].filter(
    (r) => r !== undefined,
  );
  const adding = values.tools !== undefined;
  if (values.resume || adding) {
    // Keep the rounds an interrupted run already saved: --resume runs only the missing ones,
    // --tools adds --runs rounds of the named tools after them.
    for (const runner of order) {
      const saved = (runner.point.scenario === 'create' ? results.create : results.sync).find(
        (p) => p.n === runner.point.n,
      );
      if (saved) {
        runner.point.runs.push(...saved.runs);
        runner.point.measuredAt = saved.measuredAt; // when the point's first pair started
        runner.point.commands = { ...saved.commands, ...runner.point.commands };
      }
    }
  }
  const before = new Map(order.map((runner) => [runner, adding ? runner.point.runs.length : 0]));
  for (let run = 0; run < ctx.runs; run++) {
    for (const runner of order) {
      if (!adding && runner.point.runs.length > run) continue;
      const index = before.get(runner)! + run;
      log(`${runner.point.scenario} N=${runner.point.n}: round ${index + 1} (${tools.join(', ')})`);
      await runner.runPair(index);
    }
    await publish(results);
  }
  for (const runner of createRunners) await runner.finish();
  for (const runner of syncRunners) {
    const profiles = await runner.finish(runner.point.n === largestSync);
    const label = `mcsync sync ${runner.point.n} objects to 2`;
    if (profiles.length)
      results.profiles = [...results.profiles.filter((p) => !p.label.startsWith(label)), ...profiles];
  }
  await publish(results);
}

async function main(): Promise<void> {
  const results = loadResults(resultsFile);
  if (values['report-only']) {
    await publish(results);
    log(`regenerated ${quick ? resultsFile : 'docs/BENCHMARKS.md and docs/bench-chart.png'}`);
    return;
  }
  const comparing = wanted('create') || wanted('sync');
  if (wanted('watch') || (comparing && tools.some((t) => t === 'ansible' || t === 'ansibleFast')))
    requireAnsible();
  if (comparing && tools.includes('kubectl')) requireKubectl();
  mkdirSync(work, { recursive: true });
  log(`sandbox: ${SANDBOX_DIR} (3 clusters)`);
  const sandbox = sandboxUp(SANDBOX_DIR, 3);
  const ctx: BenchContext = { sandbox, work, runs, quick, log, tools };
  try {
    results.machine = `${cpus().length} cores (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, shared (load average ${loadavg()[0]!.toFixed(1)} at the start)`;
    results.versions = await versions(sandbox);
    results.runsPerPoint = runs;
    results.quick = quick;
    await runAll(results, ctx);
    if (quick) console.log(`\n${renderReport(results, join(work, 'bench-chart.png'))}`);
    log(`done: ${quick ? resultsFile : 'bench/results.json, docs/BENCHMARKS.md, docs/bench-chart.png'}`);
  } finally {
    if (!values['keep-sandbox']) sandboxDown(SANDBOX_DIR);
  }
}

// Ctrl-C or SIGTERM: exit through 'exit' handlers, which stop any observer this bench started.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
await main();
