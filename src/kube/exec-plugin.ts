/**
 * Runs a kubeconfig exec credential plugin and keeps what it printed until shortly before the
 * `expirationTimestamp` it returned, so a long-running observer or play never sends an expired
 * token: the request after that point runs the plugin again (client-go re-runs it lazily too,
 * at the expiry itself; mcsync keeps a margin of a tenth of the lifetime, at most a minute, so
 * a request in flight does not outlive its token). After a 401 the transport calls `invalidate`
 * and the next request runs the plugin once more.
 *
 * The credential never appears on argv or in messages: the plugin prints it on stdout, it is
 * parsed there, and each new token is registered as a secret so renderers mask it.
 */
import { spawn } from 'node:child_process';
import { McsyncError } from '../errors.ts';
import { systemClock } from '../shared/clock.ts';
import type { Clock } from '../shared/clock.ts';
import { execInfo } from './exec-config.ts';
import type { ExecConfig } from './exec-config.ts';
import { parseExecCredential } from './exec-credential.ts';
import type { ExecCredential } from './exec-credential.ts';

/** The plugin could not give a credential (not installed, failed, printed something unusable). */
export class ExecPluginError extends McsyncError {}

/** How one run of the plugin ended. */
export interface ExecRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** Captured only when the plugin is not interactive (else it goes to the terminal). */
  stderr: string;
}

export interface ExecRunRequest {
  config: ExecConfig;
  interactive: boolean;
  env: NodeJS.ProcessEnv;
}

/** Runs the plugin process; rejects with the spawn error (ENOENT...) when it cannot start. */
export type ExecRunner = (request: ExecRunRequest) => Promise<ExecRun>;

export interface ExecPluginOptions {
  /** Default: spawnExecPlugin. */
  run?: ExecRunner;
  clock?: Pick<Clock, 'now'>;
  /** Whether standard input is a terminal (interactiveMode IfAvailable/Always); default: isTTY. */
  stdinIsTerminal?: () => boolean;
  /** Called with each new token and key, to register them as secrets. */
  onSecret?: (secret: string) => void;
  /** The environment the plugin's own `env` entries are added to (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/** How long before `expirationTimestamp` a credential counts as due: lifetime/10, at most 60 s. */
export function refreshMarginMs(lifetimeMs: number): number {
  return Math.min(60_000, Math.max(0, Math.floor(lifetimeMs / 10)));
}

interface Cached {
  credential: ExecCredential;
  obtainedAt: number;
}

/** One plugin configuration's credential cache; shared by every client of a connection. */
export class ExecPlugin {
  readonly #config: ExecConfig;
  readonly #run: ExecRunner;
  readonly #clock: Pick<Clock, 'now'>;
  readonly #options: ExecPluginOptions;
  #cached: Cached | undefined;
  #pending: Promise<ExecCredential> | undefined;
  #runs = 0;

  constructor(config: ExecConfig, options: ExecPluginOptions = {}) {
    this.#config = config;
    this.#options = options;
    this.#run = options.run ?? spawnExecPlugin;
    this.#clock = options.clock ?? systemClock();
  }

  /** How often the plugin has run. */
  get runs(): number {
    return this.#runs;
  }

  /** When the cached credential is due for a new run (epoch ms); undefined: not cached or no expiry. */
  get refreshAt(): number | undefined {
    const cached = this.#cached;
    if (!cached?.credential.expiresAt) return undefined;
    const { expiresAt } = cached.credential;
    return expiresAt - refreshMarginMs(expiresAt - cached.obtainedAt);
  }

  /** The credential to send now: the cached one unless it is due, else a new run (one at a time). */
  get(): Promise<ExecCredential> {
    const due = this.refreshAt;
    if (this.#cached && (due === undefined || this.#clock.now() < due))
      return Promise.resolve(this.#cached.credential);
    this.#pending ??= this.#refresh().finally(() => (this.#pending = undefined));
    return this.#pending;
  }

  /** A request sent with `used` got 401: forget it, so the next get() runs the plugin again. */
  invalidate(used: ExecCredential): void {
    if (this.#cached?.credential === used) this.#cached = undefined;
  }

  async #refresh(): Promise<ExecCredential> {
    const config = this.#config;
    const interactive = this.#interactive();
    const env: NodeJS.ProcessEnv = { ...(this.#options.env ?? process.env) };
    for (const entry of config.env) env[entry.name] = entry.value;
    env['KUBERNETES_EXEC_INFO'] = execInfo(config, interactive);
    const fail = (why: string, cause?: unknown): ExecPluginError =>
      new ExecPluginError(`${config.label}: exec plugin '${config.command}' ${why}`, {
        key: 'kubeconfig',
        cause,
      });
    let result: ExecRun;
    this.#runs++;
    try {
      result = await this.#run({ config, interactive, env });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT')
        throw fail(
          `was not found${config.installHint ? `; ${config.installHint.trim()}` : ' on PATH'}`,
          error,
        );
      throw fail(`could not be started: ${(error as Error).message}`, error);
    }
    if (result.code !== 0) {
      const how =
        result.code === null
          ? `was killed (${result.signal ?? 'signal'})`
          : `failed with exit code ${result.code}`;
      const stderr = result.stderr.trim().split('\n').slice(-3).join(' / ').slice(0, 500);
      throw fail(`${how}${stderr ? `: ${stderr}` : ''}`);
    }
    let credential: ExecCredential;
    try {
      credential = parseExecCredential(result.stdout, config.apiVersion);
    } catch (error) {
      throw fail(`gave no usable credential: ${(error as Error).message}`, error);
    }
    for (const secret of [credential.token, credential.key]) if (secret) this.#options.onSecret?.(secret);
    this.#cached = { credential, obtainedAt: this.#clock.now() };
    return credential;
  }

  #interactive(): boolean {
    const mode = this.#config.interactiveMode;
    if (mode === 'Never') return false;
    const terminal = (this.#options.stdinIsTerminal ?? (() => process.stdin.isTTY === true))();
    if (mode === 'Always' && !terminal)
      throw new ExecPluginError(
        `${this.#config.label}: exec plugin '${this.#config.command}' has interactiveMode Always, but standard input is not a terminal`,
        { key: 'kubeconfig' },
      );
    return terminal;
  }
}

/** A plugin that runs longer than this without a terminal is stopped (it waits for nothing). */
const NON_INTERACTIVE_TIMEOUT_MS = 120_000;
/** More stdout than this is not an ExecCredential. */
const MAX_OUTPUT = 1 << 20;

/** Spawns the plugin without a shell; stdin and stderr are the terminal's only when interactive. */
export const spawnExecPlugin: ExecRunner = ({ config, interactive, env }) =>
  new Promise((resolve, reject) => {
    const child = spawn(config.command, config.args, {
      env,
      stdio: [interactive ? 'inherit' : 'ignore', 'pipe', interactive ? 'inherit' : 'pipe'],
      timeout: interactive ? undefined : NON_INTERACTIVE_TIMEOUT_MS,
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      if (stdout.length < MAX_OUTPUT) stdout += chunk.toString('utf8');
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < MAX_OUTPUT) stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
