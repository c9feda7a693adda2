import { clusterTargets, controlPlaneMark, registryMark, apiUrl, registryHost } from './cluster-handle.ts';
import { httpsRequest, type HttpsTarget } from './https-json.ts';
import { clusterLayout, sandboxLayout } from './layout.ts';
import { processStatus, type ProcessStatus } from './processes.ts';
import { requireState } from './sandbox.ts';
import type { ProcessRecord } from './state.ts';

/** Health of one process as `status` reports it. */
export interface ComponentStatus {
  pid: number | null;
  process: ProcessStatus;
  /** /readyz (API) or authenticated /v2/ (registry) answered 200 within a second. */
  healthy: boolean;
  endpoint: string;
}

/** One row of `mcsync sandbox status`. */
export interface ClusterStatus {
  name: string;
  apiserver: ComponentStatus;
  registry: ComponentStatus;
}

async function probe(target: HttpsTarget, path: string): Promise<boolean> {
  try {
    return (await httpsRequest(target, 'GET', path, { timeoutMs: 1_000 })).status === 200;
  } catch {
    return false;
  }
}

async function component(
  proc: ProcessRecord | null,
  mark: string,
  target: HttpsTarget,
  path: string,
  endpoint: string,
): Promise<ComponentStatus> {
  const status = proc ? await processStatus(proc.pid, mark) : 'dead';
  return {
    pid: status === 'dead' ? null : (proc?.pid ?? null),
    process: status,
    healthy: status === 'running' && (await probe(target, path)),
    endpoint,
  };
}

/** `mcsync sandbox status`: process state and health of every cluster and registry. */
export async function sandboxStatus(dir: string): Promise<ClusterStatus[]> {
  const state = await requireState(dir);
  const layout = sandboxLayout(dir);
  return Promise.all(
    state.clusters.map(async (c) => {
      const files = clusterLayout(layout, c.name);
      const targets = await clusterTargets(dir, c);
      return {
        name: c.name,
        apiserver: await component(c.apiserver, controlPlaneMark(files), targets.admin, '/readyz', apiUrl(c)),
        registry: await component(c.registry, registryMark(files), targets.registry, '/v2/', registryHost(c)),
      };
    }),
  );
}
