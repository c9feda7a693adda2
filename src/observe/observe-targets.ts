/**
 * Which cluster(s) to observe: a kubeconfig context (`--kubeconfig`/`--context`, or the default
 * kubeconfig as oc uses), or inventory hosts (`--host NAME`, default the single host of group
 * `master`; `--hosts PATTERN` for several). Each target gets its connection resolved once; the
 * cluster name (context or host) is what keys and the playbook's `observed.cluster` carry.
 */
import { loadKubeConfigModule } from '../kube/kubeconfig.ts';
import { UsageError } from '../errors.ts';
import { resolveConnection } from '../kube/connection.ts';
import type { KubeConnection } from '../kube/connection.ts';
import type { Inventory } from '../inventory/inventory.ts';
import type { SecretRegistry } from '../model/module.ts';

export interface ObserveTarget {
  cluster: string;
  connection: KubeConnection;
}

export interface TargetSelection {
  kubeconfig: string | undefined;
  context: string | undefined;
  host: string | undefined;
  hosts: string | undefined;
}

export interface TargetEnv {
  inventory: Inventory | undefined;
  cwd: string;
  env: NodeJS.ProcessEnv;
  secrets?: SecretRegistry | undefined;
}

/** Resolves the targets; a UsageError names the flag when a host or group is not there. */
export async function resolveTargets(selection: TargetSelection, where: TargetEnv): Promise<ObserveTarget[]> {
  const kubeconfigMode =
    selection.kubeconfig !== undefined || selection.context !== undefined || where.inventory === undefined;
  if (kubeconfigMode) return [await kubeconfigTarget(selection, where)];
  const inventory = where.inventory as Inventory;
  const hosts = hostsOf(selection, inventory);
  return Promise.all(
    hosts.map(async (host) => ({
      cluster: host,
      connection: await resolveConnection(inventory.hostVars(host), host, {
        secrets: where.secrets,
        env: where.env,
        cwd: where.cwd,
      }),
    })),
  );
}

function hostsOf(selection: TargetSelection, inventory: Inventory): string[] {
  if (selection.hosts !== undefined) {
    const hosts = inventory.selectHosts(selection.hosts).filter((h) => inventory.hostNames().includes(h));
    if (hosts.length === 0) throw new UsageError(`--hosts ${selection.hosts}: no inventory host matches`);
    return hosts;
  }
  if (selection.host !== undefined) {
    if (!inventory.hostNames().includes(selection.host))
      throw new UsageError(
        `--host ${selection.host}: not a host of the inventory (hosts: ${inventory.hostNames().join(', ')})`,
      );
    return [selection.host];
  }
  const masters = inventory.groupHosts('master');
  if (masters.length !== 1)
    throw new UsageError(
      `the inventory has ${masters.length} hosts in group 'master' (${masters.join(', ') || 'none'}); name the cluster with --host NAME or --hosts PATTERN`,
    );
  return masters;
}

async function kubeconfigTarget(selection: TargetSelection, where: TargetEnv): Promise<ObserveTarget> {
  const cluster = selection.context ?? (await currentContext(selection.kubeconfig, where));
  const vars: Record<string, string> = { context: cluster };
  if (selection.kubeconfig !== undefined) vars['kubeconfig'] = selection.kubeconfig;
  const connection = await resolveConnection(vars, cluster, {
    secrets: where.secrets,
    env: where.env,
    cwd: where.cwd,
  });
  return { cluster, connection };
}

async function currentContext(file: string | undefined, where: TargetEnv): Promise<string> {
  const { KubeConfig } = await loadKubeConfigModule();
  const kc = new KubeConfig();
  try {
    if (file === undefined) kc.loadFromDefault();
    else kc.loadFromFile(file.startsWith('/') ? file : `${where.cwd}/${file}`);
  } catch (error) {
    throw new UsageError(`cannot load kubeconfig ${file ?? '(default)'}: ${(error as Error).message}`);
  }
  const name = kc.getCurrentContext();
  if (!name)
    throw new UsageError(
      `kubeconfig ${file ?? '(default)'} has no current context: pass --context NAME, or -i INVENTORY`,
    );
  return name;
}
