/**
 * Benchmark for issue 5 (watch mode), on a 3-cluster sandbox (east master, west and south slaves):
 *
 * 1. latency: annotate (update) an ImageStream on east 200 times, one change at a time; time from
 *    the write to the object being current (same `bench/rev`) on both slaves, with
 *    `mcsync observe --playbook playbooks/watch.yml` running in-process. p50 / p99 / max.
 * 2. burst: 1000 changes to 50 ImageStreams within about 1 s; time until all are current on both
 *    slaves, and how many playbook runs that took (coalescing).
 * 3. memory: RSS of an observer watching 10,000 ConfigMaps (after the initial list).
 *
 *   npm run build && node bench/observe-latency.ts [--changes 200] [--burst 1000] [--objects 10000] [--workers 4]
 *
 * Reuses MCSYNC_TEST_SANDBOX_DIR when it points at a running sandbox, else starts one.
 * Targets: p99 < 1 s; burst runs far fewer than changes; RSS < 200 MB.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { sandboxClusters } from '../test/support/clusters.ts';
import type { SandboxClusterHandle } from '../test/support/clusters.ts';
import { freePort, putImageStream, waitFor } from '../test/integration/observe/helpers.ts';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    changes: { type: 'string', default: '200' },
    burst: { type: 'string', default: '1000' },
    objects: { type: 'string', default: '10000' },
    workers: { type: 'string', default: '4' },
  },
});
const cleanups: (() => Promise<void> | void)[] = [];
const sandbox = await sandboxClusters({ after: (fn) => cleanups.push(fn) }, { clusters: 3 });
const east = sandbox.cluster('east');
const slaves = [sandbox.cluster('west'), sandbox.cluster('south')];
// The observer as users run it: the built launcher (`npm run build` first).
const runner = resolve(root, 'bin/mcsync-observe.js');

function observer(args: string[]): { pid: number; out: () => string; stop(): Promise<void> } {
  const child = spawn(process.execPath, [runner, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((r) => child.on('close', () => r()));
  return {
    pid: child.pid ?? 0,
    out: () => out,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function ready(port: number): Promise<void> {
  await waitFor(
    'ready',
    async () =>
      (await fetch(`http://127.0.0.1:${port}/healthz/ready`).catch(() => undefined))?.status === 200,
    120_000,
  );
}

async function namespace(name: string, clusters: SandboxClusterHandle[]): Promise<void> {
  for (const c of clusters) {
    await c.admin.delete(`/api/v1/namespaces/${name}`).catch(() => undefined);
    await waitFor(
      `namespace ${name} gone`,
      async () => (await c.admin.get(`/api/v1/namespaces/${name}`)).status === 404,
      60_000,
    );
  }
  await east.admin.post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

async function revOn(c: SandboxClusterHandle, ns: string, name: string): Promise<string | undefined> {
  const res = await c.admin.get(`/apis/image.openshift.io/v1/namespaces/${ns}/imagestreams/${name}`);
  if (res.status !== 200) return undefined;
  return (res.json as { metadata: { annotations?: Record<string, string> } }).metadata.annotations?.[
    'bench/rev'
  ];
}

async function current(ns: string, name: string, rev: string): Promise<boolean> {
  const revs = await Promise.all(slaves.map((c) => revOn(c, ns, name)));
  return revs.every((r) => r === rev);
}

const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

async function latencyAndBurst(): Promise<Record<string, string>> {
  const ns = 'bench-observe';
  await namespace(ns, [east, ...slaves]);
  const port = await freePort();
  const obs = observer([
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
  await ready(port);
  const latencies: number[] = [];
  for (let i = 0; i < Number(values.changes); i++) {
    const started = performance.now();
    await putImageStream(east, ns, 'lat', { sync: 'me', 'bench/rev': String(i) });
    await waitFor(`rev ${i}`, () => current(ns, 'lat', String(i)), 30_000);
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  const objects = 50;
  const perObject = Math.ceil(Number(values.burst) / objects);
  for (let j = 0; j < objects; j++)
    await putImageStream(east, ns, `burst-${j}`, { sync: 'me', 'bench/rev': 'x' });
  try {
    await waitFor(
      'burst objects synced',
      async () =>
        (await Promise.all(Array.from({ length: objects }, (_, j) => current(ns, `burst-${j}`, 'x')))).every(
          Boolean,
        ),
      120_000,
    );
  } catch (error) {
    process.stderr.write(`observer output ends with:\n${obs.out().split('\n').slice(-20).join('\n')}\n`);
    throw error;
  }
  const runsBeforeBurst = obs
    .out()
    .split('\n')
    .filter((l) => / exit=\d+ /.test(l)).length;
  const burstStart = performance.now();
  // One merge patch per change, 50 in flight: the writer must not be the bottleneck.
  for (let round = 0; round < perObject; round++) {
    await Promise.all(
      Array.from({ length: objects }, (_, j) =>
        east.admin.patch(`/apis/image.openshift.io/v1/namespaces/${ns}/imagestreams/burst-${j}`, {
          metadata: { annotations: { 'bench/rev': String(round) } },
        }),
      ),
    );
  }
  const written = performance.now() - burstStart;
  const last = String(perObject - 1);
  await waitFor(
    'burst converged',
    async () =>
      (await Promise.all(Array.from({ length: objects }, (_, j) => current(ns, `burst-${j}`, last)))).every(
        Boolean,
      ),
    300_000,
  );
  const converged = performance.now() - burstStart;
  const runs =
    obs
      .out()
      .split('\n')
      .filter((l) => / exit=\d+ /.test(l)).length - runsBeforeBurst;
  await obs.stop();
  return {
    [`latency p50 (${latencies.length} changes)`]: `${pct(latencies, 50).toFixed(0)} ms`,
    'latency p99': `${pct(latencies, 99).toFixed(0)} ms`,
    'latency max': `${(latencies.at(-1) ?? 0).toFixed(0)} ms`,
    [`burst: ${objects * perObject} changes to ${objects} objects, written in`]: `${(written / 1000).toFixed(2)} s`,
    'burst: converged on both slaves after': `${(converged / 1000).toFixed(2)} s`,
    'burst: playbook runs': String(runs),
  };
}

async function memory(): Promise<Record<string, string>> {
  const ns = 'bench-observe-mem';
  await namespace(ns, [east]);
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
  await ready(port);
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

try {
  const results = { ...(await latencyAndBurst()), ...(await memory()) };
  console.log('\n| measure | result |\n|---|---|');
  for (const [k, v] of Object.entries(results)) console.log(`| ${k} | ${v} |`);
} finally {
  for (const fn of cleanups.reverse()) await fn();
}
