import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** One supervised OS process of the sandbox (a control plane or a registry). */
export interface ProcessRecord {
  pid: number;
  port: number;
  startedAt: string;
}

/** What `up` recorded about one cluster, so later commands find its processes and files. */
export interface ClusterRecord {
  name: string;
  apiPort: number;
  etcdPort: number;
  registryPort: number;
  /**
   * Loopback port where the cluster binary receives the registry's push notifications (its
   * image controller). Absent in state written before it existed; `up` then picks one.
   */
  eventsPort?: number;
  apiserver: ProcessRecord | null;
  registry: ProcessRecord | null;
  adminTokenFile: string;
  viewerTokenFile: string;
  viewerUser: string;
  registryUsername: string;
  registryPasswordFile: string;
}

/**
 * One sandbox node of the master cluster (`up --node`): its containerd and its
 * kubelet process (the cluster binary's `node` subcommand), the address it was
 * given on `lo`, its ports and cgroup. Recorded before anything of it starts,
 * so `down` can undo a start that was interrupted.
 */
export interface NodeRecord {
  name: string;
  cluster: string;
  ip: string;
  kubeletPort: number;
  healthzPort: number;
  cgroupRoot: string;
  containerd: ProcessRecord | null;
  kubelet: ProcessRecord | null;
}

/** DIR/state.json: the single source of truth for `status`, `down` and the fault hooks. */
export interface SandboxState {
  version: 1;
  binary: string;
  kubernetesVersion: string;
  caFile: string;
  openshiftProjects: boolean;
  clusters: ClusterRecord[];
  /** Nodes of the master cluster; absent or empty without `up --node`. */
  nodes?: NodeRecord[];
}

/** Reads DIR/state.json, or null when no sandbox was ever started there. */
export async function readState(stateFile: string): Promise<SandboxState | null> {
  let text: string;
  try {
    text = await readFile(stateFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return JSON.parse(text) as SandboxState;
}

/** Writes state atomically (rename), so a crash never leaves half a file. */
export async function writeState(stateFile: string, state: SandboxState): Promise<void> {
  await mkdir(path.dirname(stateFile), { recursive: true });
  const tmp = `${stateFile}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, stateFile);
}
