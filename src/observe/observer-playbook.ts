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
import { systemClock } from '../shared/clock.ts';
import { unreachablePlayHosts, warmHosts } from './warm-up.ts';
import type { WarmClients } from './warm-up.ts';

export { loadBundle } from './playbook-bundle.ts';
export { handingOver, WarmClients } from './warm-up.ts';

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
    prune: options.prune,
    watchFiles: options.watchFiles,
    verbosity: options.verbosity,
    quiet: options.quiet,
    out: io.out,
    err: io.err,
    env: io.env,
    execDurations: metrics.execDurations,
  });
}

/**
 * Connects to the observed cluster and every host the plays run on before the observer reports
 * ready, with discovery loaded and the module schemas compiled (warm-up.ts); bounded, and never
 * failing: a host that is down is named in a warning. Returns the play hosts it found unreachable:
 * the observe loop starts with them down (runs skip them; their recovery catches them up).
 */
export async function warmUpPlaybook(
  warm: WarmClients,
  options: Pick<ObserverOptions, 'quiet'>,
  io: { err: NodeJS.WritableStream },
  source: BundleSource,
  bundle: PlaybookBundle,
  observed: readonly string[],
): Promise<string[]> {
  const hosts = warmHosts(bundle.playbook, bundle.inventory, observed);
  const report = await warm.warmUp({
    hosts,
    hostVars: (host) => bundle.inventory.hostVars(host),
    modules: source.modules,
    clock: systemClock(),
    err: io.err,
    quiet: options.quiet,
  });
  return unreachablePlayHosts(report, hosts);
}
