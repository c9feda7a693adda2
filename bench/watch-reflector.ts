/**
 * Benchmark for issue 5's watch machinery: the reflector alone (no trigger) on one sandbox
 * cluster. Seeds N ConfigMaps in one namespace, then in a fresh child process starts a reflector
 * on them and measures: the initial paginated list to `synced`, the child's RSS with the whole
 * store in memory, and the latency from a change (a PATCH of an annotation) to its Updated event
 * for M sequential changes (p50/p99).
 *
 *   node bench/watch-reflector.ts [--objects 10000] [--changes 200] [--dir SANDBOX_DIR]
 *
 * Without --dir (or MCSYNC_TEST_SANDBOX_DIR) it starts a 1-cluster sandbox in a temp dir and
 * removes it afterwards. Targets (issue 5): RSS with 10,000 objects under 200 MB; p99 of watch
 * delivery well under the 1 s end-to-end budget.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { KubeClient } from '../src/kube/client.ts';
import type { ObservedEvent } from '../src/observe/contracts.ts';
import { startReflector } from '../src/observe/reflector.ts';
import { sandboxLayout } from '../src/sandbox/layout.ts';
import { sandboxDown, sandboxUp } from '../src/sandbox/sandbox.ts';
import { readState } from '../src/sandbox/state.ts';

const { values } = parseArgs({
  options: {
    objects: { type: 'string', default: '10000' },
    changes: { type: 'string', default: '200' },
    dir: { type: 'string' },
    child: { type: 'boolean', default: false },
    ns: { type: 'string', default: 'bench-watch' },
  },
});
const objects = Number(values.objects);
const changes = Number(values.changes);
const ns = values.ns;

async function clientFor(dir: string): Promise<KubeClient> {
  const state = await readState(sandboxLayout(dir).stateFile);
  const east = state?.clusters[0];
  if (!state || !east) throw new Error(`no sandbox in ${dir}`);
  return new KubeClient(
    {
      host: east.name,
      server: `https://127.0.0.1:${east.apiPort}`,
      token: readFileSync(east.adminTokenFile, 'utf8').trim(),
      ca: readFileSync(state.caFile),
      cert: undefined,
      key: undefined,
      servername: undefined,
      insecure: false,
      credentials: 'bench token',
      defaultNamespace: undefined,
    },
    { maxSockets: 32 },
  );
}

const cmPath = `/api/v1/namespaces/${ns}/configmaps`;

async function seed(client: KubeClient): Promise<void> {
  await client
    .request({ method: 'POST', path: '/api/v1/namespaces', body: { metadata: { name: ns } } })
    .catch(() => undefined);
  const existing = await client.get<{ items: unknown[] }>(cmPath, { limit: 1 });
  const have = (existing as { metadata?: { remainingItemCount?: number } }).metadata?.remainingItemCount ?? 0;
  if (have + existing.items.length >= objects) return;
  const started = Date.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < objects; i = next++) {
      const body = {
        metadata: { name: `cm-${i}`, labels: { bench: 'watch' }, annotations: { sync: 'me' } },
        data: { a: 'x'.repeat(64), b: 'y'.repeat(64), index: String(i) },
      };
      await client.request({ method: 'POST', path: cmPath, body }).catch((error: Error) => {
        if (!/already exists/.test(error.message)) throw error;
      });
    }
  };
  await Promise.all(Array.from({ length: 24 }, worker));
  console.error(`seeded ${objects} ConfigMaps in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Child: reflector + measurements; prints one JSON line. */
async function child(dir: string): Promise<void> {
  const client = await clientFor(dir);
  const resource = await client.resource('v1', 'ConfigMap');
  const baseline = process.memoryUsage().rss;
  let onUpdated: ((e: ObservedEvent) => void) | undefined;
  const controller = new AbortController();
  const started = performance.now();
  const reflector = startReflector({
    client,
    cluster: 'east',
    resource,
    namespace: ns,
    signal: controller.signal,
    onEvent: (e) => {
      if (e.type === 'Updated') onUpdated?.(e);
    },
  });
  await reflector.synced;
  const syncMs = performance.now() - started;
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const rss = process.memoryUsage().rss;
  const heap = process.memoryUsage().heapUsed;
  const latencies: number[] = [];
  for (let i = 0; i < changes; i++) {
    const name = `cm-${(i * 37) % objects}`;
    const seen = new Promise<void>((resolve) => {
      onUpdated = (e) => {
        if (e.name === name) resolve();
      };
    });
    const t0 = performance.now();
    await client.request({
      method: 'PATCH',
      path: `${cmPath}/${name}`,
      body: { metadata: { annotations: { bench: `${Date.now()}-${i}` } } },
      contentType: 'application/merge-patch+json',
    });
    await seen;
    latencies.push(performance.now() - t0);
  }
  await reflector.stop();
  client.close();
  latencies.sort((a, b) => a - b);
  const pct = (p: number): number =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  console.log(
    JSON.stringify({
      objects: reflector.store.size,
      syncMs: Math.round(syncMs),
      rssMb: Math.round(rss / 2 ** 20),
      baselineRssMb: Math.round(baseline / 2 ** 20),
      heapMb: Math.round(heap / 2 ** 20),
      p50: pct(0.5).toFixed(1),
      p99: pct(0.99).toFixed(1),
      max: (latencies.at(-1) ?? 0).toFixed(1),
    }),
  );
}

async function main(): Promise<void> {
  const given = values.dir ?? process.env.MCSYNC_TEST_SANDBOX_DIR;
  if (values.child) return child(given ?? '');
  const dir = given ?? (await mkdtemp(path.join(tmpdir(), 'mcsync-bench-watch-')));
  if (!given) await sandboxUp({ dir, clusters: 1, openshiftProjects: false });
  try {
    const client = await clientFor(dir);
    await seed(client);
    client.close();
    const out = execFileSync(
      process.execPath,
      [
        '--expose-gc',
        import.meta.filename,
        '--child',
        '--dir',
        dir,
        '--ns',
        ns,
        '--objects',
        String(objects),
        '--changes',
        String(changes),
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    console.log(out.trim());
  } finally {
    if (!given) await sandboxDown(dir, true);
  }
}

await main();
