import { mkdir, writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import type { ClusterLayout, SandboxLayout } from './layout.ts';
import { spawnDetached } from './processes.ts';
import { randomSecret } from './secrets.ts';

/** The text that identifies a sandbox registry in /proc/<pid>/cmdline. */
export const REGISTRY_MARK = 'registry.yml';

/**
 * Config of Debian's docker-registry (distribution v2) for one cluster: TLS with
 * the sandbox certificate, htpasswd (bcrypt) auth, filesystem storage under
 * DIR/<name>/registry, deletes enabled so image pruning can be tested.
 */
export function registryConfig(
  sandbox: SandboxLayout,
  cluster: ClusterLayout,
  port: number,
): Record<string, unknown> {
  return {
    version: 0.1,
    log: { level: 'warn', accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: cluster.registryDir }, delete: { enabled: true } },
    http: {
      addr: `127.0.0.1:${port}`,
      secret: randomSecret(),
      tls: { certificate: sandbox.serverCert, key: sandbox.serverKey },
    },
    auth: { htpasswd: { realm: 'mcsync-sandbox', path: cluster.registryHtpasswd } },
  };
}

/** Writes the config and starts the registry detached; returns its pid. */
export async function startRegistry(
  sandbox: SandboxLayout,
  cluster: ClusterLayout,
  port: number,
): Promise<number> {
  await mkdir(cluster.registryDir, { recursive: true });
  await writeFile(cluster.registryConfig, stringify(registryConfig(sandbox, cluster, port)), { mode: 0o600 });
  return spawnDetached('docker-registry', ['serve', cluster.registryConfig], cluster.registryLog);
}
