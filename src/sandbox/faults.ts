import { controlPlaneMark, registryMark } from './cluster-handle.ts';
import { startControlPlane } from './control-plane.ts';
import { SandboxError, SandboxUsageError } from './errors.ts';
import { clusterLayout, sandboxLayout } from './layout.ts';
import { waitControlPlane, waitRegistry } from './lifecycle.ts';
import { processStatus, signal, stopProcess, waitForExit } from './processes.ts';
import { startRegistry } from './registry.ts';
import { requireState } from './sandbox.ts';
import { writeState, type ClusterRecord, type SandboxState } from './state.ts';

/** The faults tests can inject into one cluster (or, with `registry`, its registry). */
export const FAULT_ACTIONS = ['stop', 'start', 'kill', 'pause', 'resume', 'compact'] as const;
/** One of FAULT_ACTIONS. */
export type FaultAction = (typeof FAULT_ACTIONS)[number];

/** Which cluster, which component, which action. */
export interface FaultOptions {
  dir: string;
  name: string;
  action: FaultAction;
  registry: boolean;
}

interface Target {
  state: SandboxState;
  record: ClusterRecord;
  key: 'apiserver' | 'registry';
  mark: string;
}

async function resolveTarget(o: FaultOptions): Promise<Target> {
  const state = await requireState(o.dir);
  const record = state.clusters.find((c) => c.name === o.name);
  if (!record) {
    throw new SandboxUsageError(
      `no cluster named ${o.name} in ${o.dir} (have: ${state.clusters.map((c) => c.name).join(', ')})`,
    );
  }
  const files = clusterLayout(sandboxLayout(o.dir), o.name);
  return o.registry
    ? { state, record, key: 'registry', mark: registryMark(files) }
    : { state, record, key: 'apiserver', mark: controlPlaneMark(files) };
}

async function start(o: FaultOptions, t: Target): Promise<void> {
  const layout = sandboxLayout(o.dir);
  const files = clusterLayout(layout, o.name);
  const current = t.record[t.key];
  if (current && (await processStatus(current.pid, t.mark)) !== 'dead') {
    signal(current.pid, 'SIGCONT');
    return;
  }
  const pid =
    t.key === 'registry'
      ? await startRegistry(layout, files, {
          port: t.record.registryPort,
          eventsPort: t.record.eventsPort ?? 0,
        })
      : startControlPlane(t.state.binary, layout, files, o.name, {
          apiPort: t.record.apiPort,
          etcdPort: t.record.etcdPort,
          registryPort: t.record.registryPort,
          eventsPort: t.record.eventsPort ?? 0,
        });
  const port = t.key === 'registry' ? t.record.registryPort : t.record.apiPort;
  t.record[t.key] = { pid, port, startedAt: new Date().toISOString() };
  await writeState(layout.stateFile, t.state);
  await (t.key === 'registry' ? waitRegistry(layout, t.record) : waitControlPlane(layout, t.record));
}

async function etcdPost(port: number, path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', body: JSON.stringify(body) });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new SandboxError(`etcd ${path}: HTTP ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/**
 * Compacts the cluster's etcd up to its current revision (physically), through
 * etcd's v3 JSON gateway on loopback. The sandbox's API servers run without a
 * watch cache, so a watch or list from any older resourceVersion now fails with
 * 410 Gone: the "expired resourceVersion" path of informers and watch mode.
 * Returns the compacted revision.
 */
export async function compactEtcd(etcdPort: number): Promise<number> {
  const status = await etcdPost(etcdPort, '/v3/maintenance/status', {});
  const revision = Number((status.header as { revision?: string } | undefined)?.revision ?? 0);
  if (!revision) throw new SandboxError(`etcd on port ${etcdPort} reported no revision`);
  await etcdPost(etcdPort, '/v3/kv/compaction', { revision: String(revision), physical: true });
  return revision;
}

async function forget(o: FaultOptions, t: Target): Promise<void> {
  t.record[t.key] = null;
  await writeState(sandboxLayout(o.dir).stateFile, t.state);
}

async function signalRunning(t: Target, what: string, sig: NodeJS.Signals): Promise<void> {
  const proc = t.record[t.key];
  if (!proc || (await processStatus(proc.pid, t.mark)) === 'dead')
    throw new SandboxError(`${what} is not running`);
  signal(proc.pid, sig);
}

/** Runs one fault hook and returns a one-line description of what happened. */
export async function runFault(o: FaultOptions): Promise<string> {
  const t = await resolveTarget(o);
  const what = `${o.registry ? 'registry of ' : ''}${o.name}`;
  const proc = t.record[t.key];
  switch (o.action) {
    case 'start':
      await start(o, t);
      return `${what} running`;
    case 'stop':
      if (proc) await stopProcess(proc.pid, t.mark);
      await forget(o, t);
      return `${what} stopped`;
    case 'kill':
      if (proc && (await processStatus(proc.pid, t.mark)) !== 'dead') {
        signal(proc.pid, 'SIGKILL');
        await waitForExit(proc.pid, t.mark, 5_000);
      }
      await forget(o, t);
      return `${what} killed (SIGKILL)`;
    case 'pause':
    case 'resume':
      await signalRunning(t, what, o.action === 'pause' ? 'SIGSTOP' : 'SIGCONT');
      return `${what} ${o.action === 'pause' ? 'paused (SIGSTOP)' : 'resumed (SIGCONT)'}`;
    case 'compact':
      if (o.registry) throw new SandboxUsageError('compact applies to a cluster, not to --registry');
      return `${what}: etcd compacted at revision ${await compactEtcd(t.record.etcdPort)}`;
  }
}
