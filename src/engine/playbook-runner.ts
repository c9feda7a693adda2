/**
 * Runs a loaded playbook: plays in order, hosts chosen by pattern and --limit, batches by
 * `serial`, vars_files rendered at run time when templated, and the recap with its exit code.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { errorMessage, LoadError } from '../errors.ts';
import type { Play, Playbook } from '../model/playbook.ts';
import type { RecapCounts } from '../model/result.ts';
import type { Vars } from '../model/vars.ts';
import { isActive, newHostState } from './host-state.ts';
import type { HostState } from './host-state.ts';
import { PlayRunner } from './play-runner.ts';
import type { EngineDeps, RunOptions } from './ports.ts';
import { lazyVars } from './variables.ts';
import type { PlayScope } from './variables.ts';

/**
 * ansible-playbook's exit codes, and mcsync's one of its own: `changesPending` (6) for
 * `--check --detailed-exitcode`. Not Terraform's 2, which here already means a host failed; 6 is
 * the first code neither ansible-playbook (0-5, 8, 99, 250, 255) nor mcsync uses.
 */
export const EXIT = {
  ok: 0,
  failed: 2,
  unreachable: 4,
  parseError: 4,
  badOption: 5,
  changesPending: 6,
  interrupted: 99,
  unexpected: 250,
} as const;

export interface PlaybookOutcome {
  exitCode: number;
  recap: Record<string, RecapCounts>;
}

/** Runs every play and emits the recap; returns the exit code ansible-playbook would. */
export async function runPlaybook(
  playbook: Playbook,
  deps: EngineDeps,
  options: RunOptions,
): Promise<PlaybookOutcome> {
  const started = Date.now();
  const hosts = new Map<string, HostState>();
  deps.sink.emit({ type: 'playbook_start', file: playbook.file, check: options.check });
  for (const play of playbook.plays) {
    if (deps.interrupt.aborted) break;
    await runPlay(play, playbook, hosts, deps, options);
  }
  const recap = Object.fromEntries([...hosts.values()].map((host) => [host.name, host.recap]));
  const interrupted = deps.interrupt.aborted;
  deps.sink.emit({ type: 'recap', hosts: recap, durationMs: Date.now() - started, interrupted });
  return { exitCode: exitCodeFor([...hosts.values()], interrupted), recap };
}

function exitCodeFor(hosts: HostState[], interrupted: boolean): number {
  if (interrupted) return EXIT.interrupted;
  if (hosts.some((host) => host.unreachable)) return EXIT.unreachable;
  if (hosts.some((host) => host.failed || host.recap.failed > 0)) return EXIT.failed;
  return EXIT.ok;
}

/**
 * The exit code of a `--detailed-exitcode` run: `exitCode` (the worst of its playbooks) when it is
 * not 0, since an interrupt, an unreachable or a failed host says more than pending changes;
 * otherwise `changesPending` when any host of any playbook would change, else 0.
 */
export function detailedExitCode(exitCode: number, recaps: readonly Record<string, RecapCounts>[]): number {
  if (exitCode !== EXIT.ok) return exitCode;
  const changed = recaps.some((recap) => Object.values(recap).some((counts) => counts.changed > 0));
  return changed ? EXIT.changesPending : EXIT.ok;
}

/** Hosts a play runs on: its pattern, narrowed by --limit, minus hosts that failed earlier. */
export function playHosts(play: Play, deps: EngineDeps, options: RunOptions): string[] {
  let names = deps.inventory.selectHosts(play.hosts);
  if (options.limit.length > 0) {
    const allowed = new Set(deps.inventory.selectTerms(options.limit).hosts);
    names = names.filter((name) => allowed.has(name));
  }
  return names;
}

