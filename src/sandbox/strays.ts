import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { signal, waitForExit } from './processes.ts';

/** Programs the sandbox starts; only these are ever treated as strays. */
const SANDBOX_PROGRAMS = new Set([
  'sandbox-cluster',
  'docker-registry',
  'containerd',
  'containerd-shim-runc-v2',
]);

/**
 * The sandbox's own long-running programs, without containerd's shims: `up`
 * stops these when state.json does not know them, while the shims of a node
 * that keeps running are left alone (a node's teardown stops its shims).
 */
export const SUPERVISED_PROGRAMS: ReadonlySet<string> = new Set([
  'sandbox-cluster',
  'docker-registry',
  'containerd',
]);

/** A running sandbox program whose command line names a path inside the sandbox directory. */
export interface Stray {
  pid: number;
  program: string;
}

/**
 * Sandbox programs whose command line mentions `dir` (their data dir, config
 * or socket is inside it), whether or not state.json recorded them: a killed
 * `up` may have started one and died before writing its pid. Programs of other
 * sandboxes (other directories) are never matched.
 */
export async function findStrays(
  dir: string,
  except: ReadonlySet<number> = new Set(),
  programs: ReadonlySet<string> = SANDBOX_PROGRAMS,
): Promise<Stray[]> {
  const prefix = `${path.resolve(dir)}/`;
  const pids = (await readdir('/proc')).filter((e) => /^\d+$/.test(e)).map(Number);
  const found = await Promise.all(
    pids.map(async (pid): Promise<Stray | null> => {
      if (pid === process.pid || except.has(pid)) return null;
      const args = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
      const program = path.basename(args[0] ?? '');
      if (!programs.has(program)) return null;
      return args.some((a) => a.includes(prefix)) ? { pid, program } : null;
    }),
  );
  return found.filter((s) => s !== null);
}

/** SIGTERM, then SIGKILL after `graceMs`, every stray of `dir`; returns what was stopped. */
export async function stopStrays(
  dir: string,
  except: ReadonlySet<number> = new Set(),
  graceMs = 5_000,
  programs: ReadonlySet<string> = SANDBOX_PROGRAMS,
): Promise<Stray[]> {
  const strays = await findStrays(dir, except, programs);
  await Promise.all(
    strays.map(async (s) => {
      signal(s.pid, 'SIGTERM');
      if (!(await waitForExit(s.pid, s.program, graceMs))) signal(s.pid, 'SIGKILL');
    }),
  );
  return strays;
}
