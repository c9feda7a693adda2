/**
 * The whole one-shot failover for one HubPool: connect to the hubs, run the monitor, and when
 * this monitor wins an election (or takes over a restore whose monitor died) restore the latest
 * backup onto the new leader and send the alerts. Only the winning monitor restores and alerts,
 * so two monitors give one of each.
 */
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { errorMessage } from '../errors.ts';
import type { Clock, ModuleLogger, SecretRegistry } from '../model/module.ts';
import type { Vars } from '../model/vars.ts';
import type { AlertReport } from './alert.ts';
import { sendAlerts } from './alert.ts';
import { fetchLatestBackup } from './backup-source.ts';
import { loadCredentials } from './credentials.ts';
import type { HubHandle } from './hubs.ts';
import { closeHubs, connectHubs } from './hubs.ts';
import { objectsFromFiles } from './manifests.ts';
import type { FailoverEvent, MonitorReport } from './monitor.ts';
import { runMonitor } from './monitor.ts';
import type { RestoreSummary } from './restore.ts';
import { describeRestore, restoreObjects } from './restore.ts';
import type { RestoreEnd } from './restore-state.ts';
import type { HubPoolConfig } from './types.ts';

export interface FailoverReport extends MonitorReport {
  restore: RestoreSummary | undefined;
  restoreError: string | undefined;
  alerts: AlertReport[];
}

export interface FailoverOptions {
  /** Connection variables of an inventory host ({} for hubs that are not inventory hosts). */
  hostVars(name: string): Vars;
  clock: Clock;
  signal: AbortSignal;
  log: ModuleLogger;
  secrets?: SecretRegistry | undefined;
  check: boolean;
  /** Default `<hostname>/<pid>`. */
  identity?: string | undefined;
  /** Relative backup, credential and password paths resolve here (default process.cwd()). */
  cwd?: string;
}

/** Runs one monitor pass for `config`; see the file comment. */
export async function runFailover(config: HubPoolConfig, options: FailoverOptions): Promise<FailoverReport> {
  const hubs = await connectHubs(config, options.hostVars, { secrets: options.secrets });
  const extra: Pick<FailoverReport, 'restore' | 'restoreError' | 'alerts'> = {
    restore: undefined,
    restoreError: undefined,
    alerts: [],
  };
  try {
    const report = await runMonitor({
      config,
      hubs,
      clock: options.clock,
      signal: options.signal,
      log: options.log,
      identity: options.identity ?? `${hostname()}/${process.pid}`,
      check: options.check,
      onElected: async (event, leader) => {
        Object.assign(extra, await restoreAndAlert(config, event, leader, hubs, options));
        return restoreEnd(config, extra);
      },
    });
    const restored = extra.restore ? `; restored ${describeRestore(extra.restore)}` : '';
    const failed = extra.restoreError ? `; restore failed: ${extra.restoreError}` : '';
    return { ...report, ...extra, msg: `${report.msg}${restored}${failed}` };
  } finally {
    closeHubs(hubs);
  }
}

/** How the restore ended, for the leadership record; undefined when there was nothing to restore. */
function restoreEnd(
  config: HubPoolConfig,
  done: Pick<FailoverReport, 'restore' | 'restoreError'>,
): RestoreEnd | undefined {
  if (!config.backup) return undefined;
  const failed = done.restoreError !== undefined || (done.restore?.failed ?? 0) > 0;
  return { status: failed ? 'failed' : 'done', backup: done.restore?.backup };
}

async function restoreAndAlert(
  config: HubPoolConfig,
  event: FailoverEvent,
  leader: HubHandle,
  hubs: readonly HubHandle[],
  options: FailoverOptions,
): Promise<Pick<FailoverReport, 'restore' | 'restoreError' | 'alerts'>> {
  let restore: RestoreSummary | undefined;
  let restoreError: string | undefined;
  if (config.backup) {
    try {
      const others = hubs.filter((h) => h !== leader && h.name !== event.oldLeader).map((h) => h.client);
      const credentials = await loadCredentials(config.backup, [leader.client, ...others], {
        secrets: options.secrets,
        cwd: options.cwd,
      });
      const caFile = config.backup.caFile && path.resolve(options.cwd ?? process.cwd(), config.backup.caFile);
      const ca = caFile ? await readFile(caFile) : undefined;
      const backup = await fetchLatestBackup(config.backup, credentials, { cwd: options.cwd, ca });
      options.log.info(`restoring ${backup.name} onto ${leader.name}`);
      restore = await restoreObjects(leader.client, backup.name, objectsFromFiles(backup.files), {
        clock: options.clock,
        signal: options.signal,
      });
    } catch (error) {
      restoreError = errorMessage(error);
    }
  }
  const alerts = await sendAlerts(
    config.alert,
    { ...event, restore, restoreError },
    {
      clock: options.clock,
      log: options.log,
      secrets: options.secrets,
      cwd: options.cwd,
    },
  );
  return { restore, restoreError, alerts };
}
