import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** What the OS says about a recorded pid. */
export type ProcessStatus = 'running' | 'paused' | 'dead';

/**
 * Starts a long-running process detached from the caller: its own process
 * group, no stdin, stdout and stderr appended to `logFile`. The caller may exit
 * (the CLI does) and the process keeps running until `down` stops it by pid.
 */
export function spawnDetached(command: string, args: readonly string[], logFile: string): number {
  const fd = openSync(logFile, 'a', 0o600);
  try {
    const child = spawn(command, args, { detached: true, stdio: ['ignore', fd, fd] });
    if (child.pid === undefined) throw new Error(`could not start ${command}`);
    child.on('error', () => undefined);
    child.unref();
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

/**
 * Status of `pid`, checked against /proc so that a zombie counts as dead,
 * SIGSTOP counts as paused, and a recycled pid running another program
 * (`expected` not in its command line) counts as dead too.
 */
export async function processStatus(pid: number, expected: string): Promise<ProcessStatus> {
  try {
    const [stat, cmdline] = await Promise.all([
      readFile(`/proc/${pid}/stat`, 'utf8'),
      readFile(`/proc/${pid}/cmdline`, 'utf8'),
    ]);
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return 'dead';
    // An exiting process has an empty cmdline but still holds its ports.
    if (cmdline !== '' && !cmdline.includes(expected)) return 'dead';
    return state === 'T' || state === 't' ? 'paused' : 'running';
  } catch {
    return 'dead';
  }
}

/** Sends a signal, ignoring a process that is already gone. */
export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Waits until `pid` is dead; resolves false if it is still alive after `timeoutMs`. */
export async function waitForExit(pid: number, expected: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await processStatus(pid, expected)) === 'dead') return true;
    await sleep(50);
  }
  return false;
}

/**
 * Stops a process the polite way (SIGCONT in case it is paused, then SIGTERM)
 * and falls back to SIGKILL after `graceMs`, so `down` always leaves nothing running.
 */
export async function stopProcess(pid: number, expected: string, graceMs = 10_000): Promise<void> {
  if ((await processStatus(pid, expected)) === 'dead') return;
  signal(pid, 'SIGCONT');
  signal(pid, 'SIGTERM');
  if (await waitForExit(pid, expected, graceMs)) return;
  signal(pid, 'SIGKILL');
  await waitForExit(pid, expected, 5_000);
}