async function runPlay(
  play: Play,
  playbook: Playbook,
  hosts: Map<string, HostState>,
  deps: EngineDeps,
  options: RunOptions,
): Promise<void> {
  if (play.gatherFacts) {
    // A deliberate no-op (src/load/keywords.ts NO_OP_KEYWORDS): say so where Ansible would gather.
    deps.sink.emit({
      type: 'warning',
      message: `play '${play.name}': gather_facts: true has no effect; mcsync gathers no facts (hosts are cluster APIs, not machines)`,
    });
  }
  for (const term of deps.inventory.evaluatePattern(play.hosts).unmatched) {
    deps.sink.emit({ type: 'warning', message: `Could not match supplied host pattern, ignoring: ${term}` });
  }
  const names = playHosts(play, deps, options);
  for (const name of names) if (!hosts.has(name)) hosts.set(name, newHostState(name));
  const states = names.map((name) => hosts.get(name)!).filter(isActive);
  deps.sink.emit({ type: 'play_start', name: play.name, hosts: states.map((host) => host.name) });
  if (states.length === 0) {
    deps.sink.emit({ type: 'no_hosts', play: play.name, pattern: play.hosts });
    return;
  }
  let scope: PlayScope;
  try {
    scope = await playScope(play, playbook, states[0]!, hosts, deps, options);
  } catch (error) {
    deps.sink.emit({ type: 'warning', message: `play '${play.name}': ${errorMessage(error)}` });
    for (const host of states) {
      host.failed = true;
      host.recap.failed++;
    }
    return;
  }
  for (const batch of batches(states, play.serial)) {
    if (deps.interrupt.aborted) return;
    const runner = new PlayRunner(
      deps,
      { ...options, check: play.checkMode ?? options.check },
      play,
      scope,
      batch.length,
    );
    await runner.runBatch(batch);
  }
}

async function playScope(
  play: Play,
  playbook: Playbook,
  first: HostState,
  hostStates: ReadonlyMap<string, HostState>,
  deps: EngineDeps,
  options: RunOptions,
): Promise<PlayScope> {
  const magic: Vars = {
    playbook_dir: play.baseDir || dirname(playbook.file),
    ansible_check_mode: play.checkMode ?? options.check,
    ansible_diff_mode: options.diff,
    ansible_play_name: play.name,
    ansible_verbosity: options.verbosity,
    mcsync_playbook: playbook.file,
  };
  const varsFiles: Vars[] = [];
  for (const ref of play.varsFiles) {
    if (ref.loaded) {
      varsFiles.push(ref.loaded);
      continue;
    }
    // Templated paths render with the play's variables for the first host, then the first that exists wins.
    const base: Vars = Object.assign(
      {},
      deps.inventory.hasHost(first.name) ? deps.inventory.hostVars(first.name) : {},
      play.vars,
      ...varsFiles,
      options.extraVars,
      magic,
      { inventory_hostname: first.name },
    );
    const view = lazyVars(base, deps.templates, { location: ref.location, baseDir: play.baseDir });
    const candidates = ref.paths.map((path) =>
      String(deps.templates.render(path, view, { location: ref.location })),
    );
    const found = candidates
      .map((path) => (isAbsolute(path) ? path : resolve(play.baseDir, path)))
      .find((path) => existsSync(path));
    if (!found) {
      throw new LoadError(
        `vars_files: none of ${candidates.map((c) => `'${c}'`).join(', ')} exists (relative to ${play.baseDir})`,
        { location: ref.location, key: 'vars_files' },
      );
    }
    varsFiles.push(await deps.loader.loadVarsFile(found));
  }
  return {
    vars: play.vars,
    varsFiles,
    extraVars: options.extraVars,
    magic,
    hostStates,
  };
}

/** Splits hosts by `serial`: a number, a percentage, or a list of either (the last repeats). */
export function batches<T>(hosts: T[], serial: number | string | undefined): T[][] {
  if (serial === undefined || serial === 0 || serial === '0') return [hosts];
  const size =
    typeof serial === 'number'
      ? serial
      : serial.endsWith('%')
        ? Math.max(1, Math.floor((hosts.length * Number(serial.slice(0, -1))) / 100))
        : Number(serial);
  if (!Number.isFinite(size) || size <= 0) return [hosts];
  const result: T[][] = [];
  for (let i = 0; i < hosts.length; i += size) result.push(hosts.slice(i, i + size));
  return result;
}
