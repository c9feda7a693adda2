/**
 * `mcsync play` / `mcsync-play`: parses the flags, loads the project (src/project), wires
 * templates, modules and a renderer once, then hands the playbooks to the engine. Nothing here
 * talks to a cluster.
 */
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import { detailedExitCode, runPlaybook, playHosts, EXIT } from '../engine/playbook-runner.ts';
import type { PlaybookOutcome } from '../engine/playbook-runner.ts';
import type { EngineDeps, RunOptions } from '../engine/ports.ts';
import { readLimit } from '../inventory/index.ts';
import type { Inventory } from '../inventory/index.ts';
import type { Playbook } from '../model/playbook.ts';
import type { Vars } from '../model/vars.ts';
import type { ModuleRegistry } from '../model/module.ts';
import { kubeModules } from '../modules/kube/index.ts';
import { createModuleRegistry } from '../modules/registry.ts';
import { createDefaultServices } from '../modules/services.ts';
import { fanOut } from '../report/fan-out.ts';
import { JunitReport } from '../report/junit-report.ts';
import { createRenderer } from '../report/renderer.ts';
import type { Renderer } from '../report/renderer.ts';
import { createTemplar } from '../template/index.ts';
import { renderListing } from './listing.ts';
import { parsePlayOptions, PLAY_HELP } from './play-options.ts';
import type { PlayOptions } from './play-options.ts';
import { readProjectConfig } from '../project/project-config.ts';
import type { ProjectConfig } from '../project/project-config.ts';
import { loadProject } from '../project/load-project.ts';
import { openProjectVault, withSecretsMasked } from '../project/project-vault.ts';
import type { Vault } from '../vault/index.ts';

export interface CommandIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT. */
  interrupt: AbortSignal;
}

/** Runs `mcsync play ARGV`; returns the exit code. Errors propagate to the top-level handler. */
export async function runPlayCommand(
  argv: readonly string[],
  io: CommandIO,
  modules?: ModuleRegistry,
): Promise<number> {
  const options = parsePlayOptions(argv);
  if (options.help) {
    io.stdout.write(PLAY_HELP + '\n');
    return EXIT.ok;
  }
  if (options.junit !== undefined) await checkJunitTarget(options.junit, io.cwd);
  const config = await readProjectConfig(io.cwd);
  const vault = await openProjectVault(options, config, io);
  return withSecretsMasked(vault, () => loadAndPlay(options, config, vault, io, modules));
}

/** Loads and validates everything (vault data decrypted with `vault`), then lists or runs it. */
async function loadAndPlay(
  options: PlayOptions,
  config: ProjectConfig,
  vault: Vault,
  io: CommandIO,
  modules: ModuleRegistry | undefined,
): Promise<number> {
  const registry = modules ?? createModuleRegistry(kubeModules);
  const limit = options.limit === undefined ? [] : readLimit(options.limit, io.cwd);
  const { playbooks, inventory, extraVars, loader } = await loadProject({
    playbooks: options.playbooks,
    inventory: options.inventory,
    configInventory: config.inventory,
    extraVars: options.extraVars,
    rolesPath: [...options.rolesPath, ...config.rolesPath],
    cwd: io.cwd,
    modules: registry,
    vault,
  });
  const runOptions = toRunOptions(options, config.forks, extraVars, limit);
  checkLimit(inventory, runOptions.limit, io.stderr);
  if (options.syntaxCheck) {
    for (const playbook of playbooks) io.stdout.write(`\nplaybook: ${playbook.file}\n`);
    return EXIT.ok;
  }
  const renderer = playRenderer(options, io);
  vault.onSecret((secret) => renderer.addSecret(secret));
  const deps: EngineDeps = {
    templates: createTemplar({ env: io.env }),
    inventory,
    loader,
    modules: registry,
    services: { ...createDefaultServices({ secrets: { add: (value) => renderer.addSecret(value) } }), vault },
    sink: renderer,
    interrupt: io.interrupt,
  };
  if (options.listHosts || options.listTasks || options.listTags) {
    for (const playbook of playbooks) {
      io.stdout.write(
        renderListing(playbook, {
          hosts: options.listHosts,
          tasks: options.listTasks,
          tags: options.listTags,
          filter: runOptions,
          playHosts: (play) => playHosts(play, deps, runOptions),
        }),
      );
    }
    return EXIT.ok;
  }
  const run = await runAll(playbooks, deps, runOptions, renderer);
  return options.detailedExitcode ? detailedExitCode(run.worst, run.recaps) : run.worst;
}

