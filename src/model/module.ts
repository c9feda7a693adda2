/**
 * The module contract. A module is TypeScript; it gets rendered arguments and a context of
 * injected services, never reads playbook files or argv, and returns a ModuleResult.
 */
import type { JSONSchemaType, SchemaObject } from 'ajv';
import type { SleepClock } from '../shared/clock.ts';
import type { ModuleResult } from './result.ts';
import type { Vars } from './vars.ts';
import type { VaultDecrypter } from './vault-decrypter.ts';

/** Runs external programs (skopeo, shell commands); swapped in tests that need to count calls. */
export interface ProcessRunner {
  run(
    argv: readonly string[],
    options?: {
      cwd?: string;
      env?: NodeJS.ProcessEnv;
      /** Set over `env` (default: mcsync's own environment): the task's `environment:`. */
      environment?: Readonly<Record<string, string>>;
      input?: string;
      signal?: AbortSignal;
      timeoutMs?: number;
    },
  ): Promise<{ exitCode: number; stdout: string; stderr: string }>;
}

/**
 * The clock modules get: wall time and an abortable sleep of the one clock (src/shared/clock.ts),
 * so tests hand in a fake one and never wait.
 */
export type Clock = SleepClock;

export interface ModuleLogger {
  /** -v level detail. */
  info(message: string): void;
  /** -vvv level detail (API calls). */
  debug(message: string): void;
  warn(message: string): void;
}

/** Read-only view of the inventory that modules may need (e.g. k8s_sync's source host). */
export interface InventoryView {
  hostNames(): string[];
  groupHosts(group: string): string[];
  /** All variables of a host as the engine sees them (inventory + play level), rendered. */
  hostVars(host: string): Vars;
}

/** Secret values (tokens, passwords) that renderers must mask wherever they would print them. */
export interface SecretRegistry {
  add(value: string): void;
}

/** Services wired once by the CLI and passed down; extended by later issues (kube clients). */
export interface ModuleServices {
  processes: ProcessRunner;
  clock: Clock;
  /** Modules register every secret they read (token files, passwords) here. */
  secrets?: SecretRegistry;
  /** Decrypts vaulted files and `!vault` values that modules read at run time (include_vars). */
  vault?: VaultDecrypter;
  /** Per-run caches keyed by a module's own name (e.g. kube clients per host). */
  runCache: Map<string, unknown>;
}

export interface ModuleContext {
  /** The inventory host the task runs for. */
  host: string;
  /** All variables visible to the task on this host (already merged by precedence). */
  vars: Readonly<Vars>;
  check: boolean;
  diff: boolean;
  /** Verbosity 0..4 (-v count). */
  verbosity: number;
  inventory: InventoryView;
  services: ModuleServices;
  log: ModuleLogger;
  signal: AbortSignal;
  /** Directory that relative file arguments resolve against (playbook or role dir). */
  baseDir: string;
  /** Search path for files: role files/ and templates/, then the playbook dir. */
  searchPaths: string[];
  /**
   * The task's `environment:` (play, roles, blocks, task merged, rendered for this host). Modules
   * that start a process pass it to the ProcessRunner; it is not mcsync's own environment, so it
   * does not steer mcsync's API calls (no HTTPS_PROXY for k8s). Rendered on first read, so a
   * module that starts no process never fails over it, as in Ansible. Never log it: it may hold
   * secrets.
   */
  readonly environment: Readonly<Record<string, string>>;
}

export interface ModuleDefinition<A = Vars> {
  name: string;
  /** Other names that select it (e.g. `kubernetes.core.k8s` for `k8s`). */
  aliases?: string[];
  /** JSON Schema of the arguments; validated at load time when literal, at run time always. */
  argsSchema: JSONSchemaType<A> | SchemaObject;
  /** Accepts a free-form string (`command: ls -l`), delivered as `_raw_params`. */
  freeForm?: boolean;
  /**
   * Arguments that hold conditions (templates that must evaluate to booleans), e.g. assert's
   * `that`. The engine evaluates each one per host, as it does `when:`, and passes the module a
   * list of `{ condition, result }` (text and boolean, in order) instead of the text; the load-time
   * template check reads them as conditions too. Absent: no argument is a condition.
   */
  conditionArgs?: readonly string[];
  supportsCheckMode: boolean;
  /** One-line description for --help and docs. */
  description: string;
  run(args: A, context: ModuleContext): Promise<ModuleResult>;
}

/** Looks modules up by name or alias. */
export interface ModuleRegistry {
  get(name: string): ModuleDefinition | undefined;
  names(): string[];
}
