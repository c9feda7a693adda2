/** Spawns the built CLI (bin/) as a user would and captures what they would see. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  options: {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    bin?: string;
    onStdout?: (soFar: string, pid: number) => void;
  } = {},
): Promise<CliRun> {
  const bin = `${repoRoot}bin/${options.bin ?? 'mcsync-play.js'}`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: options.cwd ?? repoRoot,
      env: { ...process.env, NO_COLOR: '1', CI: 'true', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (child.pid !== undefined) options.onStdout?.(stdout, child.pid);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The `msg` lines that debug tasks printed, in order. */
export function debugMessages(stdout: string): string[] {
  return [...stdout.matchAll(/"msg": "([^"]*)"/g)].map((m) => m[1]!);
}
