import { mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SandboxError } from './errors.ts';
import { httpsRequest, type HttpsTarget } from './https-json.ts';
import type { ClusterLayout, SandboxLayout } from './layout.ts';
import { processStatus, spawnDetached } from './processes.ts';
import { REGISTRY_USER } from './secrets.ts';

/** Ports of one control plane. */
export interface ControlPlanePorts {
  apiPort: number;
  etcdPort: number;
  /** The cluster's registry: its image controller records pushes to it and imports from it. */
  registryPort: number;
  /** Where the registry's push notifications arrive (0: none). */
  eventsPort: number;
}

/** The text that identifies a sandbox control plane in /proc/<pid>/cmdline. */
export const CONTROL_PLANE_MARK = 'sandbox-cluster';

/** File in the data dir that configures the cluster binary's image controller. */
export const IMAGE_CONFIG_FILE = 'openshift-images.json';

/**
 * What the cluster binary's image controller reads from DATA_DIR/openshift-images.json: the
 * cluster's registry (for `status.dockerImageRepository` and imports from it, password by
 * file) and where the registry's push notifications arrive, with their token file.
 */
export function imageControllerConfig(
  cluster: ClusterLayout,
  ports: ControlPlanePorts,
): Record<string, unknown> {
  return {
    registryHost: `127.0.0.1:${ports.registryPort}`,
    registryUser: REGISTRY_USER,
    registryPasswordFile: cluster.registryPassword,
    eventsPort: ports.eventsPort,
    eventsTokenFile: cluster.registryEventsToken,
  };
}

/**
 * Starts the cluster binary for one cluster, detached, logging to
 * DIR/<name>/apiserver.log, after writing its image controller's config.
 * Returns at once with the pid; see waitReady.
 */
export function startControlPlane(
  binary: string,
  sandbox: SandboxLayout,
  cluster: ClusterLayout,
  name: string,
  ports: ControlPlanePorts,
): number {
  mkdirSync(cluster.dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(
    path.join(cluster.dataDir, IMAGE_CONFIG_FILE),
    `${JSON.stringify(imageControllerConfig(cluster, ports), null, 2)}\n`,
    { mode: 0o600 },
  );
  return spawnDetached(
    binary,
    [
      `--name=${name}`,
      `--data-dir=${cluster.dataDir}`,
      `--cert-dir=${sandbox.serverDir}`,
      `--token-auth-file=${cluster.tokensCsv}`,
      `--secure-port=${ports.apiPort}`,
      `--etcd-client-port=${ports.etcdPort}`,
    ],
    cluster.apiserverLog,
  );
}

async function logTail(file: string): Promise<string> {
  try {
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    return lines.slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Where a started process is checked: its pid, its log and the text that marks it in /proc. */
export interface Watched {
  pid: number;
  mark: string;
  log: string;
  what: string;
}

/**
 * Polls `path` until it returns 200 (with body `ok` for /readyz). Fails fast
 * with the log's tail when the process dies, instead of waiting for a timeout.
 */
export async function waitHealthy(
  target: HttpsTarget,
  path: string,
  proc: Watched,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let last: string;
    try {
      const res = await httpsRequest(target, 'GET', path, { timeoutMs: 2_000 });
      if (res.status === 200) return;
      last = `HTTP ${res.status} ${res.text.slice(0, 200)}`;
    } catch (error) {
      last = (error as Error).message;
    }
    if ((await processStatus(proc.pid, proc.mark)) === 'dead') {
      throw new SandboxError(
        `${proc.what} exited during startup; last lines of ${proc.log}:\n${await logTail(proc.log)}`,
      );
    }
    if (Date.now() > deadline) {
      throw new SandboxError(`${proc.what} not ready after ${timeoutMs} ms (${last}); see ${proc.log}`);
    }
    await sleep(100);
  }
}
