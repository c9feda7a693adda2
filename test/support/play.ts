// Running `mcsync play` as a user would, in its own process from the repository root, and the
// throwaway project directories the playbook tests write their files into.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import type { JsonDocument } from '../../src/report/json-renderer.ts';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const mainUrl = pathToFileURL(path.join(repoRoot, 'src', 'cli', 'main.ts')).href;

export interface PlayRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Parsed `--output json` document (undefined for other outputs or when it did not parse). */
  doc: JsonDocument | undefined;
  /** Wall time of the process in ms. */
  ms: number;
}

export interface PlayOptions {
  /** Run src/ with type stripping (no build needed) instead of the built bin/mcsync-play.js. */
  fromSources?: boolean;
  /** Added to the test's environment. */
  env?: NodeJS.ProcessEnv;
  /** Working directory (default: the repository root); mcsync.yaml is read from it. */
  cwd?: string;
}

/** Runs `mcsync-play ARGS` in a child node from the repository root (roles/ found there). */
export function runPlay(args: readonly string[], options: PlayOptions = {}): Promise<PlayRun> {
  const started = Date.now();
  const argv = options.fromSources
    ? [
        '--input-type=module',
        '-e',
        `import { main } from ${JSON.stringify(mainUrl)}; process.exitCode = await main(${JSON.stringify(['play', ...args])});`,
      ]
    : [path.join(repoRoot, 'bin', 'mcsync-play.js'), ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, {
      cwd: options.cwd ?? repoRoot,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      let doc: JsonDocument | undefined;
      try {
        doc = args.includes('json') ? (JSON.parse(stdout) as JsonDocument) : undefined;
      } catch {
        doc = undefined;
      }
      resolve({ code: code ?? -1, stdout, stderr, doc, ms: Date.now() - started });
    });
  });
}

/** A temporary directory with the given files (objects are written as YAML), removed after `t`. */
export async function tempProject(
  t: TestContext,
  files: Record<string, unknown>,
  prefix = 'mcsync-test-',
): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), typeof content === 'string' ? content : stringify(content));
  }
  return dir;
}

/** A task named `write` that applies ConfigMap `name` with `data` in `namespace` through the k8s module. */
export function writeConfigMapTask(namespace: string, name: string, data: Record<string, string>): object {
  return {
    name: 'write',
    k8s: { definition: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data } },
  };
}
