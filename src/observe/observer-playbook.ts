/**
 * The `--playbook` half of the observer, imported on demand so a command observer does not load
 * the engine, the templates and every module.
 */
import type { ObserveOptions } from '../cli/observe-options.ts';
import { openCliVault } from '../cli/vault-setup.ts';
import type { Vault } from '../vault/index.ts';
import type { ModuleRegistry } from '../model/module.ts';
import { kubeModules } from '../modules/kube/index.ts';
import { createModuleRegistry } from '../modules/registry.ts';
import type { ObserveMetrics } from './observe-metrics.ts';
import type { BundleSource, PlaybookBundle } from './playbook-bundle.ts';
import { PlaybookTrigger } from './playbook-trigger.ts';
import type { Trigger } from './trigger.ts';

export { loadBundle } from './playbook-bundle.ts';

/**
 * The vault of `--playbook` runs, opened once at start from the vault flags (a prompt could not be
 * repeated on a --watch-files reload; a password file is not re-read either).
 */
export function openObserveVault(
  options: ObserveOptions,
  io: { cwd: string; err: NodeJS.WritableStream },
): Promise<Vault> {
  return openCliVault(options, { vaultIdentityList: [] }, { cwd: io.cwd, stderr: io.err });
}

/** The modules playbooks run with (the kube modules and the builtins). */
export function playbookModules(): ModuleRegistry {
  return createModuleRegistry(kubeModules);
}

export function createPlaybookTrigger(
  options: ObserveOptions,
  io: { out: NodeJS.WritableStream; err: NodeJS.WritableStream; env: NodeJS.ProcessEnv },
  metrics: ObserveMetrics,
  source: BundleSource,
  bundle: PlaybookBundle,
): Trigger {
  return new PlaybookTrigger({
    source,
    bundle,
    whenAnnotation: options.whenAnnotation,
    watchFiles: options.watchFiles,
    verbosity: options.verbosity,
    quiet: options.quiet,
    out: io.out,
    err: io.err,
    env: io.env,
    execDurations: metrics.execDurations,
  });
}
