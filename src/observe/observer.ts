/**
 * `mcsync observe` wired in one place: validates the template and the playbook bundle first (so
 * bad input fails before any cluster is touched), resolves the cluster(s) and RESOURCE, builds the
 * trigger (a command like oc observe, or the playbook in-process), serves /metrics and /healthz,
 * and runs the observe loop — under a Lease when --leader-elect is on. SIGTERM/SIGINT finish the
 * run in flight, release the lease and exit 0.
 */
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { UsageError } from '../errors.ts';
import { KubeClient } from '../kube/client.ts';
import { loadInventory } from '../inventory/index.ts';
import type { Inventory } from '../inventory/index.ts';
import type { ObserverOptions } from './observer-options.ts';
import { createCommandTrigger } from './command-trigger.ts';
import type { LeaderElectionOptions, Reflector, ReflectorOptions, WorkQueue } from './contracts.ts';
import { compileGoTemplate } from './go-template.ts';
import { startHealthServer } from './health-server.ts';
import { compileJsonPath } from './jsonpath.ts';
import type { CompiledTemplate } from './jsonpath.ts';
import { runLeaderElection } from './leader-election.ts';
import { MetricsRegistry } from './metrics.ts';
import type { Metrics } from './metrics.ts';
import { startObserveLoop } from './observe-loop.ts';
import type { LoopTarget } from './observe-loop.ts';
import { observeMetrics } from './observe-metrics.ts';
import type { ObserveMetrics } from './observe-metrics.ts';
import { resolveResource } from './observe-resource.ts';
import { resolveTargets } from './observe-targets.ts';
import { startReflector } from './reflector.ts';
import type { Trigger } from './trigger.ts';
import { createWorkQueue } from './work-queue.ts';

export interface ObserverIO {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** SIGTERM/SIGINT: finish the run in flight, release the lease, exit 0. */
  signal: AbortSignal;
}

/** The watch machinery, injectable for tests. */
export interface ObserverParts {
  startReflector(options: ReflectorOptions): Reflector;
  createWorkQueue(): WorkQueue;
  runLeaderElection(options: LeaderElectionOptions): Promise<void>;
  createMetrics(): Metrics;
  startHealthServer(options: {
    listenAddr: string;
    metrics: Metrics;
    ready(): boolean;
    healthy?(): boolean;
  }): Promise<{ address: string; port: number; close(): Promise<void> | void } | undefined>;
}

const REAL_PARTS: ObserverParts = {
  startReflector,
  createWorkQueue: () => createWorkQueue(),
  runLeaderElection,
  createMetrics: () => new MetricsRegistry({ processMetrics: true }),
  startHealthServer,
};

/** Runs the observer until it stops; returns the exit code. */
export async function runObserver(
  options: ObserverOptions,
  io: ObserverIO,
  parts: ObserverParts = REAL_PARTS,
): Promise<number> {
  const template = compileTemplate(options);
  const playbook = await playbookPart(options, io);
  const bundle = playbook?.bundle;
  const inventory = bundle?.inventory ?? (await inventoryOf(options, io.cwd));
  const targets = await resolveTargets(options, { inventory, cwd: io.cwd, env: io.env });
  const clients = targets.map((t) => new KubeClient(t.connection));
  try {
    const first = clients[0] as KubeClient;
    const resource = await resolveResource(first, options.resource);
    const loopTargets: LoopTarget[] = targets.map((t, i) => ({
      cluster: t.cluster,
      client: clients[i] as KubeClient,
      namespace:
        !resource.namespaced || options.allNamespaces
          ? undefined
          : (options.namespace ?? t.connection.defaultNamespace ?? 'default'),
    }));
    const metrics = observeMetrics(parts.createMetrics());
    const trigger = playbook ? playbook.trigger(metrics) : createTrigger(options, io, metrics, template);
    if (options.delete.length > 0 && options.names.length === 0)
      io.err.write(
        `warning: If you are modifying resources outside of "${resource.resource}", you should use the --names command to ensure you don't miss deletions that occur while the command is not running.\n`,
      );
    const warm = playbook?.warm;
    return await observeWith(options, io, parts, { metrics, trigger, resource, loopTargets, first, warm });
  } finally {
    for (const client of clients) client.close();
  }
}

