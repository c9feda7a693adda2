/**
 * What `mcsync observe --playbook` does before it reports ready, so the first change after ready
 * is as fast as any other (issue 19). A playbook's first run pays once for what later runs reuse:
 * each host's connection (token and CA files, a kubeconfig context with its lazily imported
 * @kubernetes/client-node), the TLS handshakes, every cluster's discovery, and compiling each
 * module's argument schema (ajv). The warm-up does all of that up front, for the observed
 * cluster and every host a play runs on, at once.
 *
 * One host that is down or slow never holds readiness back: the warm-up is bounded
 * (WARM_UP_TIMEOUT_MS), a host that failed or did not answer in time is named in one warning, and
 * its runs connect again on their own.
 *
 * The clients reach the runs through the module registry (`handingOver`): the playbook trigger
 * makes the module services of its runs itself, and the registry it is given is what sees them.
 * Before a module runs, it hands the warm clients over to the run's cache, each client once; from
 * then on the trigger owns them, keeps them (keep-alive sockets, discovery) for every later run
 * and closes them. A host the plays run on is handed over only to its own task, and only when the
 * task's connection variables are the ones the warm-up used (play vars and -e can change them).
 */
import { compileModuleArgs } from '../engine/module-args.ts';
import { errorMessage, UnreachableError } from '../errors.ts';
import { hostConnection } from '../inventory/connection.ts';
import type { Inventory } from '../inventory/index.ts';
import { createHostClient, seedKubeClient } from '../kube/client-cache.ts';
import type { KubeClient } from '../kube/client.ts';
import type { ModuleContext, ModuleDefinition, ModuleRegistry, SecretRegistry } from '../model/module.ts';
import type { Playbook } from '../model/playbook.ts';
import type { Vars } from '../model/vars.ts';
import type { Clock } from '../shared/clock.ts';
import { goDurationString } from '../shared/duration.ts';

/** The bound of a warm-up: under the Deployment's liveness budget (3 probes 10 s apart). */
export const WARM_UP_TIMEOUT_MS = 10_000;

/** A host to connect to before ready. */
export interface WarmHost {
  name: string;
  /** A host the plays run on (handed over to its own task only); else a host runs read, as k8s_sync's `from`. */
  playHost: boolean;
}

/**
 * The hosts to warm up: every inventory host a play's pattern selects, and the observed clusters
 * that are inventory hosts (the playbook reads them: `from: "{{ observed.cluster }}"`), without the
 * implicit localhost.
 */
export function warmHosts(
  playbook: Pick<Playbook, 'plays'>,
  inventory: Pick<Inventory, 'selectHosts' | 'hostNames'>,
  observed: readonly string[],
): WarmHost[] {
  const defined = new Set(inventory.hostNames());
  const playHosts = new Set(playbook.plays.flatMap((play) => inventory.selectHosts(play.hosts)));
  const names = [...new Set([...observed, ...playHosts])].filter((name) => defined.has(name));
  return names.map((name) => ({ name, playHost: playHosts.has(name) }));
}

export interface WarmUpOptions {
  hosts: readonly WarmHost[];
  /** Each host's inventory variables (what the runs read another host's connection from). */
  hostVars(host: string): Vars;
  /** Every module the runs may call: each one's argument schema is compiled here. */
  modules: ModuleRegistry;
  clock: Clock;
  /** The bound (default WARM_UP_TIMEOUT_MS). */
  timeoutMs?: number;
  /** `# warm-up: ...` and `warning: warm-up: ...` lines; the note is left out with --quiet. */
  err: NodeJS.WritableStream;
  quiet: boolean;
  /** Makes a host's client (default createHostClient); tests count or fail connections with it. */
  connect?(vars: Vars, host: string, services: ConnectServices): Promise<KubeClient>;
}

export interface ConnectServices {
  secrets: SecretRegistry;
  warn(message: string): void;
}

/** How each host fared: ready (connected, discovery loaded), failed (why), or still going at the bound. */
export interface WarmUpReport {
  ready: string[];
  /** `unreachable`: the host did not answer (refused, timed out, TLS), as a run would find it. */
  failed: { host: string; message: string; unreachable: boolean }[];
  timedOut: string[];
  ms: number;
}

interface WarmClient {
  client: KubeClient;
  /** The connection variables it was made from (see connectionKey). */
  connection: string | undefined;
  playHost: boolean;
}

/**
 * The clients a warm-up made, waiting to be handed over to the runs (see the file comment). Made
 * before the bundle is loaded, so the module registry can be wrapped (`handingOver`) first.
 */
export class WarmClients {
  readonly #waiting = new Map<string, WarmClient>();
  /** Tokens read while connecting; passed on to the runs' secret registry at hand-over. */
  readonly #secrets = new SecretRelay();
  #closed = false;

