// The observer as the integration tests run it: `mcsync observe` from the sources as a child
// process (test/support/run-observe.ts), killed after the test; a readiness wait on its health
// endpoint; polling for what its triggers record; throwaway trigger scripts.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from '../../src/sandbox/ports.ts';
import type { Hooks } from './clusters.ts';

const RUNNER = new URL('./run-observe.ts', import.meta.url).pathname;
/** The repository root (the observer's default working directory: playbooks/ is found there). */
export const REPO = new URL('../../', import.meta.url).pathname;

export interface Observer {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<number>;
}

/** Starts `mcsync observe ARGS` in `cwd`; killed after the test if still running. */
export function startObserver(
  t: Hooks,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Observer {
  const child = spawn(process.execPath, [RUNNER, ...args], {
    cwd: options.cwd ?? REPO,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number>((resolve) =>
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1))),
  );
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes (then throws with `what`). */
export async function waitFor<T>(what: string, check: () => Promise<T> | T, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A temp dir with executable scripts. */
export async function scripts(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mcsync-observe-it-'));
  for (const [name, text] of Object.entries(files)) {
    await writeFile(join(dir, name), text);
    await chmod(join(dir, name), 0o755);
  }
  return dir;
}

export async function readLines(file: string): Promise<string[]> {
  try {
    return (await readFile(file, 'utf8')).split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** One free loopback port (the sandbox's port picker). */
export async function freePort(): Promise<number> {
  const [port = 0] = await freePorts(1);
  return port;
}

/** `--listen-addr` on a free port, and a wait until /healthz/ready says the initial list is done. */
export async function readiness(): Promise<{ flag: string; ready(timeoutMs?: number): Promise<void> }> {
  const port = await freePort();
  return {
    flag: `--listen-addr=127.0.0.1:${port}`,
    ready: async (timeoutMs = 15_000) => {
      await waitFor(
        '/healthz/ready',
        async () =>
          (await fetch(`http://127.0.0.1:${port}/healthz/ready`).catch(() => undefined))?.status === 200,
        timeoutMs,
      );
    },
  };
}

/** An observer that has listed everything once, with its health/metrics address. */
export interface ReadyObserver extends Observer {
  /** `127.0.0.1:PORT` of /healthz and /metrics. */
  address: string;
}

/**
 * Starts `mcsync observe ARGS --listen-addr=<free port>` and resolves once /healthz/ready says
 * the initial list is done (so a change made next is a change the observer sees), within
 * `readyTimeoutMs` (default 15 s).
 */
export async function startReadyObserver(
  t: Hooks,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; readyTimeoutMs?: number } = {},
): Promise<ReadyObserver> {
  const health = await readiness();
  const observer = startObserver(t, [...args, health.flag], options);
  await health.ready(options.readyTimeoutMs);
  return { ...observer, address: health.flag.slice('--listen-addr='.length) };
}
