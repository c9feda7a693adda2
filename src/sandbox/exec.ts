import { execFile } from 'node:child_process';
import { SandboxError } from './errors.ts';

/** Output of a finished command. */
export interface ExecResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs a command without a shell and resolves with its output; rejects with a
 * SandboxError quoting stderr, because the sandbox's tools (openssl, htpasswd,
 * go) explain their failures there.
 */
export function run(
  file: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv } = {},
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { env: options.env ?? process.env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          const detail = stderr.trim().split('\n').slice(-10).join('\n');
          reject(
            new SandboxError(`${file} ${args.join(' ')} failed: ${detail || error.message}`, {
              cause: error,
            }),
          );
          return;
        }
        resolve({ stdout, stderr });
      },
    );
  });
}

/** Path of an executable found on PATH, or null. */
export async function which(command: string): Promise<string | null> {
  try {
    const { stdout } = await run('sh', ['-c', 'command -v "$0"', command]);
    return stdout.trim() || null;
  } catch {
    return null;
  }
}
