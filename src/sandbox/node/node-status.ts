import { clusterTargets } from '../cluster-handle.ts';
import { sandboxLayout } from '../layout.ts';
import { processStatus, type ProcessStatus } from '../processes.ts';
import { requireState } from '../sandbox.ts';
import { nodeLayout } from './node-layout.ts';
import { containerdMark, kubeletMark } from './node-start.ts';
import { nodeReady } from './nodes.ts';

/** One node row of `mcsync sandbox status`. */
export interface NodeStatus {
  name: string;
  cluster: string;
  ip: string;
  containerd: ProcessStatus;
  kubelet: ProcessStatus;
  /** The Node's Ready condition is True on its cluster. */
  ready: boolean;
}

/** Process state of every node's containerd and kubelet, and whether the cluster sees the node Ready. */
export async function sandboxNodeStatus(dir: string): Promise<NodeStatus[]> {
  const state = await requireState(dir);
  const layout = sandboxLayout(dir);
  return Promise.all(
    (state.nodes ?? []).map(async (r) => {
      const node = nodeLayout(layout, r.cluster, r.name);
      const cluster = state.clusters.find((c) => c.name === r.cluster);
      const [containerd, kubelet] = await Promise.all([
        r.containerd ? processStatus(r.containerd.pid, containerdMark(node)) : ('dead' as const),
        r.kubelet ? processStatus(r.kubelet.pid, kubeletMark(node)) : ('dead' as const),
      ]);
      const admin = cluster ? (await clusterTargets(dir, cluster)).admin : null;
      const ready = admin ? await nodeReady(admin, r.name).catch(() => false) : false;
      return { name: r.name, cluster: r.cluster, ip: r.ip, containerd, kubelet, ready };
    }),
  );
}
