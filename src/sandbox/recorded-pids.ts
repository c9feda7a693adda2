import type { SandboxState } from './state.ts';

/** Every pid state.json records (control planes, registries, node processes). */
export function recordedPids(state: SandboxState | null): Set<number> {
  const pids = new Set<number>();
  for (const c of state?.clusters ?? []) {
    if (c.apiserver) pids.add(c.apiserver.pid);
    if (c.registry) pids.add(c.registry.pid);
  }
  for (const n of state?.nodes ?? []) {
    if (n.containerd) pids.add(n.containerd.pid);
    if (n.kubelet) pids.add(n.kubelet.pid);
  }
  return pids;
}
