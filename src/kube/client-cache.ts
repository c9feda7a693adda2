/**
 * One KubeClient per host per run, kept in `context.services.runCache` under `kube:<host>`.
 * Creating it resolves the host's connection (reading token files and kubeconfig once) and warns
 * once when TLS verification is off. The observer's warm-up makes them before its first run
 * (`createHostClient`) and hands them over (`seedKubeClient`).
 */
import type { ModuleContext, SecretRegistry } from '../model/module.ts';
import type { Vars } from '../model/vars.ts';
import { getOrCreate, runCacheKey } from '../model/run-cache.ts';
import { KubeClient } from './client.ts';
import type { ClientOptions } from './client.ts';
import { resolveConnection } from './connection.ts';

/** The run-cache key of a host's client. */
export function clientCacheKey(host: string): string {
  return `kube:${host}`;
}

/**
 * The client of `host` (default: the task's host) scoped to this task's logger, signal and
 * clock. Another host's variables come from `context.inventory.hostVars(host)` (k8s_sync reads
 * from the master this way). Concurrent callers share one creation.
 */
export async function kubeClientFor(
  context: ModuleContext,
  host: string = context.host,
  options: ClientOptions = {},
): Promise<KubeClient> {
  const key = runCacheKey<Promise<KubeClient>>(clientCacheKey(host));
  const client = await getOrCreate(context.services.runCache, key, () =>
    createClient(context, host, options),
  );
  return client.withScope({ log: context.log, signal: context.signal, clock: context.services.clock });
}

async function createClient(
  context: ModuleContext,
  host: string,
  options: ClientOptions,
): Promise<KubeClient> {
  const vars = host === context.host ? context.vars : context.inventory.hostVars(host);
  return createHostClient(
    vars,
    host,
    { secrets: context.services.secrets, warn: (m) => context.log.warn(m) },
    options,
  );
}

/**
 * The client of `host` made from its connection variables, as a run makes it on first use:
 * resolving the connection reads token and CA files (and a kubeconfig context) once, and a host
 * with TLS verification off is warned about once, through `warn`.
 */
export async function createHostClient(
  vars: Vars,
  host: string,
  services: { secrets?: SecretRegistry | undefined; warn(message: string): void },
  options: ClientOptions = {},
): Promise<KubeClient> {
  const conn = await resolveConnection(vars, host, { secrets: services.secrets });
  if (conn.insecure) {
    services.warn(
      `host '${host}': TLS verification is off (insecure_skip_tls_verify); anyone on the path can read the token`,
    );
  }
  return new KubeClient(conn, options);
}

/**
 * Puts a client made ahead of time (the observer's warm-up) in a run cache as `kubeClientFor`
 * would have, unless the cache already holds one for `host`; true when it was put there.
 */
export function seedKubeClient(runCache: Map<string, unknown>, host: string, client: KubeClient): boolean {
  const key = clientCacheKey(host);
  if (runCache.has(key)) return false;
  runCache.set(key, Promise.resolve(client));
  return true;
}

/** Closes every kube client in a run cache (end of run, tests). */
export async function closeKubeClients(runCache: Map<string, unknown>): Promise<void> {
  for (const [key, value] of runCache) {
    if (!key.startsWith('kube:')) continue;
    runCache.delete(key);
    try {
      (await (value as Promise<KubeClient>)).close();
    } catch {
      // a client that never connected has nothing to close
    }
  }
}
