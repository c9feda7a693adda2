/**
 * Benchmark of watch mode (issues 5, 15 and 19), on a 3-cluster sandbox (east master, west and
 * south slaves), with the observer as users run it: the built `bin/mcsync-observe.js` with
 * `--playbook playbooks/watch.yml --when-annotation sync=me` (`npm run build` first).
 *
 * 1. latency: a fresh observer; the moment /healthz/ready answers 200, one change is written on
 *    east every --gap ms (open loop: a slow run makes later changes queue, as on a real master),
 *    --changes in all. The changes go to --keys annotated ImageStreams in turn (the first change
 *    to each creates it, later ones set its `bench/rev`). --keys 0 creates a new ImageStream per
 *    change instead (the namespace grows to --changes; a run lists only its own object, by a
 *    field selector, so its cost should not grow with it). A change's latency runs from east's
 *    answer to its write (the master holds it) until the slaves hold it (seen through watches on
 *    the slaves, no polling); east's time to answer is given apart, and the latency counted from
 *    sending the write too. p50 / p99 / max for the first --first changes after ready, for the
 *    rest, and for all. Then the same series with the floor instead of the observer
 *    (bench/peers/watch-floor.ts: a bare watcher sending one server-side apply per slave per
 *    change), and mcsync's ratio to it.
 * 2. burst: 1000 changes to 50 ImageStreams as fast as 50 writers go; time until all are current
 *    on both slaves, and how many playbook runs that took (coalescing).
 * 3. memory: RSS of an observer watching 10,000 ConfigMaps (after the initial list).
 *
 * --slave-down replaces 2 and 3 (issue 15): the latency series with every cluster up, then south
 * killed (`mcsync sandbox kill south`, src/sandbox/faults.ts) and the series again with a fresh
 * observer, measuring the healthy slave west; the table gives the ratio to west's all-healthy
 * figure of the same invocation. South is started again at the end.
 *
 * --first-run N replaces all three: N fresh observers, and for each the first change after ready
 * and three more, one at a time, with their latency and the observer's CPU time (firstRuns).
 *
 *   npm run build && node bench/observe-latency.ts [--changes 200] [--first 10] [--gap 300]
 *     [--keys 10] [--workers 4] [--burst 1000] [--objects 10000] [--slave-down] [--first-run N]
 *     [--logs DIR]
 *
 * Reuses MCSYNC_TEST_SANDBOX_DIR when it points at a running sandbox, else starts one. Prints the
 * machine, the date, `uptime` before and after, and a markdown table for docs/BENCHMARKS.md.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpus, tmpdir, totalmem } from 'node:os';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { sandboxClusters } from '../test/support/clusters.ts';
import type { SandboxClusterHandle } from '../test/support/clusters.ts';
import { ok } from '../test/support/kube-api.ts';
import { freePort, putImageStream, waitFor } from '../test/integration/observe/helpers.ts';
import { percentile } from './lib/stats.ts';
import type { KubeJson } from './lib/cluster.ts';
import { watchCollection } from './lib/watch-stream.ts';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    changes: { type: 'string', default: '200' },
    first: { type: 'string', default: '10' },
    gap: { type: 'string', default: '300' },
    keys: { type: 'string', default: '10' },
    burst: { type: 'string', default: '1000' },
    objects: { type: 'string', default: '10000' },
    workers: { type: 'string', default: '4' },
    'slave-down': { type: 'boolean', default: false },
    'first-run': { type: 'string' },
    /** Writes each observer's stdout and stderr to DIR/<series>.out and .err. */
    logs: { type: 'string' },
  },
});
const CHANGES = Number(values.changes);
const FIRST = Number(values.first);
const GAP_MS = Number(values.gap);
const KEYS = Number(values.keys);
const uptimeBefore = uptime();
const cleanups: (() => Promise<void> | void)[] = [];
const sandbox = await sandboxClusters({ after: (fn) => cleanups.push(fn) }, { clusters: 3 });
const east = sandbox.cluster('east');
const west = sandbox.cluster('west');
const south = sandbox.cluster('south');
// The observer as users run it: the built launcher (`npm run build` first).
const runner = resolve(root, 'bin/mcsync-observe.js');
const imageStreams = (ns: string): string => `/apis/image.openshift.io/v1/namespaces/${ns}/imagestreams`;

interface RunningObserver {
  pid: number;
  out(): string;
  err(): string;
  /** The last lines of both streams, for a failure report. */
  tail(): string;
  /** True until the process has exited (a pod's restart count would stay 0). */
  running(): boolean;
  stop(): Promise<void>;
}