interface Wired {
  metrics: ObserveMetrics;
  trigger: Trigger;
  resource: Awaited<ReturnType<typeof resolveResource>>;
  loopTargets: LoopTarget[];
  first: KubeClient;
  /** --playbook: connects to the playbook's hosts before ready (warm-up.ts). */
  warm: PlaybookWarmUp | undefined;
}

interface PlaybookWarmUp {
  /** Resolves with the play hosts it found unreachable. */
  warmUp(observed: readonly string[]): Promise<string[]>;
  /** Closes the clients no run took over. */
  close(): void;
}

async function observeWith(
  options: ObserverOptions,
  io: ObserverIO,
  parts: ObserverParts,
  w: Wired,
): Promise<number> {
  let loopReady: (() => boolean) | undefined;
  let leading = !options.leader.enabled;
  let warmed = w.warm === undefined;
  let downAtStart: string[] = [];
  const health = options.listenAddr
    ? await parts.startHealthServer({
        listenAddr: options.listenAddr,
        metrics: w.metrics.registry,
        // A standby replica is ready: it is healthy and waiting for the lease.
        ready: () => warmed && (leading ? (loopReady?.() ?? false) : true),
      })
    : undefined;
  const runLoop = async (signal: AbortSignal): Promise<number> => {
    const loop = startObserveLoop(
      {
        targets: w.loopTargets,
        resource: w.resource,
        labelSelector: options.selector,
        fieldSelector: options.fieldSelector,
        resyncPeriodMs: options.resyncPeriodMs,
        watchSilenceTimeoutMs: options.watchSilenceTimeoutMs,
        once: options.once,
        exitAfterMs: options.exitAfterMs,
        maximumErrors: options.maximumErrors,
        workers: options.workers,
        trigger: w.trigger,
        names: options.names.length
          ? {
              argv: options.names,
              options: {
                env: io.env,
                cwd: io.cwd,
                retryOnExitCode: options.retryOnExitCode,
                retryCount: options.retryCount,
                durations: w.metrics.nameExecDurations,
              },
            }
          : undefined,
        metrics: w.metrics,
        err: io.err,
        verbosity: options.verbosity,
        startReflector: parts.startReflector,
        workQueue: parts.createWorkQueue(),
        downAtStart,
      },
      signal,
    );
    loopReady = loop.ready;
    return loop.done;
  };
  try {
    // Before the loop and the election: the first change after ready is as fast as any other.
    downAtStart = (await w.warm?.warmUp(w.loopTargets.map((t) => t.cluster))) ?? [];
    warmed = true;
    if (!options.leader.enabled) {
      w.metrics.leader.set({}, 1);
      return await runLoop(io.signal);
    }
    return await underLease(options, io, parts, w, runLoop, (value) => {
      leading = value;
      w.metrics.leader.set({}, value ? 1 : 0);
    });
  } finally {
    w.warm?.close();
    await health?.close();
    if (options.printMetricsOnExit) io.out.write(await w.metrics.registry.render());
  }
}

