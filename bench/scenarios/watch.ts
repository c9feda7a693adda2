/**
 * Scenario 3: per-change latency of watch mode. An ImageStream annotated sync=me on the master
 * is changed `changes` times, one change at a time; the latency of a change is the time from
 * the write on the master until every slave holds it (seen through watches on the slaves).
 * mcsync observe with the in-process playbook trigger vs. mcsync observe running the seed's
 * watch.sh (ansible-playbook per change). Both must leave identical ImageStreams.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { api, type BenchHost } from '../lib/cluster.ts';
import type { BenchContext } from '../lib/context.ts';
import { root } from '../lib/exec.ts';
import type { WatchResult, WatchSeries } from '../lib/results.ts';
import { assertLikeMaster, snapshot } from '../lib/snapshot.ts';
import { watchObject } from '../lib/watch-stream.ts';

const NS = 'bench-watch';
const NAME = 'app';
const COLLECTION = `/apis/image.openshift.io/v1/namespaces/${NS}/imagestreams`;
const SEQ = 'bench.mcsync.io/seq';
const TIMEOUT_MS = 180_000;
const GAP_MS = 1000;

const COMMANDS = {
  mcsync: [
    'observe',
    'imagestreams',
    '-A',
    '-i',
    'INV',
    '--playbook',
    'playbooks/watch.yml',
    '--when-annotation',
    'sync=me',
  ],
  ansible: [
    'observe',
    'imagestreams',
    '-A',
    '-i',
    'INV',
    '-a',
    '{ .metadata.annotations.sync }',
    '--',
    'bench/ansible/watch.sh',
  ],
};

/** Why `mcsync observe` cannot run this scenario yet, or undefined when it can. */
export function observeUnavailable(): string | undefined {
  const help = spawnSync(process.execPath, [join(root, 'bin/mcsync.js'), 'observe', '--help'], {
    encoding: 'utf8',
  });
  if (help.status !== 0)
    return `\`mcsync observe --help\` exited ${help.status}: ${(help.stderr || help.stdout).trim().split('\n')[0]}`;
  for (const flag of ['--playbook', '--when-annotation', '--argument'])
    if (!help.stdout.includes(flag)) return `\`mcsync observe\` has no ${flag} option yet`;
  if (!existsSync(join(root, 'playbooks/watch.yml'))) return 'playbooks/watch.yml does not exist yet';
  return undefined;
}

function imageStream(seq: number): Record<string, unknown> {
  return {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { name: NAME, namespace: NS, annotations: { sync: 'me', [SEQ]: String(seq) } },
    spec: {
      tags: [
        { name: 'latest', from: { kind: 'DockerImage', name: `registry.example.com/bench/app:${seq}` } },
      ],
    },
  };
}

async function setup(hosts: BenchHost[]): Promise<void> {
  for (const host of hosts) {
    await api(
      host,
      'POST',
      '/api/v1/namespaces',
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
      [409],
    );
    await api(host, 'DELETE', `${COLLECTION}/${NAME}`, undefined, [404]);
  }
  await api(hosts[0]!, 'POST', COLLECTION, imageStream(0));
}

/** Tracks the sequence number each slave holds and resolves waiters once all reach one. */
function slaveTracker(slaves: BenchHost[]): {
  waitFor(seq: number, timeoutMs: number): Promise<boolean>;
  close(): void;
} {
  const held = new Map<string, number>();
  let wake = (): void => {};
  const watches = slaves.map((host) =>
    watchObject(host, COLLECTION, NAME, (object) => {
      held.set(host.name, object ? Number(object.metadata?.annotations?.[SEQ] ?? -1) : -1);
      wake();
    }),
  );
  const reached = (seq: number): boolean => slaves.every((h) => (held.get(h.name) ?? -1) >= seq);
  return {
    async waitFor(seq, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!reached(seq)) {
        const left = deadline - Date.now();
        if (left <= 0) return false;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, 1000));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      return true;
    },
    close: () => watches.forEach((w) => w.close()),
  };
}

