// A library KubeClient on a sandbox cluster, for tests that drive src/kube or src/observe
// directly (reflector, leader election) rather than through a playbook.
import { readFileSync } from 'node:fs';
import { KubeClient } from '../../src/kube/client.ts';
import type { Hooks, SandboxClusterHandle } from './clusters.ts';

/**
 * A client of `cluster` with its admin token (or the token in `tokenFile`, e.g. the viewer's),
 * verifying the sandbox CA, closed after `t`.
 */
export function sandboxClient(
  t: Hooks,
  cluster: SandboxClusterHandle,
  options: { tokenFile?: string } = {},
): KubeClient {
  const client = new KubeClient({
    host: cluster.name,
    server: cluster.apiUrl,
    token: readFileSync(options.tokenFile ?? cluster.adminTokenFile, 'utf8').trim(),
    ca: cluster.ca,
    cert: undefined,
    key: undefined,
    servername: undefined,
    insecure: false,
    credentials: 'test token',
    defaultNamespace: undefined,
  });
  t.after(() => client.close());
  return client;
}
