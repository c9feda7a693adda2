/**
 * `--playbook`: runs a playbook in-process per changed key, with extra var `observed` = {kind,
 * apiVersion, namespace, name, cluster, type, object}, and once per pass over a whole selection
 * (after the first list, a relist, a resync) with `observed.batch` instead of one object
 * (playbook-pass.ts). The bundle (playbook, inventory, modules) is loaded once; one ModuleServices
 * serves every run, so kube clients and discovery stay warm. Output is one line per run (time,
 * type, key, exit code, duration, recap totals; a pass also its object count); -v adds the full
 * task output. `--when-annotation` skips objects without the annotation, except that a key which
 * matched before still runs (annotation removed, or deleted) so the playbook can remove its
 * copies. `--watch-files` reloads the bundle on change; a bundle that fails validation is
 * reported and the previous one keeps running.
 */
import { watch } from 'chokidar';
import type { FSWatcher } from 'chokidar';
import { errorMessage } from '../errors.ts';
import { runPlaybook } from '../engine/playbook-runner.ts';
import type { EngineDeps, TemplatePort } from '../engine/ports.ts';
import { closeKubeClients } from '../kube/client-cache.ts';
import type { EngineEvent } from '../model/events.ts';
import type { ModuleServices } from '../model/module.ts';
import type { RecapCounts } from '../model/result.ts';
import { markData } from '../model/vars.ts';
import { createDefaultServices } from '../modules/services.ts';
import { createRenderer } from '../report/renderer.ts';
import { createTemplar } from '../template/index.ts';
import type { AnnotationMatch } from './observer-options.ts';
import { rfc3339 } from './command-trigger.ts';
import { eventKey } from './contracts.ts';
import type { Distribution } from './metrics.ts';
import { loadBundle } from './playbook-bundle.ts';
import type { BundleSource, PlaybookBundle } from './playbook-bundle.ts';
import { CopiesCollector, passVars } from './playbook-pass.ts';
import type { RunScope, TargetResult, Trigger, TriggerItem, TriggerOutcome, TriggerPass } from './trigger.ts';

export interface PlaybookTriggerOptions {
  source: BundleSource;
  /** The bundle loaded (and validated) at start. */
  bundle: PlaybookBundle;
  whenAnnotation: AnnotationMatch | undefined;
  /** `--prune`: passes delete copies whose source is gone or no longer selected (`observed.prune`). */
  prune: boolean;
  watchFiles: boolean;
  verbosity: number;
  quiet: boolean;
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  execDurations?: Distribution | undefined;
  /** Reload debounce for --watch-files (default 150 ms). */
  debounceMs?: number;
}

/** True when the object carries the annotation (with the value, when one is given). */
export function annotationMatches(item: Pick<TriggerItem, 'object'>, match: AnnotationMatch): boolean {
  const annotations = item.object.metadata?.annotations ?? {};
  if (!(match.key in annotations)) return false;
  return match.value === undefined || annotations[match.key] === match.value;
}

export class PlaybookTrigger implements Trigger {
  readonly #o: PlaybookTriggerOptions;
  readonly #secrets: string[] = [];
  readonly #templates: TemplatePort;
  readonly #matched = new Set<string>();
  readonly #never = new AbortController().signal;
  #bundle: PlaybookBundle;
  #services: ModuleServices;
  #watcher: FSWatcher | undefined;
  #reloadTimer: NodeJS.Timeout | undefined;
  #reloading: Promise<void> = Promise.resolve();

