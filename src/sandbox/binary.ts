import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SandboxError } from './errors.ts';

/** The repository root: this file is src/sandbox/binary.ts or dist/sandbox/binary.js. */
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The cluster binary and the Kubernetes release it was built from. */
export interface ClusterBinary {
  path: string;
  kubernetesVersion: string;
}

/** The Kubernetes version pinned in tools/sandbox-cluster/go.mod. */
export async function pinnedKubernetesVersion(): Promise<string> {
  const goMod = await readFile(path.join(REPO_ROOT, 'tools', 'sandbox-cluster', 'go.mod'), 'utf8');
  const match = /^\s*k8s\.io\/kubernetes (v1\.\d+\.\d+)/m.exec(goMod);
  if (!match?.[1]) throw new SandboxError('tools/sandbox-cluster/go.mod does not pin k8s.io/kubernetes');
  return match[1];
}

function runBuildScript(args: readonly string[]): Promise<{ code: number | null; path: string }> {
  const script = path.join(REPO_ROOT, 'scripts', 'build-sandbox-cluster.sh');
  return new Promise((resolve, reject) => {
    const child = spawn(script, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, path: stdout.trim().split('\n').pop() ?? '' }));
  });
}

/**
 * True when no build is needed (binary cached for the current sources, or
 * MCSYNC_SANDBOX_BINARY set), so `go` need not be installed.
 */
export async function clusterBinaryCached(): Promise<boolean> {
  if (process.env.MCSYNC_SANDBOX_BINARY) return true;
  return (await runBuildScript(['--cached-only'])).code === 0;
}

/**
 * Returns the cluster binary, building it first when the cache has none for
 * the current sources (scripts/build-sandbox-cluster.sh; a cold build takes
 * minutes and its progress goes to stderr). MCSYNC_SANDBOX_BINARY overrides
 * the path, e.g. for a binary built elsewhere.
 */
export async function ensureClusterBinary(): Promise<ClusterBinary> {
  const kubernetesVersion = await pinnedKubernetesVersion();
  const override = process.env.MCSYNC_SANDBOX_BINARY;
  if (override) return { path: path.resolve(override), kubernetesVersion };
  const result = await runBuildScript([]);
  if (result.code !== 0 || !result.path) {
    throw new SandboxError(
      `building the sandbox cluster binary failed (exit ${result.code}); see the output above`,
    );
  }
  return { path: result.path, kubernetesVersion };
}
