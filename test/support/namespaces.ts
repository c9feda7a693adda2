// Namespace clean-up for integration tests that create a namespace on clusters other than the
// ones `sandbox.namespace()` made it on (sync, restore and observers create it on the targets).
import type { Hooks, SandboxClusterHandle } from './clusters.ts';

const GONE_WITHIN_MS = 60_000;
/** Per status poll: a paused apiserver must not hold the clean-up. */
const ASK_MS = 5_000;

/**
 * Deletes namespace `ns` on every cluster after `t` and waits (up to 60 s) until it is gone: a
 * later test that reuses the name would otherwise write into the terminating namespace, whose
 * controller then deletes what it wrote. A cluster without the namespace is fine, and one that
 * does not answer (a failover test stopped it) is not waited for.
 */
export function cleanupNamespace(t: Hooks, clusters: readonly SandboxClusterHandle[], ns: string): void {
  t.after(async () => {
    await Promise.all(clusters.map((c) => deleteAndWait(c, ns)));
  });
}

async function deleteAndWait(cluster: SandboxClusterHandle, ns: string): Promise<void> {
  const answered = await cluster.admin.delete(`/api/v1/namespaces/${ns}`).then(
    () => true,
    () => false,
  );
  const deadline = Date.now() + GONE_WITHIN_MS;
  while (answered && Date.now() < deadline) {
    const status = await cluster.admin.get(`/api/v1/namespaces/${ns}`, ASK_MS).then(
      (response) => response.status,
      () => 404,
    );
    if (status === 404) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
