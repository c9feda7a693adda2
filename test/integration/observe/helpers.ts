// Helpers for the observe integration tests: run the observer as a child process, wait for what
// its triggers record, and make objects on sandbox clusters.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from '../../../src/sandbox/ports.ts';
import type { Hooks, SandboxClusterHandle } from '../../support/clusters.ts';
import { ok } from '../../support/kube-api.ts';

const RUNNER = new URL('./run-observe.ts', import.meta.url).pathname;
export const REPO = new URL('../../../', import.meta.url).pathname;

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

export async function putImageStream(
  c: SandboxClusterHandle,
  namespace: string,
  name: string,
  annotations: Record<string, string> = {},
): Promise<void> {
  const path = `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreams`;
  const body = {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { name, namespace, annotations },
    spec: {},
  };
  const existing = await c.admin.get(`${path}/${name}`);
  if (existing.status === 200) {
    const current = existing.json as { metadata: { resourceVersion: string } };
    ok(
      await c.admin.put(`${path}/${name}`, {
        ...body,
        metadata: { ...body.metadata, resourceVersion: current.metadata.resourceVersion },
      }),
      `update ${name}`,
    );
  } else ok(await c.admin.post(path, body), `create ${name}`);
}

export async function imageStreamStatus(
  c: SandboxClusterHandle,
  namespace: string,
  name: string,
): Promise<number> {
  return (await c.admin.get(`/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreams/${name}`))
    .status;
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
