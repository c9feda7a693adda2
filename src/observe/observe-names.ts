/**
 * oc observe's `--names` reconciliation: the command prints the names an external system knows
 * (`namespace/name` or `name`, one a line); every one the cluster no longer has becomes a Deleted
 * event for `--delete`, so deletions made while the observer was down are not missed. The observer
 * runs it after the first list and after every relist, as oc does. With several clusters
 * (`--hosts`) a line may start with the cluster: `cluster/namespace/name`.
 */
import { spawn } from 'node:child_process';
import type { KubeObject, ResourceInfo } from '../kube/types.ts';
import type { ObservedEvent } from './contracts.ts';
import type { Distribution } from './metrics.ts';
import { storeKey } from './reflector-store.ts';

export interface NamesCommandOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  retryOnExitCode: number;
  retryCount: number;
  durations?: Distribution | undefined;
}

/** A name the --names command knows. */
export interface KnownName {
  /** Undefined: the line named no cluster, so it applies to every observed cluster. */
  cluster: string | undefined;
  namespace: string;
  name: string;
}

/** Runs the --names command (retrying like oc) and returns its non-empty lines, sorted. */
export async function runNamesCommand(
  argv: readonly string[],
  options: NamesCommandOptions,
): Promise<string[]> {
  for (let attempt = 0; ; attempt++) {
    const started = Date.now();
    const result = await capture(argv, options);
    options.durations?.observe({ exit_code: String(result.code) }, Date.now() - started);
    if (result.code === 0)
      return result.stdout
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean)
        .sort();
    const retry =
      options.retryOnExitCode !== 0 &&
      result.code === options.retryOnExitCode &&
      attempt < options.retryCount;
    if (!retry) {
      const why = result.code === -1 ? 'could not be started' : `exited with status code ${result.code}`;
      throw new Error(
        `unable to list known keys: command ${JSON.stringify(argv[0])} ${why}${result.stderr ? `\n${result.stderr.trimEnd()}` : ''}`,
      );
    }
  }
}

/** Splits the lines of --names by the resource's scope (see the file comment). */
export function parseKnownNames(lines: readonly string[], namespaced: boolean): KnownName[] {
  return lines.map((line) => {
    const parts = line.split('/');
    if (namespaced) {
      if (parts.length >= 3)
        return { cluster: parts[0], namespace: parts[1] ?? '', name: parts.slice(2).join('/') };
      if (parts.length === 2) return { cluster: undefined, namespace: parts[0] ?? '', name: parts[1] ?? '' };
      return { cluster: undefined, namespace: '', name: line };
    }
    if (parts.length >= 2) return { cluster: parts[0], namespace: '', name: parts.slice(1).join('/') };
    return { cluster: undefined, namespace: '', name: line };
  });
}

/**
 * The known names one cluster no longer has, as Deleted events that carry only the namespace and
 * the name (the object's final state is not known). A line naming another cluster is skipped.
 */
export function missingNames(
  known: readonly KnownName[],
  cluster: { name: string; store: ReadonlyMap<string, KubeObject> },
  resource: ResourceInfo,
): ObservedEvent[] {
  return known
    .filter((entry) => entry.cluster === undefined || entry.cluster === cluster.name)
    .filter((entry) => !cluster.store.has(storeKey(entry.namespace, entry.name)))
    .map((entry) => ({
      type: 'Deleted',
      cluster: cluster.name,
      namespace: entry.namespace,
      name: entry.name,
      object: {
        apiVersion: resource.apiVersion,
        kind: resource.kind,
        metadata: entry.namespace ? { name: entry.name, namespace: entry.namespace } : { name: entry.name },
      },
    }));
}

function capture(
  argv: readonly string[],
  options: NamesCommandOptions,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const [program, ...args] = argv as [string, ...string[]];
    const child = spawn(program, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e) => resolve({ code: -1, stdout: '', stderr: e.message }));
    child.on('close', (code) =>
      resolve({
        code: code ?? 1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}
