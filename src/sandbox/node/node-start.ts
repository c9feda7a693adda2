import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { apiUrl, registryHost } from '../cluster-handle.ts';
import { SandboxError } from '../errors.ts';
import { run } from '../exec.ts';
import type { SandboxLayout } from '../layout.ts';
import { processStatus, spawnDetached } from '../processes.ts';
import type { ClusterRecord, NodeRecord } from '../state.ts';
import { ensureCgroup } from './cgroups.ts';
import { cniConfig, containerdConfig, registryHostsToml } from './containerd-config.ts';
import { addNodeAddress, addressIndex } from './host-addresses.ts';
import { nodeLayout, type NodeLayout } from './node-layout.ts';
import { writePauseImage } from './pause-image.ts';

/** Text in /proc/<pid>/cmdline that marks a node's containerd (its config path). */
export function containerdMark(node: NodeLayout): string {
  return node.containerdConfig;
}

/** Text in /proc/<pid>/cmdline that marks a node's kubelet process. */
export function kubeletMark(node: NodeLayout): string {
  return `--dir=${node.dir}`;
}

/** The kubeconfig the node's kubelet, scheduler and controllers use: the admin token, by file. */
function nodeKubeconfig(cluster: ClusterRecord, caFile: string): string {
  return `apiVersion: v1
kind: Config
clusters:
  - name: ${cluster.name}
    cluster: {server: ${JSON.stringify(apiUrl(cluster))}, certificate-authority: ${JSON.stringify(caFile)}}
users:
  - name: admin
    user: {tokenFile: ${JSON.stringify(cluster.adminTokenFile)}}
contexts:
  - name: ${cluster.name}
    context: {cluster: ${cluster.name}, user: admin}
current-context: ${cluster.name}
`;
}

/** Writes every file the node's processes read. */
async function writeNodeFiles(
  node: NodeLayout,
  cluster: ClusterRecord,
  caFile: string,
  pause: string,
): Promise<void> {
  const registry = registryHost(cluster);
  await mkdir(path.join(node.registryHostsDir, registry), { recursive: true, mode: 0o700 });
  await mkdir(node.cniConfDir, { recursive: true });
  await writeFile(node.kubeconfig, nodeKubeconfig(cluster, caFile), { mode: 0o600 });
  await writeFile(node.containerdConfig, containerdConfig(node), { mode: 0o600 });
  await writeFile(
    path.join(node.registryHostsDir, registry, 'hosts.toml'),
    registryHostsToml(registry, caFile),
  );
  await writePauseImage(pause, node.pauseImageTar);
}

async function logTail(file: string): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '(no log)');
  return text.trim().split('\n').slice(-15).join('\n');
}

/** Polls containerd's socket with `ctr version` until it answers; fails fast with the log if containerd died. */
async function waitContainerd(node: NodeLayout, pid: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await run('ctr', ['--address', node.containerdSocket, 'version']);
      return;
    } catch (error) {
      if ((await processStatus(pid, containerdMark(node))) === 'dead')
        throw new SandboxError(
          `containerd of ${path.basename(node.dir)} exited; last lines of ${node.containerdLog}:\n${await logTail(node.containerdLog)}`,
        );
      if (Date.now() > deadline)
        throw new SandboxError(
          `containerd of ${path.basename(node.dir)} did not answer in ${timeoutMs} ms (${(error as Error).message}); see ${node.containerdLog}`,
        );
    }
    await sleep(200);
  }
}

/** What starting one node needs. */
export interface NodeStart {
  layout: SandboxLayout;
  binary: string;
  cluster: ClusterRecord;
  caFile: string;
  /** Persists the state; called after every process is recorded and before it is waited on. */
  save: () => Promise<void>;
  /** Runs the scheduler and workload controllers (one node per cluster does). */
  workloads: boolean;
}

/**
 * Starts one node whose record is already in the saved state: address on
 * `lo`, cgroup, containerd (recorded, then waited on), the pause image, then
 * the kubelet (recorded at once). Readiness is waited on by the caller.
 */
export async function startNode(record: NodeRecord, start: NodeStart): Promise<void> {
  const node = nodeLayout(start.layout, record.cluster, record.name);
  await mkdir(node.dir, { recursive: true, mode: 0o700 });
  await writeNodeFiles(node, start.cluster, start.caFile, path.join(path.dirname(start.binary), 'pause'));
  await writeFile(path.join(node.cniConfDir, '10-mcsync.conflist'), cniConfig(node, addressIndex(record.ip)));
  await addNodeAddress(record.ip);
  await ensureCgroup(record.cgroupRoot);

  const containerd = spawnDetached('containerd', ['--config', node.containerdConfig], node.containerdLog);
  record.containerd = { pid: containerd, port: 0, startedAt: new Date().toISOString() };
  await start.save();
  await waitContainerd(node, containerd);
  await run('ctr', [
    '--address',
    node.containerdSocket,
    '--namespace',
    'k8s.io',
    'images',
    'import',
    node.pauseImageTar,
  ]);

  const kubelet = spawnDetached(
    start.binary,
    [
      'node',
      `--name=${record.name}`,
      `--dir=${node.dir}`,
      `--kubeconfig=${node.kubeconfig}`,
      `--ca-file=${start.caFile}`,
      `--container-runtime-endpoint=unix://${node.containerdSocket}`,
      `--node-ip=${record.ip}`,
      `--cgroup-root=${record.cgroupRoot}`,
      `--port=${record.kubeletPort}`,
      `--healthz-port=${record.healthzPort}`,
      ...(start.workloads ? ['--workloads'] : []),
    ],
    node.kubeletLog,
  );
  record.kubelet = { pid: kubelet, port: record.kubeletPort, startedAt: new Date().toISOString() };
  await start.save();
}
