import { mkdir } from 'node:fs/promises';
import { bootstrapCluster } from './bootstrap.ts';
import { clusterTargets, controlPlaneMark, registryMark } from './cluster-handle.ts';
import { startControlPlane, waitHealthy } from './control-plane.ts';
import { clusterLayout, type SandboxLayout } from './layout.ts';
import { freePorts, portInUse } from './ports.ts';
import { processStatus, signal, stopProcess } from './processes.ts';
import { startRegistry } from './registry.ts';
import { ensureSecrets, VIEWER_USER } from './secrets.ts';
import type { ClusterRecord, ProcessRecord } from './state.ts';

/** How long one control plane may take to answer /readyz. */
const READY_TIMEOUT_MS = 90_000;

function processRecord(pid: number, port: number): ProcessRecord {
  return { pid, port, startedAt: new Date().toISOString() };
}

/** Is the recorded process alive? A paused one is resumed, since `up` means "running". */
async function alive(proc: ProcessRecord | null, mark: string): Promise<boolean> {
  if (!proc) return false;
  const status = await processStatus(proc.pid, mark);
  if (status === 'paused') signal(proc.pid, 'SIGCONT');
  return status !== 'dead';
}

/**
 * Starts whatever of one cluster is not running (control plane, registry), on
 * its recorded ports unless another program took them meanwhile, and
 * records the pids in `record` at once, before waiting, so a failed start can
 * still be cleaned up by `down`. `onStarted` persists the record.
 */
export async function startMissing(
  layout: SandboxLayout,
  binary: string,
  record: ClusterRecord,
  onStarted: () => Promise<void>,
): Promise<void> {
  const files = clusterLayout(layout, record.name);
  await mkdir(files.dataDir, { recursive: true, mode: 0o700 });
  await ensureSecrets(files);
  const registryAlive = await alive(record.registry, registryMark(files));
  // Decided before the control plane starts, since its image controller is told the registry.
  if (!registryAlive && (await portInUse(record.registryPort)))
    [record.registryPort = 0] = await freePorts(1);
  if (!(await alive(record.apiserver, controlPlaneMark(files)))) {
    if ((await portInUse(record.apiPort)) || (await portInUse(record.etcdPort))) {
      [record.apiPort = 0, record.etcdPort = 0] = await freePorts(2);
    }
    if (!record.eventsPort || (await portInUse(record.eventsPort)))
      [record.eventsPort = 0] = await freePorts(1);
    const pid = startControlPlane(binary, layout, files, record.name, {
      apiPort: record.apiPort,
      etcdPort: record.etcdPort,
      registryPort: record.registryPort,
      eventsPort: record.eventsPort,
    });
    record.apiserver = processRecord(pid, record.apiPort);
  }
  if (!registryAlive) {
    record.registry = processRecord(
      await startRegistry(layout, files, { port: record.registryPort, eventsPort: record.eventsPort ?? 0 }),
      record.registryPort,
    );
  }
  await onStarted();
}

/** Waits until the control plane answers /readyz. */
export async function waitControlPlane(layout: SandboxLayout, record: ClusterRecord): Promise<void> {
  const files = clusterLayout(layout, record.name);
  const targets = await clusterTargets(layout.dir, record);
  const pid = record.apiserver?.pid ?? -1;
  await waitHealthy(
    targets.admin,
    '/readyz',
    { pid, mark: controlPlaneMark(files), log: files.apiserverLog, what: `cluster ${record.name}` },
    READY_TIMEOUT_MS,
  );
}

/** Waits until the registry answers an authenticated GET /v2/. */
export async function waitRegistry(layout: SandboxLayout, record: ClusterRecord): Promise<void> {
  const files = clusterLayout(layout, record.name);
  const targets = await clusterTargets(layout.dir, record);
  const pid = record.registry?.pid ?? -1;
  await waitHealthy(
    targets.registry,
    '/v2/',
    { pid, mark: registryMark(files), log: files.registryLog, what: `registry of ${record.name}` },
    30_000,
  );
}

/**
 * Brings one cluster to "ready": control plane and registry healthy, OpenShift
 * CRDs Established, viewer RBAC in effect.
 */
export async function readyCluster(
  layout: SandboxLayout,
  record: ClusterRecord,
  openshiftProjects: boolean,
): Promise<void> {
  await Promise.all([waitControlPlane(layout, record), waitRegistry(layout, record)]);
  const targets = await clusterTargets(layout.dir, record);
  await bootstrapCluster(targets.admin, {
    viewerUser: VIEWER_USER,
    viewerToken: targets.viewer.token ?? '',
    openshiftProjects,
  });
}

/** Stops the control plane and registry of one cluster (SIGTERM, then SIGKILL). */
export async function stopCluster(layout: SandboxLayout, record: ClusterRecord): Promise<void> {
  const files = clusterLayout(layout, record.name);
  await Promise.all([
    record.apiserver ? stopProcess(record.apiserver.pid, controlPlaneMark(files)) : undefined,
    record.registry ? stopProcess(record.registry.pid, registryMark(files)) : undefined,
  ]);
  record.apiserver = null;
  record.registry = null;
}