  /** Warms every host up, at most `timeoutMs`; writes what happened to `err`. */
  async warmUp(options: WarmUpOptions): Promise<WarmUpReport> {
    const { clock } = options;
    const started = clock.monotonic();
    const timeoutMs = options.timeoutMs ?? WARM_UP_TIMEOUT_MS;
    compileSchemas(options.modules);
    const done = new Map<string, HostFailure | undefined>();
    const hosts = options.hosts.filter((h) => hasCluster(options.hostVars(h.name), h.name));
    const warming = hosts.map(async (host) => {
      done.set(host.name, await this.#warmHost(host, options));
    });
    const bound = new AbortController();
    await Promise.race([Promise.all(warming), clock.sleep(timeoutMs, bound.signal).catch(() => undefined)]);
    bound.abort();
    const report: WarmUpReport = {
      ready: [],
      failed: [],
      timedOut: [],
      ms: Math.round(clock.since(started)),
    };
    for (const { name } of hosts) {
      if (!done.has(name)) report.timedOut.push(name);
      else if (done.get(name) === undefined) report.ready.push(name);
      else report.failed.push({ host: name, ...(done.get(name) as HostFailure) });
    }
    writeReport(report, timeoutMs, options);
    return report;
  }

  /**
   * Hands the clients `context`'s task may take over to its run cache, each once (see the file
   * comment); a client the run cache already has a match for, or made for other connection
   * variables than the task's, is closed instead.
   */
  handOver(context: Pick<ModuleContext, 'host' | 'vars' | 'services'>): void {
    if (this.#waiting.size === 0) return;
    if (context.services.secrets) this.#secrets.forwardTo(context.services.secrets);
    for (const [host, warm] of this.#waiting) {
      if (warm.playHost && host !== context.host) continue;
      this.#waiting.delete(host);
      const same = !warm.playHost || connectionKey(context.vars, host) === warm.connection;
      if (!same || !seedKubeClient(context.services.runCache, host, warm.client)) warm.client.close();
    }
  }

  /** Closes the clients no run took over (the trigger closes the others). */
  close(): void {
    this.#closed = true;
    for (const warm of this.#waiting.values()) warm.client.close();
    this.#waiting.clear();
  }

  /** Undefined when the host is ready, else why not. */
  async #warmHost(host: WarmHost, options: WarmUpOptions): Promise<HostFailure | undefined> {
    const vars = options.hostVars(host.name);
    const connect = options.connect ?? createHostClient;
    let client: KubeClient;
    try {
      client = await connect(vars, host.name, {
        secrets: this.#secrets,
        warn: (message) => void options.err.write(`warning: ${message}\n`),
      });
    } catch (error) {
      return failure(error);
    }
    if (this.#closed) {
      client.close(); // the observer stopped while this host was still connecting
      return { message: 'the observer is stopping', unreachable: false };
    }
    // Kept even if discovery fails: its connection is resolved, and its runs discover again.
    this.#waiting.set(host.name, {
      client,
      connection: connectionKey(vars, host.name),
      playHost: host.playHost,
    });
    try {
      // /api and /apis in parallel: two TLS connections opened, and the snapshot every run resolves kinds with.
      await client.discovery.snapshot(client);
      return undefined;
    } catch (error) {
      return failure(error);
    }
  }
}

/**
 * `registry` with every module first handing `warm`'s clients over to the run it is called in.
 * The same wrapper is returned for a module each time: the engine keys compiled schemas on it.
 */
export function handingOver(registry: ModuleRegistry, warm: WarmClients): ModuleRegistry {
  const wrapped = new Map<ModuleDefinition, ModuleDefinition>();
  return {
    names: () => registry.names(),
    get(name) {
      const module = registry.get(name);
      if (!module) return undefined;
      let wrapper = wrapped.get(module);
      if (!wrapper) {
        wrapper = {
          ...module,
          run: (args, context) => {
            warm.handOver(context);
            return module.run(args, context);
          },
        };
        wrapped.set(module, wrapper);
      }
      return wrapper;
    },
  };
}

/** Compiles every module's argument validator once (what a run's first task of each module did). */
function compileSchemas(modules: ModuleRegistry): void {
  const seen = new Set<ModuleDefinition>();
  for (const name of modules.names()) {
    const module = modules.get(name);
    if (module && !seen.has(module)) compileModuleArgs(module);
    if (module) seen.add(module);
  }
}

function hasCluster(vars: Vars, host: string): boolean {
  try {
    return hostConnection(vars, host).hasCluster;
  } catch {
    return true; // its connection variables are wrong: connecting says how
  }
}

/** The kube connection variables of `vars` as one string; undefined when they do not parse. */
function connectionKey(vars: Vars, host: string): string | undefined {
  try {
    return JSON.stringify({ ...hostConnection(vars, host), registry: undefined });
  } catch {
    return undefined;
  }
}

/** Why a host is not ready. */
type HostFailure = { message: string; unreachable: boolean };

function failure(error: unknown): HostFailure {
  return { message: errorMessage(error), unreachable: error instanceof UnreachableError };
}

/** The play hosts a run would find unreachable: failed so, or still not answering at the bound. */
export function unreachablePlayHosts(report: WarmUpReport, hosts: readonly WarmHost[]): string[] {
  const play = new Set(hosts.filter((h) => h.playHost).map((h) => h.name));
  const down = [...report.failed.filter((f) => f.unreachable).map((f) => f.host), ...report.timedOut];
  return down.filter((host) => play.has(host));
}

function writeReport(report: WarmUpReport, timeoutMs: number, options: WarmUpOptions): void {
  for (const { host, message } of report.failed)
    options.err.write(`warning: warm-up: ${host}: ${message}; its runs connect again\n`);
  for (const host of report.timedOut)
    options.err.write(
      `warning: warm-up: ${host}: no answer within ${goDurationString(timeoutMs)}; its runs connect again\n`,
    );
  if (options.quiet) return;
  const ready = report.ready.length ? report.ready.join(', ') : 'no host';
  options.err.write(`# warm-up: ${ready} connected with discovery loaded in ${report.ms}ms\n`);
}

/** Keeps the secrets read before the hand-over, then passes them (and later ones) to the runs' registry. */
class SecretRelay implements SecretRegistry {
  readonly #kept: string[] = [];
  #target: SecretRegistry | undefined;

  add(value: string): void {
    if (this.#target) this.#target.add(value);
    else this.#kept.push(value);
  }

  forwardTo(target: SecretRegistry): void {
    if (this.#target) return;
    this.#target = target;
    for (const value of this.#kept.splice(0)) target.add(value);
  }
}