async function underLease(
  options: ObserverOptions,
  io: ObserverIO,
  parts: ObserverParts,
  w: Wired,
  runLoop: (signal: AbortSignal) => Promise<number>,
  setLeading: (leading: boolean) => void,
): Promise<number> {
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  io.signal.addEventListener('abort', onSignal, { once: true });
  if (io.signal.aborted) stop.abort();
  let exitCode: number | undefined;
  let lost = false;
  let loopDone: Promise<unknown> = Promise.resolve();
  const identity = options.leader.identity ?? `${hostname()}-${process.pid}`;
  try {
    await parts.runLeaderElection({
      client: w.first,
      namespace:
        options.leader.leaseNamespace ?? w.loopTargets[0]?.namespace ?? options.namespace ?? 'default',
      name: options.leader.leaseName,
      identity,
      leaseDurationMs: options.leader.leaseDurationMs,
      renewDeadlineMs: options.leader.renewDeadlineMs,
      retryPeriodMs: options.leader.retryPeriodMs,
      signal: stop.signal,
      async onStartedLeading(leadSignal) {
        setLeading(true);
        if (!options.quiet) io.err.write(`# ${identity} holds lease ${options.leader.leaseName}\n`);
        const running = runLoop(AbortSignal.any([leadSignal, stop.signal]));
        loopDone = running.catch(() => undefined);
        try {
          exitCode = await running;
          lost = leadSignal.aborted && !stop.signal.aborted;
        } finally {
          setLeading(false);
          stop.abort();
        }
      },
    });
  } catch (error) {
    // The election failed: stop observing (the run in flight finishes) before reporting it.
    stop.abort();
    await loopDone;
    throw error;
  }
  io.signal.removeEventListener('abort', onSignal);
  if (lost) {
    io.err.write(`error: lost lease ${options.leader.leaseName}; exiting so another replica takes over\n`);
    return 1;
  }
  return exitCode ?? 0;
}

/** The engine and modules are loaded only for --playbook: a command observer stays small. */
async function playbookPart(
  options: ObserverOptions,
  io: ObserverIO,
): Promise<
  | { bundle: { inventory: Inventory }; trigger(metrics: ObserveMetrics): Trigger; warm: PlaybookWarmUp }
  | undefined
> {
  if (!options.playbook) return undefined;
  const part = await import('./observer-playbook.ts');
  const clients = new part.WarmClients();
  const source = {
    playbook: options.playbook,
    inventory: options.inventory,
    extraVars: options.extraVars,
    rolesPath: [],
    cwd: io.cwd,
    modules: part.handingOver(part.playbookModules(), clients),
    ...(options.vault ? { vault: options.vault } : {}),
  };
  const bundle = await part.loadBundle(source);
  return {
    bundle,
    trigger: (metrics) => part.createPlaybookTrigger(options, io, metrics, source, bundle),
    warm: {
      warmUp: (observed) => part.warmUpPlaybook(clients, options, io, source, bundle, observed),
      close: () => clients.close(),
    },
  };
}

function createTrigger(
  options: ObserverOptions,
  io: ObserverIO,
  metrics: ObserveMetrics,
  template: CompiledTemplate | undefined,
): Trigger {
  return createCommandTrigger({
    command: options.command,
    deleteCommand: options.delete,
    template,
    typeEnvVar: options.typeEnvVar,
    objectEnvVar: options.objectEnvVar,
    retryOnExitCode: options.retryOnExitCode,
    retryCount: options.retryCount,
    quiet: options.quiet,
    env: io.env,
    cwd: io.cwd,
    out: io.out,
    err: io.err,
    execDurations: metrics.execDurations,
  });
}

/** Compiles --template/-a in the --output format; a syntax error is a UsageError. */
export function compileTemplate(options: ObserverOptions): CompiledTemplate | undefined {
  if (!options.template) return undefined;
  const settings = { allowMissingKeys: options.allowMissingTemplateKeys };
  return options.format === 'go-template'
    ? compileGoTemplate(options.template, settings)
    : compileJsonPath(options.template, settings);
}

async function inventoryOf(options: ObserverOptions, cwd: string): Promise<Inventory | undefined> {
  if (options.inventory.length === 0) return undefined;
  const paths = options.inventory.map((path) => {
    const full = resolve(cwd, path);
    if (!existsSync(full)) throw new UsageError(`-i ${path}: no such inventory file or directory`);
    return full;
  });
  return loadInventory(paths);
}