/** The `--output` renderer, and beside it the `--junit` report when one is asked for. */
function playRenderer(options: PlayOptions, io: CommandIO): Renderer {
  const color = !('NO_COLOR' in io.env) && io.stdout.isTTY === true;
  const renderer = createRenderer(options.output, {
    out: io.stdout,
    verbosity: options.verbosity,
    color,
    diff: options.diff,
    profile: options.profile,
    env: io.env,
  });
  if (options.junit === undefined) return renderer;
  const junit = new JunitReport(resolve(io.cwd, options.junit), { shownAs: options.junit, baseDir: io.cwd });
  return fanOut([renderer, junit]);
}

/** The worst exit code of the playbooks run, and each one's recap (for --detailed-exitcode). */
async function runAll(
  playbooks: Playbook[],
  deps: EngineDeps,
  options: RunOptions,
  renderer: { close(): Promise<void> },
): Promise<{ worst: number; recaps: PlaybookOutcome['recap'][] }> {
  let worst: number = EXIT.ok;
  const recaps: PlaybookOutcome['recap'][] = [];
  try {
    for (const playbook of playbooks) {
      const outcome = await runPlaybook(playbook, deps, options);
      worst = Math.max(worst, outcome.exitCode);
      recaps.push(outcome.recap);
      if (outcome.exitCode === EXIT.interrupted) break;
    }
  } finally {
    await renderer.close();
  }
  return { worst, recaps };
}

/**
 * The report is written after the run; a folder that does not exist would lose it then, so it is
 * refused before anything runs.
 */
async function checkJunitTarget(file: string, cwd: string): Promise<void> {
  const path = resolve(cwd, file);
  const folder = await stat(dirname(path)).catch(() => undefined);
  if (!folder?.isDirectory())
    throw new UsageError(`--junit ${file}: folder ${dirname(path)} does not exist`, { key: 'junit' });
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory())
    throw new UsageError(`--junit ${file}: is a folder; give a file name`, { key: 'junit' });
}

function toRunOptions(
  options: PlayOptions,
  configForks: number | undefined,
  extraVars: Vars,
  limit: string[],
): RunOptions {
  return {
    check: options.check,
    diff: options.diff,
    forks: options.forks ?? configForks ?? 10,
    verbosity: options.verbosity,
    extraVars,
    limit,
    tags: options.tags,
    skipTags: options.skipTags,
    ...(options.startAtTask === undefined ? {} : { startAtTask: options.startAtTask }),
  };
}

/**
 * Ansible's `get_host_list`: each limit term that names nothing is a warning, and a limit that
 * leaves no host of a non-empty inventory is an error before anything runs.
 */
function checkLimit(inventory: Inventory, limit: readonly string[], stderr: NodeJS.WritableStream): void {
  if (limit.length === 0) return;
  const { hosts, unmatched } = inventory.selectTerms(limit);
  for (const term of unmatched)
    stderr.write(`[WARNING]: Could not match supplied host pattern, ignoring: ${term}\n`);
  if (hosts.length === 0 && inventory.hostNames().length > 0) {
    throw new UsageError(
      `--limit ${limit.join(',')}: the inventory, host pattern and --limit leave no hosts to target`,
      { key: 'limit' },
    );
  }
}
