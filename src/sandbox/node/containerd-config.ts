import type { NodeLayout } from './node-layout.ts';

/** The pod sandbox image every node imports from a local tarball (no registry outside is reachable). */
export const PAUSE_IMAGE = 'mcsync.local/sandbox/pause:1';

/** Where Debian's containernetworking-plugins installs the CNI plugins. */
export const CNI_BIN_DIR = '/usr/lib/cni';

/**
 * containerd's config (version 2, as containerd 1.6 and 1.7 read it) for one
 * node: its own root, state and socket under the node directory, so it never
 * touches a system containerd; runc through the v2 shim with cgroupfs (the
 * kubelet's driver); the CRI plugin with the local pause image, the node's CNI
 * directories, network namespaces under the state dir (so `down` unmounts them)
 * and registry trust from hosts.toml files (the sandbox CA for the sandbox
 * registries). No TCP, metrics or debug listeners.
 */
export function containerdConfig(node: NodeLayout): string {
  return `version = 2
root = ${JSON.stringify(node.containerdRoot)}
state = ${JSON.stringify(node.containerdState)}
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs"]

[grpc]
  address = ${JSON.stringify(node.containerdSocket)}

[ttrpc]
  address = ${JSON.stringify(`${node.containerdSocket}.ttrpc`)}

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = ${JSON.stringify(PAUSE_IMAGE)}
  netns_mounts_under_state_dir = true
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = ${JSON.stringify(CNI_BIN_DIR)}
    conf_dir = ${JSON.stringify(node.cniConfDir)}
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = ${JSON.stringify(node.registryHostsDir)}
`;
}

/**
 * A bridge network for the node's pods (bridge + host-local + loopback from
 * containernetworking-plugins). The kubelet reports the node Ready only once
 * the runtime has a network configuration, as on any cluster. Each node has
 * its own bridge, subnet and IPAM directory, since two nodes share one host.
 */
export function cniConfig(node: NodeLayout, index: number): string {
  return `${JSON.stringify(
    {
      cniVersion: '0.4.0',
      name: `mcsync-node-${index}`,
      plugins: [
        {
          type: 'bridge',
          bridge: `mcsync${index}`,
          isGateway: true,
          ipMasq: false,
          hairpinMode: true,
          ipam: {
            type: 'host-local',
            dataDir: node.cniDataDir,
            ranges: [[{ subnet: `10.214.${index}.0/24` }]],
            routes: [{ dst: '0.0.0.0/0' }],
          },
        },
        { type: 'loopback' },
      ],
    },
    null,
    2,
  )}\n`;
}

/**
 * hosts.toml for one registry (containerd's certs.d format): pull and resolve
 * over HTTPS, trusting the sandbox CA. Credentials come from the pod's
 * imagePullSecrets through the kubelet, never from this file.
 */
export function registryHostsToml(registry: string, caFile: string): string {
  return `server = "https://${registry}"

[host."https://${registry}"]
  capabilities = ["pull", "resolve"]
  ca = ${JSON.stringify(caFile)}
`;
}
