import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { clusterTargets } from '../cluster-handle.ts';
import { SandboxError } from '../errors.ts';
import { httpsRequest, type HttpsTarget } from '../https-json.ts';
import type { SandboxLayout } from '../layout.ts';
import { freePorts } from '../ports.ts';
import { processStatus, stopProcess } from '../processes.ts';
import type { NodeRecord, SandboxState } from '../state.ts';
import { stopStrays } from '../strays.ts';
import { killCgroup, removeCgroup } from './cgroups.ts';
import { pickNodeAddresses, removeNodeAddress } from './host-addresses.ts';
import { unmountUnder } from './mounts.ts';
import { nodeLayout } from './node-layout.ts';
import { checkNodePrerequisites } from './node-prerequisites.ts';
import { containerdMark, kubeletMark, startNode } from './node-start.ts';

/**
 * Two nodes, because the observer's two replicas use host networking in the
 * sandbox (its API servers listen on loopback) and both listen on the same
 * port: on one node the scheduler could place only one of them.
 */
export const NODE_NAMES = ['node-1', 'node-2'] as const;

/** How long a node may take to report Ready after its kubelet starts. */
const READY_TIMEOUT_MS = 120_000;

async function newRecord(
  layout: SandboxLayout,
  cluster: string,
  name: string,
  ip: string,
): Promise<NodeRecord> {
  const [kubeletPort = 0, healthzPort = 0] = await freePorts(2);
  const id = createHash('sha256').update(layout.dir).digest('hex').slice(0, 8);
  return {
    name,
    cluster,
    ip,
    kubeletPort,
    healthzPort,
    cgroupRoot: `/mcsync-${id}-${name}`,
    containerd: null,
    kubelet: null,
  };
}

async function running(record: NodeRecord, layout: SandboxLayout): Promise<boolean> {
  const node = nodeLayout(layout, record.cluster, record.name);
  const [c, k] = await Promise.all([
    record.containerd ? processStatus(record.containerd.pid, containerdMark(node)) : 'dead',
    record.kubelet ? processStatus(record.kubelet.pid, kubeletMark(node)) : 'dead',
  ]);
  return c === 'running' && k === 'running';
}

/**
 * Removes one node from this host: kubelet stopped, every container killed by
 * its cgroup, containerd and its shims stopped, mounts undone, the cgroup, the
 * address and the node directory removed. Safe on a half-started node.
 */
export async function teardownNode(layout: SandboxLayout, record: NodeRecord): Promise<void> {
  const node = nodeLayout(layout, record.cluster, record.name);
  if (record.kubelet) await stopProcess(record.kubelet.pid, kubeletMark(node), 10_000);
  for (let i = 0; i < 5 && (await killCgroup(record.cgroupRoot)) > 0; i++) await sleep(200);
  if (record.containerd) await stopProcess(record.containerd.pid, containerdMark(node), 10_000);
  await stopStrays(node.dir, new Set(), 2_000);
  await unmountUnder(node.dir);
  await removeCgroup(record.cgroupRoot);
  await removeNodeAddress(record.ip);
  await rm(node.dir, { recursive: true, force: true });
  record.containerd = null;
  record.kubelet = null;
}

function isReady(node: unknown): boolean {
  const conditions = (node as { status?: { conditions?: { type?: string; status?: string }[] } } | null)
    ?.status?.conditions;
  return (conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Reads Node `name` and says whether its Ready condition is True. */
export async function nodeReady(admin: HttpsTarget, name: string): Promise<boolean> {
  const res = await httpsRequest(admin, 'GET', `/api/v1/nodes/${name}`, { timeoutMs: 2_000 });
  return res.status === 200 && isReady(res.json);
}

async function waitReady(layout: SandboxLayout, admin: HttpsTarget, record: NodeRecord): Promise<void> {
  const node = nodeLayout(layout, record.cluster, record.name);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await nodeReady(admin, record.name).catch(() => false))) {
    if (!(await running(record, layout))) {
      const tail = (await readFile(node.kubeletLog, 'utf8').catch(() => '')).trim().split('\n').slice(-15);
      throw new SandboxError(
        `node ${record.name} stopped during startup; last lines of ${node.kubeletLog}:\n${tail.join('\n')}`,
      );
    }
    if (Date.now() > deadline)
      throw new SandboxError(
        `node ${record.name} not Ready after ${READY_TIMEOUT_MS} ms; see ${node.kubeletLog}`,
      );
    await sleep(500);
  }
}

/** Deletes Node objects of nodes that no longer run, so the cluster does not keep NotReady nodes. */
async function deleteNodeObjects(admin: HttpsTarget, names: readonly string[]): Promise<void> {
  await Promise.all(
    names.map((n) =>
      httpsRequest(admin, 'DELETE', `/api/v1/nodes/${n}`, { timeoutMs: 2_000 }).catch(() => undefined),
    ),
  );
}

/**
 * `up --node`: the master cluster gets NODE_NAMES as real nodes, reused when
 * their containerd and kubelet still run, else torn down and started again.
 * Every record is saved before its address, cgroup or process exists.
 */
export async function upNodes(
  layout: SandboxLayout,
  state: SandboxState,
  binary: string,
  save: () => Promise<void>,
  log: (line: string) => void,
): Promise<void> {
  await checkNodePrerequisites();
  const master = state.clusters[0];
  if (!master) throw new SandboxError('up --node needs at least one cluster');
  const admin = (await clusterTargets(layout.dir, master)).admin;
  const kept: NodeRecord[] = [];
  for (const record of state.nodes ?? []) {
    if (
      record.cluster === master.name &&
      (NODE_NAMES as readonly string[]).includes(record.name) &&
      (await running(record, layout))
    )
      kept.push(record);
    else await teardownNode(layout, record);
  }
  const missing = NODE_NAMES.filter((n) => !kept.some((r) => r.name === n));
  const ips = await pickNodeAddresses(
    missing.length,
    kept.map((r) => r.ip),
  );
  const fresh = await Promise.all(
    missing.map((name, i) => newRecord(layout, master.name, name, ips[i] ?? '')),
  );
  state.nodes = NODE_NAMES.map((n) => [...kept, ...fresh].find((r) => r.name === n)).filter(
    (r) => r !== undefined,
  );
  await save();
  log(
    `starting nodes ${missing.join(', ') || '(none, all running)'} of ${master.name} (kubelet ${state.kubernetesVersion}, containerd)`,
  );
  for (const record of fresh) {
    await startNode(record, {
      layout,
      binary,
      cluster: master,
      caFile: state.caFile,
      save,
      workloads: record.name === NODE_NAMES[0],
    });
  }
  await Promise.all(state.nodes.map((r) => waitReady(layout, admin, r)));
  log(`  nodes ${state.nodes.map((r) => `${r.name} (${r.ip})`).join(', ')} Ready`);
}

/** Tears down every recorded node (`down`, or `up` without `--node`); deletes their Node objects when the API answers. */
export async function downNodes(layout: SandboxLayout, state: SandboxState): Promise<number> {
  const nodes = state.nodes ?? [];
  if (nodes.length === 0) return 0;
  const master = state.clusters.find((c) => c.name === nodes[0]?.cluster);
  await Promise.all(nodes.map((r) => teardownNode(layout, r)));
  if (master) {
    const admin = await clusterTargets(layout.dir, master)
      .then((t) => t.admin)
      .catch(() => null);
    if (admin)
      await deleteNodeObjects(
        admin,
        nodes.map((r) => r.name),
      );
  }
  state.nodes = [];
  return nodes.length;
}