function observer(args: string[], script = runner): RunningObserver {
  const child = spawn(process.execPath, [script, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<void>((r) => child.on('close', () => r()));
  const last = (text: string): string => text.trim().split('\n').slice(-15).join('\n');
  return {
    pid: child.pid ?? 0,
    out: () => out,
    err: () => err,
    tail: () => `stdout:\n${last(out)}\nstderr:\n${last(err)}`,
    running: () => child.exitCode === null && child.signalCode === null,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function playbookObserver(ns: string, port: number): RunningObserver {
  return observer([
    'imagestreams',
    '-n',
    ns,
    '-i',
    sandbox.inventoryFile,
    '--playbook',
    'playbooks/watch.yml',
    '--when-annotation',
    'sync=me',
    '--workers',
    values.workers,
    `--listen-addr=127.0.0.1:${port}`,
  ]);
}

/** A fresh watcher of `ns` on east, started and ready: mcsync's observer, or the floor's. */
type StartWatcher = (ns: string) => Promise<RunningObserver>;

/** mcsync's observer, ready once /healthz/ready answers 200. */
const startObserver: StartWatcher = async (ns) => {
  const port = await freePort();
  const obs = playbookObserver(ns, port);
  await ready(port, obs);
  return obs;
};

/**
 * The floor (bench/peers/watch-floor.ts): a bare watcher that applies each change to the slaves
 * that are up, ready once it prints `ready`. Its config holds tokens, so it goes in a 0600 file.
 */
function floorWatcher(slaves: SandboxClusterHandle[]): StartWatcher {
  return async (ns) => {
    const target = (c: SandboxClusterHandle) => ({
      url: c.admin.target.url,
      ca: c.admin.target.ca,
      token: c.admin.target.token,
    });
    const dir = mkdtempSync(join(tmpdir(), 'mcsync-watch-floor-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ namespace: ns, master: target(east), slaves: slaves.map(target) }), {
      mode: 0o600,
    });
    const floor = observer([file], resolve(root, 'bench/peers/watch-floor.ts'));
    try {
      await waitFor('the floor ready', () => floor.out().includes('ready\n') || !floor.running(), 60_000);
      if (!floor.running()) throw new Error('the floor exited before it was ready');
    } catch (error) {
      process.stderr.write(`${floor.tail()}\n`);
      await floor.stop();
      throw error;
    }
    return floor;
  };
}

async function ready(port: number, obs: RunningObserver): Promise<void> {
  try {
    await waitFor(
      'ready',
      async () =>
        (await fetch(`http://127.0.0.1:${port}/healthz/ready`).catch(() => undefined))?.status === 200,
      120_000,
    );
  } catch (error) {
    process.stderr.write(`${obs.tail()}\n`);
    throw error;
  }
}

/** Deletes `name` where it exists and creates it again on each of `clusters`. */
async function freshNamespace(name: string, clusters: SandboxClusterHandle[]): Promise<void> {
  for (const c of clusters) {
    await c.admin.delete(`/api/v1/namespaces/${name}`).catch(() => undefined);
    await waitFor(
      `namespace ${name} gone`,
      async () => (await c.admin.get(`/api/v1/namespaces/${name}`)).status === 404,
      60_000,
    );
    ok(
      await c.admin.post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }),
      `create namespace ${name} on ${c.name}`,
    );
  }
}

function runLines(obs: RunningObserver): number {
  return obs
    .out()
    .split('\n')
    .filter((l) => / exit=\d+ /.test(l)).length;
}

interface Series {
  /** From starting the observer to /healthz/ready. */
  readyMs: number;
  /** How long east took to answer each write, in change order. */
  writeMs: number[];
  /** The watcher's CPU time (user + system) from the first write until every change arrived, per change. */
  cpuPerChangeMs: number;
  /** Per measured slave, each change's latency (east answered the write → the slave holds it), in change order. */
  latencies: Map<string, number[]>;
  /** The same from the moment the write was sent (east's own time to answer included). */
  fromSent: Map<string, number[]>;
  /** Playbook runs (retries included). */
  runs: number;
  /** The observer's stderr lines about warm-up and target health. */
  notes: string[];
  /** Rows from the series' `then` step, taken while its observer still runs. */
  extra: Record<string, string>;
}

/** The object change `i` writes: `KEYS` ImageStreams in turn, or a new one per change. */
const nameOf = (i: number): string => `lat-${KEYS > 0 ? i % KEYS : i}`;

/** Change `i` on east: the first change to an object creates it, later ones annotate it with `i`. */
async function writeChange(ns: string, i: number): Promise<void> {
  const name = nameOf(i);
  const rev = { 'bench/rev': String(i) };
  if (KEYS === 0 || i < KEYS) {
    const body = { apiVersion: 'image.openshift.io/v1', kind: 'ImageStream', spec: {} };
    const metadata = { name, namespace: ns, annotations: { sync: 'me', ...rev } };
    ok(await east.admin.post(imageStreams(ns), { ...body, metadata }), `create ${name}`);
  } else ok(await east.admin.patch(`${imageStreams(ns)}/${name}`, { metadata: { annotations: rev } }), name);
}

/** When each slave first held each object at each `bench/rev` (watch events). */
class Arrivals {
  readonly #seen = new Map<string, { rev: number; at: number }[]>();

  record(object: KubeJson): void {
    const name = object.metadata?.name;
    const rev = Number(object.metadata?.annotations?.['bench/rev'] ?? Number.NaN);
    if (!name || Number.isNaN(rev)) return;
    const list = this.#seen.get(name) ?? [];
    list.push({ rev, at: performance.now() });
    this.#seen.set(name, list);
  }

  /** When change `i` arrived: the first state of its object at rev `i` or later. */
  of(i: number): number | undefined {
    return this.#seen.get(nameOf(i))?.find((s) => s.rev >= i)?.at;
  }
}

/**
 * One latency series with a fresh watcher (mcsync's observer unless `start` says otherwise):
 * namespaces made on `live` (the clusters that are up), changes written on east `GAP_MS` apart
 * from the moment the watcher is ready, each change's arrival taken from watches on `measured`.
 * A change's latency runs from east's answer to its write (the moment the master holds it) until
 * the slave holds it: how long east takes to answer is the API server's own, and is reported
 * apart (`writeMs`).
 */
async function latencySeries(
  label: string,
  live: SandboxClusterHandle[],
  measured: SandboxClusterHandle[],
  then?: (ns: string, obs: RunningObserver) => Promise<Record<string, string>>,
  start: StartWatcher = startObserver,
) {
  const ns = `bench-latency-${label}`;
  await freshNamespace(ns, live);
  const arrivals = measured.map(() => new Arrivals());
  const watches = measured.map((c, k) =>
    watchCollection(c.admin.target, imageStreams(ns), (type, object) => {
      if (type !== 'DELETED') arrivals[k]?.record(object);
    }),
  );
  const started = performance.now();
  const obs = await start(ns).catch((error: unknown) => {
    for (const w of watches) w.close();
    throw error;
  });
  try {
    const readyMs = performance.now() - started;
    const writes: number[] = [];
    const sends: number[] = [];
    const cpuBefore = cpuMs(obs.pid);
    const t0 = performance.now();
    for (let i = 0; i < CHANGES; i++) {
      const wait = t0 + i * GAP_MS - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      sends.push(performance.now());
      await writeChange(ns, i);
      writes.push(performance.now());
    }
    const arrived = (): boolean => arrivals.every((a) => writes.every((_, i) => a.of(i) !== undefined));
    try {
      await waitFor('every change on the slaves', arrived, 300_000);
    } catch (error) {
      process.stderr.write(`${obs.tail()}\n`);
      throw error;
    }
    const cpuPerChangeMs = (cpuMs(obs.pid) - cpuBefore) / CHANGES;
    const writeMs = writes.map((answered, i) => answered - (sends[i] ?? Number.NaN));
    const since = (from: number[]): Map<string, number[]> =>
      new Map(measured.map((c, k) => [c.name, from.map((at, i) => (arrivals[k]?.of(i) ?? Number.NaN) - at)]));
    const latencies = since(writes);
    const fromSent = since(sends);
    const notes = obs
      .err()
      .split('\n')
      .filter((l) => /warm-up|unreachable|recovered/.test(l))
      .slice(0, 6);
    const extra = (await then?.(ns, obs)) ?? {};
    return {
      readyMs,
      writeMs,
      cpuPerChangeMs,
      latencies,
      fromSent,
      runs: runLines(obs),
      notes,
      extra,
    } satisfies Series;
  } finally {
    for (const w of watches) w.close();
    await obs.stop();
    if (values.logs) {
      mkdirSync(values.logs, { recursive: true });
      writeFileSync(join(values.logs, `${label}.out`), obs.out());
      writeFileSync(join(values.logs, `${label}.err`), obs.err());
    }
    await east.admin.delete(`/api/v1/namespaces/${ns}`);
  }
}

/** Each change's latency to all `slaves`: the later of their arrivals. */
function toAll(series: Series, slaves: string[], from: 'answered' | 'sent' = 'answered'): number[] {
  const lists = slaves.map((s) => (from === 'sent' ? series.fromSent : series.latencies).get(s) ?? []);
  return (lists[0] ?? []).map((_, i) => Math.max(...lists.map((l) => l[i] ?? Number.NaN)));
}

const ms = (v: number): string => (Number.isFinite(v) ? v.toFixed(0) : '—');
const stats = (samples: number[]): string =>
  `${ms(percentile(samples, 50))} / ${ms(percentile(samples, 99))} / ${ms(Math.max(...samples))}`;

/** Rows for one series: the first FIRST changes after ready, the rest, and all. */
function latencyRows(what: string, samples: number[]): Record<string, string> {
  return {
    [`${what}: first ${FIRST} changes after ready, p50 / p99 / max`]: `${stats(samples.slice(0, FIRST))} ms`,
    [`${what}: changes ${FIRST + 1}–${samples.length}, p50 / p99 / max`]: `${stats(samples.slice(FIRST))} ms`,
    [`${what}: all ${samples.length} changes, p50 / p99 / max`]: `${stats(samples)} ms`,
  };
}

function seriesRows(label: string, s: Series): Record<string, string> {
  return {
    [`${label}: observer ready after`]: `${(s.readyMs / 1000).toFixed(1)} s`,
    [`${label}: playbook runs (retries included)`]: String(s.runs),
    ...(s.notes.length ? { [`${label}: observer said`]: s.notes.map((n) => `\`${n}\``).join('<br>') } : {}),
  };
}

/**
 * mcsync's observer, then the floor (bench/peers/watch-floor.ts) over the same changes on the
 * same clusters, and mcsync's ratio to the floor.
 */
async function latency(): Promise<Record<string, string>> {
  const healthy = await latencySeries('healthy', [east, west, south], [west, south]);
  const floor = await latencySeries(
    'floor',
    [east, west, south],
    [west, south],
    undefined,
    floorWatcher([west, south]),
  );
  const mcsync = toAll(healthy, ['west', 'south']);
  const bare = toAll(floor, ['west', 'south']);
  const ratio = (p: number): string => (percentile(mcsync, p) / percentile(bare, p)).toFixed(2);
  return {
    ...seriesRows('all healthy', healthy),
    'east answering the writes (mcsync series), p50 / p99 / max': `${stats(healthy.writeMs)} ms`,
    ...latencyRows('latency to both slaves', mcsync),
    'observer CPU per change (user + system over the series)': `${healthy.cpuPerChangeMs.toFixed(1)} ms`,
    'floor: ready after': `${(floor.readyMs / 1000).toFixed(1)} s`,
    'east answering the writes (floor series), p50 / p99 / max': `${stats(floor.writeMs)} ms`,
    ...latencyRows('floor, latency to both slaves', bare),
    'floor CPU per change (user + system over the series)': `${floor.cpuPerChangeMs.toFixed(1)} ms`,
    'mcsync / floor, all changes: p50, p99': `${ratio(50)}, ${ratio(99)}`,
    'counted from sending the write (east answering included), all changes, p50 / p99 / max: mcsync': `${stats(toAll(healthy, ['west', 'south'], 'sent'))} ms`,
    'counted from sending the write, all changes, p50 / p99 / max: floor': `${stats(toAll(floor, ['west', 'south'], 'sent'))} ms`,
  };
}

async function slaveDown(): Promise<Record<string, string>> {
  const healthy = await latencySeries('healthy', [east, west, south], [west, south]);
  await freshNamespace('bench-latency-south-down', [south]);
  await sandbox.fault('kill', 'south');
  cleanups.push(() => sandbox.fault('start', 'south').then(() => undefined));
  const down = await latencySeries('south-down', [east, west], [west], southBack);
  const before = toAll(healthy, ['west']);
  const after = toAll(down, ['west']);
  const ratio = (p: number): string => (percentile(after, p) / percentile(before, p)).toFixed(2);
  return {
    ...seriesRows('all healthy', healthy),
    ...latencyRows('all healthy, latency to both slaves', toAll(healthy, ['west', 'south'])),
    ...latencyRows('all healthy, latency to west', before),
    ...seriesRows('south killed', down),
    ...latencyRows('south killed, latency to west', after),
    'south killed / all healthy, latency to west: p50, p99 (target ≤ 1.2)': `${ratio(50)}, ${ratio(99)}`,
    ...down.extra,
  };
}

/**
 * The end of the south-down series, with its observer still running: south is started again,
 * and the time until it holds every key at its last `bench/rev` is measured (the observer's
 * recovery of south; no restart), then whether the observer ever exited.
 */
async function southBack(ns: string, obs: RunningObserver): Promise<Record<string, string>> {
  const last = new Map<string, number>();
  for (let i = 0; i < CHANGES; i++) last.set(nameOf(i), i);
  await sandbox.fault('start', 'south');
  const started = performance.now();
  const current = async (): Promise<boolean> => {
    const res = await south.admin.get(imageStreams(ns)).catch(() => undefined);
    if (res?.status !== 200) return false;
    const items = (res.json as { items: KubeJson[] }).items;
    const revs = new Map(
      items.map((o) => [o.metadata?.name, Number(o.metadata?.annotations?.['bench/rev'])]),
    );
    return [...last].every(([name, rev]) => revs.get(name) === rev);
  };
  try {
    await waitFor('south to hold every change', current, 300_000);
  } catch (error) {
    process.stderr.write(`${obs.tail()}\n`);
    throw error;
  }
  const caughtUp = performance.now() - started;
  return {
    [`south started again: every one of the ${last.size} keys current on south after`]: `${(caughtUp / 1000).toFixed(1)} s (same observer, no restart)`,
    'south killed: the observer exited during the series': obs.running() ? 'no' : 'yes',
  };
}

/** User + system CPU of a process so far, in ms (/proc/PID/stat, clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * --first-run N: N fresh observers; after each is ready, 4 changes one at a time (each waits for
 * the previous to reach both slaves, then 500 ms), with the latency and the observer's CPU time
 * for each. CPU time is what the machine's load changes least: it says what the first run costs
 * the observer against the later ones.
 */
async function firstRuns(): Promise<Record<string, string>> {
  const reps = Number(values['first-run']);
  const ns = 'bench-latency-first';
  const first = { ms: [] as number[], cpu: [] as number[] };
  const later = { ms: [] as number[], cpu: [] as number[] };
  for (let rep = 0; rep < reps; rep++) {
    await freshNamespace(ns, [east, west, south]);
    const port = await freePort();
    const obs = playbookObserver(ns, port);
    try {
      await ready(port, obs);
      for (let i = 0; i < 4; i++) {
        const cpu = cpuMs(obs.pid);
        const started = performance.now();
        await putImageStream(east, ns, `first-${i}`, { sync: 'me' });
        await waitFor(`first-${i} on both slaves`, () => current(ns, `first-${i}`, undefined), 30_000);
        const into = i === 0 ? first : later;
        into.ms.push(performance.now() - started);
        into.cpu.push(cpuMs(obs.pid) - cpu);
        await new Promise((r) => setTimeout(r, 500));
      }
    } catch (error) {
      process.stderr.write(`${obs.tail()}\n`);
      throw error;
    } finally {
      await obs.stop();
    }
  }
  const med = (v: number[]): string => ms(percentile(v, 50));
  const range = (v: number[]): string => `${ms(Math.min(...v))}–${ms(Math.max(...v))}`;
  return {
    [`first change after ready (${reps} observers): latency median (range)`]: `${med(first.ms)} ms (${range(first.ms)})`,
    'first change after ready: observer CPU median (range)': `${med(first.cpu)} ms (${range(first.cpu)})`,
    [`changes 2–4, one at a time (${later.ms.length}): latency median (range)`]: `${med(later.ms)} ms (${range(later.ms)})`,
    'changes 2–4: observer CPU median (range)': `${med(later.cpu)} ms (${range(later.cpu)})`,
  };
}

/** True when both slaves hold `name` (with `bench/rev` = `rev`, when given). */
async function current(ns: string, name: string, rev: string | undefined): Promise<boolean> {
  const revs = await Promise.all(
    [west, south].map(async (c) => {
      const res = await c.admin.get(`${imageStreams(ns)}/${name}`);
      if (res.status !== 200) return null;
      return (res.json as { metadata: { annotations?: Record<string, string> } }).metadata.annotations?.[
        'bench/rev'
      ];
    }),
  );
  return revs.every((r) => (rev === undefined ? r !== null : r === rev));
}

async function burst(): Promise<Record<string, string>> {
  const ns = 'bench-observe-burst';
  await freshNamespace(ns, [east]);
  const objects = 50;
  const perObject = Math.ceil(Number(values.burst) / objects);
  const port = await freePort();
  const obs = playbookObserver(ns, port);
  await ready(port, obs);
  for (let j = 0; j < objects; j++)
    await putImageStream(east, ns, `burst-${j}`, { sync: 'me', 'bench/rev': 'x' });
  const allCurrent = async (rev: string): Promise<boolean> =>
    (await Promise.all(Array.from({ length: objects }, (_, j) => current(ns, `burst-${j}`, rev)))).every(
      Boolean,
    );
  try {
    await waitFor('burst objects synced', () => allCurrent('x'), 120_000);
    const runsBefore = runLines(obs);
    const started = performance.now();
    // One merge patch per change, 50 in flight: the writer must not be the bottleneck.
    for (let round = 0; round < perObject; round++) {
      await Promise.all(
        Array.from({ length: objects }, (_, j) =>
          east.admin.patch(`${imageStreams(ns)}/burst-${j}`, {
            metadata: { annotations: { 'bench/rev': String(round) } },
          }),
        ),
      );
    }
    const written = performance.now() - started;
    await waitFor('burst converged', () => allCurrent(String(perObject - 1)), 300_000);
    const converged = performance.now() - started;
    return {
      [`burst: ${objects * perObject} changes to ${objects} objects, written in`]: `${(written / 1000).toFixed(2)} s`,
      'burst: converged on both slaves after': `${(converged / 1000).toFixed(2)} s`,
      'burst: playbook runs': String(runLines(obs) - runsBefore),
    };
  } catch (error) {
    process.stderr.write(`${obs.tail()}\n`);
    throw error;
  } finally {
    await obs.stop();
    await east.admin.delete(`/api/v1/namespaces/${ns}`);
  }
}

async function memory(): Promise<Record<string, string>> {
  const ns = 'bench-observe-mem';
  await freshNamespace(ns, [east]);
  const total = Number(values.objects);
  const started = performance.now();
  for (let i = 0; i < total; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, total - i) }, (_, j) =>
        east.admin.post(`/api/v1/namespaces/${ns}/configmaps`, {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: `cm-${i + j}`, labels: { bench: 'rss' } },
          data: { key: `value-${i + j}` },
        }),
      ),
    );
  }
  const created = (performance.now() - started) / 1000;
  const port = await freePort();
  const obs = observer([
    'configmaps',
    '-n',
    ns,
    '-i',
    sandbox.inventoryFile,
    '-q',
    `--listen-addr=127.0.0.1:${port}`,
  ]);
  const t0 = performance.now();
  await ready(port, obs);
  const listed = (performance.now() - t0) / 1000;
  await new Promise((r) => setTimeout(r, 3000));
  const status = readFileSync(`/proc/${obs.pid}/status`, 'utf8');
  const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  await obs.stop();
  await east.admin.delete(`/api/v1/namespaces/${ns}`);
  return {
    [`memory: ${total} ConfigMaps created in`]: `${created.toFixed(1)} s`,
    'memory: observer ready (initial list queued) after': `${listed.toFixed(1)} s`,
    'memory: observer RSS after the initial list': `${rss.toFixed(0)} MB (peak ${hwm.toFixed(0)} MB)`,
  };
}

function uptime(): string {
  return execFileSync('uptime', { encoding: 'utf8' }).trim();
}

function machine(): string {
  let commit = 'no git checkout';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    // a copy of the tree (git archive) measured beside the checkout
  }
  const model = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpus().length} cores (${model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, HEAD ${commit} of ${root}`;
}

try {
  const date = new Date().toISOString();
  const results: Record<string, string> = values['slave-down']
    ? await slaveDown()
    : values['first-run']
      ? await firstRuns()
      : {
          ...(await latency()),
          ...(Number(values.burst) > 0 ? await burst() : {}),
          ...(Number(values.objects) > 0 ? await memory() : {}),
        };
  console.log(`\nstarted ${date}; ${machine()}`);
  console.log(`uptime before: ${uptimeBefore}\nuptime after:  ${uptime()}`);
  const spread = KEYS > 0 ? `to ${KEYS} ImageStreams in turn` : 'each creating an ImageStream';
  console.log(`${CHANGES} changes ${GAP_MS} ms apart ${spread}, --workers ${values.workers}`);
  console.log('\n| measure | result |\n|---|---|');
  for (const [k, v] of Object.entries(results)) console.log(`| ${k} | ${v} |`);
} finally {
  for (const fn of cleanups.reverse()) await fn();
}
