/**
 * The `--playbook` half of the observer, imported on demand so a command observer does not load
 * the engine, the templates and every module.
 */
import type { ObserverOptions } from './observer-options.ts';
import type { ModuleRegistry } from '../model/module.ts';
import { kubeModules } from '../modules/kube/index.ts';
import { createModuleRegistry } from '../modules/registry.ts';
import type { ObserveMetrics } from './observe-metrics.ts';
import type { BundleSource, PlaybookBundle } from './playbook-bundle.ts';
import { PlaybookTrigger } from './playbook-trigger.ts';
import type { Trigger } from './trigger.ts';

export { loadBundle } from './playbook-bundle.ts';

/** The modules playbooks run with (the kube modules and the builtins). */
export function playbookModules(): ModuleRegistry {
  return createModuleRegistry(kubeModules);
}

export function createPlaybookTrigger(
  options: ObserverOptions,
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
