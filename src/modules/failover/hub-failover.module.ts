/**
 * hub_failover: one monitor pass over a HubPool (the rhacm-mirror seed's CR). Probes every hub
 * each ping_period until the leader answers or misses ping_fails_acceptable pings in a row;
 * then elects the next healthy hub, fences with an epoch on the hubs, restores the latest backup
 * onto the new leader and alerts. A restore left pending by a monitor that died is done again
 * after restore_timeout. `changed` only when this run failed over or redid a restore. Run it on
 * `localhost`: it reaches the hubs itself.
 */
import path from 'node:path';
import { runFailover } from '../../failover/failover.ts';
import type { FailoverReport } from '../../failover/failover.ts';
import { parseHubPool } from '../../failover/hubpool.ts';
import { parseHubPoolRef, readHubPoolRef } from '../../failover/hubpool-ref.ts';
import { isMapping } from '../../failover/fields.ts';
import { shortDuration } from '../../shared/duration.ts';
import type { HubPoolConfig } from '../../failover/types.ts';
import { readYamlFile } from '../../shared/yaml-source.ts';
import type { YamlSource } from '../../shared/yaml-source.ts';
import type { ModuleContext, ModuleDefinition } from '../../model/module.ts';
import type { ModuleResult } from '../../model/result.ts';
import type { Vars } from '../../model/vars.ts';

export interface HubFailoverArgs {
  /** A HubPool YAML file (errors then name file:line:column). */
  file?: string;
  /** The HubPool document (or its spec) as a mapping. */
  hubpool?: Vars;
  /**
   * The HubPool custom resource on a hub: `{host, namespace, name}` or `[host/]namespace/name`
   * (namespace default `rhacm-mirror`, host default the first hub of `hubs_group` that has it).
   */
  ref?: Vars | string;
  /** Alert settings ({email, webhooks}); default the `alert` variable. */
  alert?: Vars;
  /** Inventory group that lists the hubs when spec.pool is absent (default `hubs`). */
  hubs_group?: string;
  /** Name of this monitor in the record (default `<hostname>/<pid>`). */
  identity?: string;
}

const argsSchema = {
  type: 'object',
  properties: {
    file: { type: 'string' },
    hubpool: { type: 'object' },
    ref: { type: ['object', 'string'] },
    alert: { type: 'object' },
    hubs_group: { type: 'string' },
    identity: { type: 'string' },
  },
  additionalProperties: false,
};

export const hubFailoverModule: ModuleDefinition<HubFailoverArgs> = {
  name: 'hub_failover',
  aliases: ['mcsync.hub_failover'],
  description:
    'Probe a HubPool; when its leader is down, elect the next hub, restore the latest backup and alert.',
  supportsCheckMode: true,
  argsSchema,
  async run(args, context) {
    const { config, source } = await loadConfig(args, context);
    context.log.info(
      `hub pool ${config.name}: ${config.pool.map((h) => h.name).join(', ')}; ping every ${shortDuration(config.pingPeriodMs)}, ${config.pingFailsAcceptable} fails acceptable`,
    );
    const report = await runFailover(config, {
      hostVars: (name) => context.inventory.hostVars(name),
      clock: context.services.clock,
      signal: context.signal,
      log: context.log,
      secrets: context.services.secrets,
      check: context.check,
      identity: args.identity || undefined,
      cwd: context.baseDir,
    });
    return { ...toResult(report), source };
  },
};

interface Loaded {
  config: HubPoolConfig;
  /** Where the HubPool came from, for the result: a file, `variables`, or the custom resource. */
  source: string;
}

/** The HubPool from `hubpool`, else `ref` (a cluster), else the document in the variables, else `file`. */
async function loadConfig(args: HubFailoverArgs, context: ModuleContext): Promise<Loaded> {
  const inventoryHubs = context.inventory.groupHosts(args.hubs_group || 'hubs');
  const alert = args.alert ?? context.vars['alert'];
  if (args.hubpool)
    return { config: parseHubPool({ document: args.hubpool, alert, inventoryHubs }), source: 'arguments' };
  const ref = parseHubPoolRef(args.ref);
  if (ref) {
    const found = await readHubPoolRef(ref, {
      candidates: inventoryHubs,
      hostNames: context.inventory.hostNames(),
      hostVars: (name) => context.inventory.hostVars(name),
      secrets: context.services.secrets,
    });
    const config = parseHubPool({ document: found.document, alert, inventoryHubs, origin: found.origin });
    return { config, source: found.origin };
  }
  const vars = context.vars;
  if (isMapping(vars['spec']) && (vars['kind'] === 'HubPool' || vars['apiVersion'] !== undefined)) {
    const document = {
      apiVersion: vars['apiVersion'],
      kind: vars['kind'],
      metadata: vars['metadata'],
      spec: vars['spec'],
    };
    return { config: parseHubPool({ document, alert, inventoryHubs }), source: 'variables' };
  }
  if (!args.file) {
    return { config: parseHubPool({ document: undefined, alert, inventoryHubs }), source: 'inventory' };
  }
  const file = path.resolve(context.baseDir, args.file);
  const source: YamlSource = await readYamlFile(file, { vault: context.services.vault });
  return { config: parseHubPool({ document: source.value, alert, source, inventoryHubs }), source: file };
}

function toResult(report: FailoverReport): ModuleResult {
  const failed =
    report.outcome === 'no_candidate' ||
    report.restoreError !== undefined ||
    (report.restore !== undefined && report.restore.failed > 0);
  return {
    changed: report.outcome === 'failed_over' || report.outcome === 'restore_resumed',
    ...(failed ? { failed: true } : {}),
    msg: report.msg,
    outcome: report.outcome,
    leader: report.leader,
    epoch: report.epoch,
    previous_leader: report.previousLeader ?? null,
    rounds: report.rounds,
    failures: report.failures,
    probe_errors: report.errors,
    repaired: report.repaired,
    restore: report.restore ?? null,
    alerts: report.alerts,
  };
}
