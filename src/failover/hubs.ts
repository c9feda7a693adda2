/**
 * Clients for the hubs of a pool. A hub that is an inventory host (group `hubs`, or any host of
 * that name) connects with its connection variables (token, CA, kubeconfig); the pool's URL
 * fills in `api_url` when the host has none. Probes use a client without retries and a short
 * timeout, so a dead hub counts as one failure per period, not four.
 */
import { errorMessage, LoadError } from '../errors.ts';
import { KubeClient, resolveConnection } from '../kube/index.ts';
import type { SecretRegistry } from '../model/module.ts';
import type { Vars } from '../model/vars.ts';
import type { HubPoolConfig } from './types.ts';

export interface HubHandle {
  name: string;
  /** For records and restores: retries 429/5xx like every mcsync client. */
  client: KubeClient;
  /** For /readyz: one attempt. */
  probe: KubeClient;
}

export interface ProbeOutcome {
  ok: boolean;
  /** Why it failed (no secrets in it). */
  error?: string;
}

/** Builds one client pair per hub, in pool order. Throws LoadError for a hub with no address. */
export async function connectHubs(
  config: HubPoolConfig,
  hostVars: (name: string) => Vars,
  options: { secrets?: SecretRegistry | undefined; requestTimeoutMs?: number } = {},
): Promise<HubHandle[]> {
  const timeoutMs = options.requestTimeoutMs ?? Math.max(config.pingTimeoutMs, 5000);
  return Promise.all(
    config.pool.map(async (hub, index) => {
      const vars: Vars = { ...hostVars(hub.name) };
      const hasAddress = ['api_url', 'clusterhost', 'kubeconfig', 'context'].some(
        (k) => vars[k] !== undefined,
      );
      if (!hasAddress && hub.url) vars['api_url'] = hub.url;
      if (!hasAddress && !hub.url) {
        throw new LoadError(
          `spec.pool[${index}]: hub '${hub.name}' has no API URL and is not an inventory host with api_url`,
          { key: `spec.pool[${index}]` },
        );
      }
      const conn = await resolveConnection(vars, hub.name, { secrets: options.secrets });
      return {
        name: hub.name,
        client: new KubeClient(conn, { timeoutMs, retry: { attempts: 3, baseMs: 100, capMs: 1000 } }),
        probe: new KubeClient(conn, {
          timeoutMs: config.pingTimeoutMs,
          retry: { attempts: 1, baseMs: 0, capMs: 0 },
          maxSockets: 2,
        }),
      };
    }),
  );
}

/** GET /readyz once within `timeoutMs`: ok on 2xx, a failure for anything else. */
export async function probeHub(hub: HubHandle, timeoutMs: number): Promise<ProbeOutcome> {
  try {
    await hub.probe.request({ method: 'GET', path: '/readyz', accept: 'text/plain', timeoutMs });
    return { ok: true };
  } catch (error) {
    return { ok: false, error: errorMessage(error) };
  }
}

/** Closes every socket of the hubs' clients. */
export function closeHubs(hubs: readonly HubHandle[]): void {
  for (const hub of hubs) {
    hub.client.close();
    hub.probe.close();
  }
}
