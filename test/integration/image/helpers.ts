// Helpers for the copy-image tests: run the CLI from source (no build needed) with a PATH-shimmed
// skopeo that logs every start (and the mode of each auth file it is given), read results from
// the JSON output, and address the sandbox registries with their own credentials.
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import type { JsonHostEntry } from '../../../src/report/json-renderer.ts';
import type { SandboxClusterHandle } from '../../support/clusters.ts';
import type { RegistryLogin } from '../../support/oci-images.ts';
import { runPlay, tempProject } from '../../support/play.ts';
import type { PlayRun } from '../../support/play.ts';

export type { PlayRun };

/** Runs `mcsync play ARGS` from the repository root in a child node (src/, type stripping). */
export function mcsyncPlay(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<PlayRun> {
  return runPlay(args, { fromSources: true, env });
}

/** A `skopeo` first in PATH that logs each start, then runs the real one. */
export interface SkopeoShim {
  env: NodeJS.ProcessEnv;
  /** One line per start: `argv …`, plus `authfile MODE PATH` per auth file it was given. */
  lines(): Promise<string[]>;
  starts(): Promise<number>;
}

async function realSkopeo(): Promise<string> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'skopeo');
    try {
      await readFile(candidate);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new Error('skopeo not found in PATH');
}

export async function skopeoShim(t: TestContext): Promise<SkopeoShim> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mcsync-skopeo-shim-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const log = path.join(dir, 'starts.log');
  await writeFile(log, '');
  const script = [
    '#!/bin/sh',
    'prev=""',
    'for a in "$@"; do',
    `  case "$prev" in --src-authfile|--dest-authfile|--authfile) echo "authfile $(stat -c %a "$a") $a" >> '${log}';; esac`,
    '  prev="$a"',
    'done',
    `echo "argv $*" >> '${log}'`,
    `exec '${await realSkopeo()}' "$@"`,
    '',
  ].join('\n');
  await writeFile(path.join(dir, 'skopeo'), script);
  await chmod(path.join(dir, 'skopeo'), 0o755);
  const lines = async (): Promise<string[]> => (await readFile(log, 'utf8')).split('\n').filter(Boolean);
  return {
    env: { PATH: `${dir}${path.delimiter}${process.env.PATH ?? ''}` },
    lines,
    starts: async () => (await lines()).filter((l) => l.startsWith('argv ')).length,
  };
}

/** The registry login of a sandbox cluster (its own basic credentials). */
export function loginOf(c: SandboxClusterHandle): RegistryLogin {
  return { registry: c.registry, ca: c.ca, username: c.registryUsername, password: c.registryPassword };
}

/** A temporary directory with the given files (objects as YAML), removed after `t`. */
export function project(t: TestContext, files: Record<string, unknown>): Promise<string> {
  return tempProject(t, files, 'mcsync-image-test-');
}

/** The result of the copy task for `host` (the last image_copy task that did not skip it). */
export function copyResult(run: PlayRun, host: string): JsonHostEntry | undefined {
  const tasks = (run.doc?.plays ?? []).flatMap((p) => p.tasks).filter((t) => t.module === 'image_copy');
  const entries = tasks.map((t) => t.hosts[host]).filter((e) => e && e.status !== 'skipped');
  return entries.at(-1);
}

/** Images of a host's copy result. */
export function imagesOf(run: PlayRun, host: string): { action: string; digest?: string; before?: string }[] {
  return (copyResult(run, host)?.['images'] ?? []) as { action: string; digest?: string; before?: string }[];
}
