// Helpers for the role and playbook tests: run the real CLI (built dist/) against the sandbox
// inventory, seed a master the way `npm run demo` does, write throwaway playbooks.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { stringify } from 'yaml';
import type { JsonDocument } from '../../../src/report/json-renderer.ts';
import { ok } from '../../support/kube-api.ts';
import type { SandboxClusterHandle } from '../../support/clusters.ts';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface PlayRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Parsed `--output json` document (undefined for other outputs or when it did not parse). */
  doc: JsonDocument | undefined;
}

/** Runs `node bin/mcsync-play.js ARGS` from the repository root (roles/ found there). */
export function mcsyncPlay(args: readonly string[]): Promise<PlayRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'mcsync-play.js'), ...args], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1' },
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
      resolve({ code: code ?? -1, stdout, stderr, doc });
    });
  });
}

/** A temporary directory with the given files (objects are written as YAML), removed after `t`. */
export async function project(t: TestContext, files: Record<string, unknown>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mcsync-roles-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  for (const [name, content] of Object.entries(files)) {
    await writeFile(path.join(dir, name), typeof content === 'string' ? content : stringify(content));
  }
  return dir;
}

/** Changed counts per host from a JSON run. */
export function changedPerHost(run: PlayRun): Record<string, number | undefined> {
  return Object.fromEntries(Object.entries(run.doc?.recap ?? {}).map(([h, r]) => [h, r.changed]));
}

/** Deletes namespace `ns` on every cluster after `t` (sync creates it on the targets). */
export function cleanupNamespace(
  t: TestContext,
  clusters: readonly SandboxClusterHandle[],
  ns: string,
): void {
  t.after(async () => {
    await Promise.all(clusters.map((c) => c.admin.delete(`/api/v1/namespaces/${ns}`).catch(() => undefined)));
  });
}

/**
 * Seeds `ns` on the master like `npm run demo`: an ImageStream `app` annotated sync=me, a
 * dockercfg Secret `registry-dockercfg` linked to ServiceAccount `deployer`.
 */
export async function seedMaster(master: SandboxClusterHandle, ns: string): Promise<void> {
  const apply = async (apiPath: string, body: Record<string, unknown>): Promise<void> => {
    ok(await master.admin.apply(apiPath, body), `seed ${apiPath}`);
  };
  await apply(`/api/v1/namespaces/${ns}`, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: ns, annotations: { 'openshift.io/display-name': 'mcsync demo' } },
  });
  const dockercfg = JSON.stringify({
    [master.registry]: { auth: 'bWNzeW5jOnNlY3JldA==', email: 'demo@example.com' },
  });
  await apply(`/apis/image.openshift.io/v1/namespaces/${ns}/imagestreams/app`, {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { name: 'app', namespace: ns, annotations: { sync: 'me' } },
    spec: {
      tags: [{ name: 'latest', from: { kind: 'DockerImage', name: `${master.registry}/demo/app:1` } }],
    },
  });
  await apply(`/api/v1/namespaces/${ns}/secrets/registry-dockercfg`, {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/dockercfg',
    metadata: { name: 'registry-dockercfg', namespace: ns },
    data: { '.dockercfg': Buffer.from(dockercfg).toString('base64') },
  });
  await apply(`/api/v1/namespaces/${ns}/serviceaccounts/deployer`, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'deployer', namespace: ns },
    imagePullSecrets: [{ name: 'registry-dockercfg' }],
  });
}