function startObserver(ctx: BenchContext, tool: 'mcsync' | 'ansible'): ChildProcess {
  const args = COMMANDS[tool].map((a) => (a === 'INV' ? ctx.sandbox.inventory : a));
  // No metrics port (other observers may hold :11251); no line per event. Before `--`.
  const split = args.includes('--') ? args.indexOf('--') : args.length;
  args.splice(split, 0, '--listen-addr=', '-q');
  const log = openSync(join(ctx.work, `observe-${tool}.log`), 'w');
  const child = spawn(process.execPath, [join(root, 'bin/mcsync.js'), ...args], {
    cwd: root,
    detached: true,
    stdio: ['ignore', log, log],
    env: {
      ...process.env,
      NO_COLOR: '1',
      BENCH_INVENTORY: ctx.sandbox.inventory,
      ANSIBLE_CONFIG: join(root, 'bench/ansible/ansible.cfg'),
      ANSIBLE_NOCOLOR: '1',
    },
  });
  // The observer runs in its own process group: stop it (and any watch.sh) if the bench dies.
  const stop = (): void => {
    if (child.exitCode === null && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  };
  process.once('exit', stop);
  child.once('exit', () => process.removeListener('exit', stop));
  return child;
}

async function stopObserver(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(-child.pid, 'SIGTERM');
  const timer = setTimeout(() => child.pid !== undefined && process.kill(-child.pid, 'SIGKILL'), 60_000);
  await exited;
  clearTimeout(timer);
}

function logTail(ctx: BenchContext, tool: string): string {
  return readFileSync(join(ctx.work, `observe-${tool}.log`), 'utf8')
    .trim()
    .split('\n')
    .slice(-15)
    .join('\n');
}

async function series(
  ctx: BenchContext,
  tool: 'mcsync' | 'ansible',
  changes: number,
  start: number,
): Promise<WatchSeries> {
  const [master, ...slaves] = ctx.sandbox.hosts;
  for (const slave of slaves) await api(slave, 'DELETE', `${COLLECTION}/${NAME}`, undefined, [404]);
  const tracker = slaveTracker(slaves);
  const child = startObserver(ctx, tool);
  const result: WatchSeries = {
    command: `mcsync ${COMMANDS[tool].join(' ').replace('INV', 'DIR/inventory.yml').replace('{ .metadata.annotations.sync }', "'{ .metadata.annotations.sync }'")}`,
    latenciesMs: [],
    missed: 0,
  };
  try {
    if (!(await tracker.waitFor(start, TIMEOUT_MS)))
      throw new Error(
        `watch (${tool}): the initial sync did not reach the slaves in ${TIMEOUT_MS / 1000} s\n${logTail(ctx, tool)}`,
      );
    for (let i = 1; i <= changes; i++) {
      if (child.exitCode !== null)
        throw new Error(`watch (${tool}): mcsync observe exited ${child.exitCode}\n${logTail(ctx, tool)}`);
      await new Promise((resolve) => setTimeout(resolve, GAP_MS));
      const seq = start + i;
      const t0 = performance.now();
      await api(master!, 'PATCH', `${COLLECTION}/${NAME}`, imageStream(seq));
      if (await tracker.waitFor(seq, TIMEOUT_MS)) result.latenciesMs.push(performance.now() - t0);
      else result.missed++;
      ctx.log(
        `watch ${tool} change ${i}/${changes}: ${result.latenciesMs.at(-1)?.toFixed(0) ?? 'missed'} ms`,
      );
    }
  } finally {
    tracker.close();
    await stopObserver(child);
  }
  return result;
}

/** Runs scenario 3, or reports why it cannot run yet. */
export async function runWatch(ctx: BenchContext, changes: number): Promise<WatchResult> {
  const measuredAt = new Date().toISOString();
  const reason = observeUnavailable();
  if (reason) return { status: 'not available yet', reason, changes, measuredAt };
  const hosts = ctx.sandbox.hosts;
  await setup(hosts);
  const [master, ...slaves] = hosts;
  const selections = [{ path: COLLECTION }];
  const slaveNames = slaves.map((h) => h.name);
  // Each series must end with every slave holding exactly the master's ImageStream.
  const check = async (tool: string): Promise<number> => {
    const [onMaster, onSlaves] = await Promise.all([
      snapshot([master!], selections),
      snapshot(slaves, selections),
    ]);
    assertLikeMaster(`watch (${tool})`, onMaster, onSlaves, slaveNames, master!.name);
    return onSlaves.size;
  };
  const mcsync = await series(ctx, 'mcsync', changes, 0);
  await check('mcsync');
  const ansible = await series(ctx, 'ansible', changes, changes);
  const compared = await check('ansible');
  for (const host of hosts) await api(host, 'DELETE', `/api/v1/namespaces/${NS}`, undefined, [404]);
  return { status: 'ok', changes, measuredAt, mcsync, ansible, compared };
}
