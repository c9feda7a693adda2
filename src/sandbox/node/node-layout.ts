import path from 'node:path';
import type { SandboxLayout } from '../layout.ts';

/**
 * Files of one sandbox node, all under DIR/<cluster>/nodes/<node>/ so that
 * `down` finds (and removes) everything a node left behind from the sandbox
 * directory alone: containerd's root and state, the kubelet's root, pod logs,
 * CNI configuration and IPAM data, registry trust and the logs.
 */
export interface NodeLayout {
  readonly dir: string;
  readonly kubeconfig: string;
  readonly containerdConfig: string;
  readonly containerdSocket: string;
  readonly containerdRoot: string;
  readonly containerdState: string;
  readonly containerdLog: string;
  readonly kubeletDir: string;
  readonly kubeletLog: string;
  readonly cniConfDir: string;
  readonly cniDataDir: string;
  readonly registryHostsDir: string;
  readonly pauseImageTar: string;
}

/** Paths of node `node` of cluster `cluster`. */
export function nodeLayout(sandbox: SandboxLayout, cluster: string, node: string): NodeLayout {
  const dir = path.join(sandbox.dir, cluster, 'nodes', node);
  return {
    dir,
    kubeconfig: path.join(dir, 'kubeconfig'),
    containerdConfig: path.join(dir, 'containerd.toml'),
    containerdSocket: path.join(dir, 'containerd.sock'),
    containerdRoot: path.join(dir, 'containerd', 'root'),
    containerdState: path.join(dir, 'containerd', 'state'),
    containerdLog: path.join(dir, 'containerd.log'),
    kubeletDir: path.join(dir, 'kubelet'),
    kubeletLog: path.join(dir, 'kubelet.log'),
    cniConfDir: path.join(dir, 'cni', 'net.d'),
    cniDataDir: path.join(dir, 'cni', 'ipam'),
    registryHostsDir: path.join(dir, 'certs.d'),
    pauseImageTar: path.join(dir, 'pause-image.tar'),
  };
}
