import { mkdir, writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import type { ClusterLayout, SandboxLayout } from './layout.ts';
import { spawnDetached } from './processes.ts';
import { randomSecret, readSecret } from './secrets.ts';

/** The text that identifies a sandbox registry in /proc/<pid>/cmdline. */
export const REGISTRY_MARK = 'registry.yml';

/** Where one registry listens and where it reports pushes. */
export interface RegistryPorts {
  port: number;
  /** The cluster binary's push-notification port on 127.0.0.1 (0: no notifications). */
  eventsPort: number;
}

/**
 * Config of Debian's docker-registry (distribution v2) for one cluster: TLS with
 * the sandbox certificate, htpasswd (bcrypt) auth, filesystem storage under
 * DIR/<name>/registry, deletes enabled so image pruning can be tested, and
 * push notifications (`notifications.endpoints`, manifests only) to the
 * cluster binary's image controller, which records them in ImageStream status
 * as OpenShift's registry does. The endpoint is plain HTTP on loopback (the
 * notifier trusts only system CAs) and authenticated by a bearer token header.
 */
export function registryConfig(
  sandbox: SandboxLayout,
  cluster: ClusterLayout,
  ports: RegistryPorts,
  eventsToken: string,
): Record<string, unknown> {
  const { port, eventsPort } = ports;
  const notifications = eventsPort
    ? {
        notifications: {
          endpoints: [
            {
              name: 'sandbox-image-controller',
              url: `http://127.0.0.1:${eventsPort}/registry/events`,
              headers: { Authorization: [`Bearer ${eventsToken}`] },
              timeout: '2s',
              threshold: 3,
              backoff: '1s',
              ignoredmediatypes: ['application/octet-stream'],
            },
          ],
        },
      }
    : {};
  return {
    ...notifications,
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

/** Writes the config (mode 0600: it holds the notification token) and starts the registry detached; returns its pid. */
export async function startRegistry(
  sandbox: SandboxLayout,
  cluster: ClusterLayout,
  ports: RegistryPorts,
): Promise<number> {
  await mkdir(cluster.registryDir, { recursive: true });
  const token = await readSecret(cluster.registryEventsToken);
  await writeFile(cluster.registryConfig, stringify(registryConfig(sandbox, cluster, ports, token)), {
    mode: 0o600,
  });
  return spawnDetached('docker-registry', ['serve', cluster.registryConfig], cluster.registryLog);
}