  constructor(options: PlaybookTriggerOptions) {
    this.#o = options;
    this.#bundle = options.bundle;
    this.#templates = createTemplar({ env: options.env });
    options.source.vault?.onSecret((secret) => this.#secrets.push(secret));
    this.#services = this.#newServices();
    if (options.watchFiles) this.#watch();
  }

  /** The bundle runs use now (tests and --watch-files). */
  get bundle(): PlaybookBundle {
    return this.#bundle;
  }

  async run(item: TriggerItem, _signal?: AbortSignal, scope?: RunScope): Promise<TriggerOutcome> {
    // A retry for some targets was wanted when it first ran; asking again would forget the match.
    if (!scope?.only && !this.#wanted(item)) return { exitCode: 0, skipped: true };
    return this.#runPlaybook(observedVars(item), { type: item.type, label: item.key }, scope);
  }

  /** One run for the whole selection; the objects --when-annotation keeps are `observed.batch`. */
  async runPass(pass: TriggerPass, _signal?: AbortSignal, scope?: RunScope): Promise<TriggerOutcome> {
    const match = this.#o.whenAnnotation;
    const objects = match
      ? pass.objects.filter((object) => annotationMatches({ object }, match))
      : pass.objects;
    for (const object of objects)
      this.#matched.add(
        eventKey({
          cluster: pass.cluster,
          namespace: object.metadata?.namespace ?? '',
          name: object.metadata?.name ?? '',
        }),
      );
    const copies = new CopiesCollector(pass.resource.kind);
    const vars = passVars(pass, objects, { prune: this.#o.prune, whenAnnotation: match });
    const only = scope?.only ? ` targets=${scope.only.join(',')}` : '';
    const label = `${pass.key} objects=${objects.length}${only}`;
    const outcome = await this.#runPlaybook(vars, { type: 'Sync', label }, scope, copies.onEvent);
    return { ...outcome, copies: copies.found() };
  }

  async #runPlaybook(
    observed: Record<string, unknown>,
    run: { type: string; label: string },
    scope: RunScope | undefined,
    onEvent?: (event: EngineEvent) => void,
  ): Promise<TriggerOutcome> {
    const bundle = this.#bundle;
    const limit = scopeLimit(scope, () => bundle.inventory.selectHosts('all'));
    if (limit?.length === 0) return { exitCode: 0, skipped: true };
    const started = Date.now();
    const recap: Record<string, RecapCounts> = {};
    const renderer = this.#o.verbosity > 0 ? this.#renderer() : undefined;
    const deps: EngineDeps = {
      templates: this.#templates,
      inventory: bundle.inventory,
      loader: bundle.loader,
      modules: this.#o.source.modules,
      services: runServices(this.#services),
      sink: {
        emit: (event: EngineEvent) => {
          if (event.type === 'recap') Object.assign(recap, event.hosts);
          onEvent?.(event);
          renderer?.emit(event);
        },
      },
      interrupt: this.#never,
    };
    let exitCode: number;
    let failure: string | undefined;
    try {
      const outcome = await runPlaybook(bundle.playbook, deps, {
        check: false,
        diff: false,
        forks: 10,
        verbosity: this.#o.verbosity,
        // Objects from the cluster are data: a `{{` in them is never rendered.
        extraVars: { ...bundle.extraVars, observed: markData(observed) },
        limit: limit ?? [],
        tags: [],
        skipTags: [],
      });
      exitCode = outcome.exitCode;
    } catch (error) {
      exitCode = 250;
      failure = this.#describe(error);
    } finally {
      await renderer?.close();
    }
    const ms = Date.now() - started;
    this.#o.execDurations?.observe({ type: run.type, exit_code: String(exitCode) }, ms);
    if (!this.#o.quiet) this.#o.out.write(`${runLine(run, exitCode, ms, recap)}\n`);
    const targets = targetResults(recap);
    if (exitCode === 0) return { exitCode, targets };
    return {
      exitCode,
      error: failure ?? `playbook ${bundle.playbook.file} exited ${exitCode} for ${run.label} (${run.type})`,
      targets,
    };
  }

  async close(): Promise<void> {
    if (this.#reloadTimer) clearTimeout(this.#reloadTimer);
    await this.#watcher?.close();
    await this.#reloading;
    await closeKubeClients(this.#services.runCache);
  }

  #wanted(item: TriggerItem): boolean {
    const match = this.#o.whenAnnotation;
    if (!match) return true;
    if (annotationMatches(item, match)) {
      if (item.type === 'Deleted') this.#matched.delete(item.key);
      else this.#matched.add(item.key);
      return true;
    }
    // It matched before: run once more so the playbook can remove it from the targets.
    return this.#matched.delete(item.key);
  }

  /** An error's message with the vault's revealed secrets masked. */
  #describe(error: unknown): string {
    const message = errorMessage(error);
    return this.#o.source.vault?.mask(message) ?? message;
  }

  #newServices(): ModuleServices {
    const services = createDefaultServices({ secrets: { add: (value) => this.#secrets.push(value) } });
    return this.#o.source.vault ? { ...services, vault: this.#o.source.vault } : services;
  }

  #renderer(): ReturnType<typeof createRenderer> {
    const renderer = createRenderer('plain', {
      out: this.#o.out,
      verbosity: this.#o.verbosity,
      color: false,
      diff: this.#o.verbosity >= 2,
      profile: false,
      env: this.#o.env,
    });
    for (const secret of this.#secrets) renderer.addSecret(secret);
    return renderer;
  }

  #watch(): void {
    this.#watcher = watch(this.#bundle.files, { ignoreInitial: true });
    const schedule = (): void => {
      if (this.#reloadTimer) clearTimeout(this.#reloadTimer);
      this.#reloadTimer = setTimeout(() => {
        this.#reloading = this.#reload();
      }, this.#o.debounceMs ?? 150);
    };
    this.#watcher.on('change', schedule).on('add', schedule).on('unlink', schedule);
  }

  async #reload(): Promise<void> {
    let next: PlaybookBundle;
    try {
      next = await loadBundle(this.#o.source);
    } catch (error) {
      this.#o.err.write(
        `error: reload failed; still running the previous version:\n${this.#describe(error)}\n`,
      );
      return;
    }
    const old = this.#services;
    this.#bundle = next;
    this.#services = this.#newServices();
    this.#watcher?.add(next.files);
    this.#o.err.write(`# ${rfc3339(new Date())} reloaded ${next.playbook.file}\n`);
    // Runs in flight keep the old clients; close them once those runs are surely over.
    setTimeout(() => void closeKubeClients(old.runCache), 60_000).unref();
  }
}

/**
 * The services of one run: the same kube clients (kept warm across runs under `kube:<host>`), but
 * a run cache of its own for everything else. Modules share work within a run through it (k8s_sync
 * lets hosts join one in-flight source list); across runs that would hand a run a list started
 * before its event, without the object that triggered it.
 */
function runServices(base: ModuleServices): ModuleServices {
  return { ...base, runCache: new RunCache(base.runCache) };
}

/** A fresh map that reads and writes the long-lived `kube:<host>` client entries through to `clients`. */
class RunCache extends Map<string, unknown> {
  readonly #clients: Map<string, unknown>;

  constructor(clients: Map<string, unknown>) {
    super(); // not super(entries): Map's constructor would call the overridden set() too early
    this.#clients = clients;
    for (const [key, value] of clients) if (key.startsWith('kube:')) super.set(key, value);
  }

  override set(key: string, value: unknown): this {
    if (key.startsWith('kube:')) this.#clients.set(key, value);
    return super.set(key, value);
  }

  override delete(key: string): boolean {
    if (key.startsWith('kube:')) this.#clients.delete(key);
    return super.delete(key);
  }
}

/**
 * The hosts a scoped run is limited to, by name (undefined: no limit, every host). Empty when the
 * scope leaves none: the run is skipped. `hosts()` lists every inventory host; it is asked only
 * when the scope excludes some, not on every run.
 */
export function scopeLimit(
  scope: RunScope | undefined,
  hosts: () => readonly string[],
): string[] | undefined {
  if (!scope?.only && !scope?.except?.length) return undefined;
  const except = new Set(scope.except);
  return (scope.only ?? hosts()).filter((host) => !except.has(host));
}

/** Each recap host's result; a host that was unreachable in any task counts as unreachable. */
function targetResults(recap: Record<string, RecapCounts>): Record<string, TargetResult> {
  return Object.fromEntries(
    Object.entries(recap).map(([host, counts]): [string, TargetResult] => [
      host,
      counts.unreachable > 0 ? 'unreachable' : counts.failed > 0 ? 'failed' : 'ok',
    ]),
  );
}

/** The `observed` extra var. */
export function observedVars(item: TriggerItem): Record<string, unknown> {
  return {
    kind: item.resource.kind,
    apiVersion: item.resource.apiVersion,
    resource: item.resource.resource,
    namespaced: item.resource.namespaced,
    namespace: item.namespace,
    name: item.name,
    cluster: item.cluster,
    type: item.type,
    key: item.key,
    object: item.object,
  };
}

function runLine(
  run: { type: string; label: string },
  exitCode: number,
  ms: number,
  recap: Record<string, RecapCounts>,
): string {
  const total = { ok: 0, changed: 0, failed: 0, unreachable: 0, skipped: 0 };
  for (const counts of Object.values(recap)) {
    total.ok += counts.ok;
    total.changed += counts.changed;
    total.failed += counts.failed;
    total.unreachable += counts.unreachable;
    total.skipped += counts.skipped;
  }
  const counts = Object.entries(total)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return `# ${rfc3339(new Date())} ${run.type} ${run.label} exit=${exitCode} ${ms}ms ${counts}`;
}
