/**
 * Production services handed to modules: a process runner on `child_process.spawn` (argv only,
 * never a shell) and the real clock. Tests swap these for fakes through ModuleServices.
 */
import { spawn } from 'node:child_process';
import type { ModuleServices, ProcessRunner, SecretRegistry } from '../model/module.ts';
import { systemClock } from '../shared/clock.ts';

/** The one real clock (src/shared/clock.ts), re-exported for callers that wire services by hand. */
export { systemClock };

/** Grace between SIGTERM and SIGKILL when a run times out or is aborted. */
const KILL_GRACE_MS = 2000;

/**
 * Services wired once by the CLI: spawn-based processes, the system clock, an empty run cache and,
 * when given, the secret registry (pass the renderer: its `addSecret` masks what modules read).
 */
export function createDefaultServices(options: { secrets?: SecretRegistry } = {}): ModuleServices {
  const services: ModuleServices = {
    processes: createProcessRunner(),
    clock: systemClock(),
    runCache: new Map(),
  };
  if (options.secrets) services.secrets = options.secrets;
  return services;
}

/**
 * Runs argv[0] with the rest as arguments (no shell), capturing stdout and stderr as UTF-8.
 * `environment` (a task's `environment:`) is set over `env`, which defaults to mcsync's own.
 * `input` is written to stdin (stdin is closed either way). On `timeoutMs` or an aborted `signal`
 * the child gets SIGTERM, then SIGKILL, and the promise rejects. A program that cannot be started
 * (not found, not executable) rejects with the spawn error, whose `code` says why.
 */
export function createProcessRunner(): ProcessRunner {
  return {
    run: (argv, options = {}) =>
      new Promise((resolve, reject) => {
        const [command, ...args] = argv;
        if (command === undefined) {
          reject(new Error('cannot run an empty command'));
          return;
        }
        if (options.signal?.aborted) {
          reject(options.signal.reason as Error);
          return;
        }
        const child = spawn(command, args, {
          cwd: options.cwd,
          env: { ...(options.env ?? process.env), ...options.environment },
          stdio: 'pipe',
        });
        const stdout: Buffer[] = [];
        const stderr: Buffer[] = [];
        let stopReason: Error | undefined;
        const stop = (reason: Error): void => {
          stopReason ??= reason;
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS).unref();
        };
        const timer =
          options.timeoutMs === undefined
            ? undefined
            : setTimeout(
                () => stop(new Error(`${command} timed out after ${options.timeoutMs} ms`)),
                options.timeoutMs,
              );
        const onAbort = (): void => stop(toError(options.signal?.reason, `${command} was interrupted`));
        options.signal?.addEventListener('abort', onAbort, { once: true });
        const cleanup = (): void => {
          if (timer) clearTimeout(timer);
          options.signal?.removeEventListener('abort', onAbort);
        };
        child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
        child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
        child.stdin.on('error', () => undefined);
        child.on('error', (error) => {
          cleanup();
          reject(error);
        });
        child.on('close', (code, signal) => {
          cleanup();
          if (stopReason) {
            reject(stopReason);
            return;
          }
          resolve({
            exitCode: code ?? (signal ? 128 + signalNumber(signal) : 1),
            stdout: Buffer.concat(stdout).toString('utf8'),
            stderr: Buffer.concat(stderr).toString('utf8'),
          });
        });
        child.stdin.end(options.input ?? '');
      }),
  };
}

function toError(reason: unknown, fallback: string): Error {
  return reason instanceof Error ? reason : new Error(fallback);
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };

function signalNumber(signal: string): number {
  return SIGNALS[signal] ?? 0;
}
