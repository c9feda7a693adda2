// Helpers for the role and playbook tests: run the real CLI (built dist/) against the sandbox
// inventory, seed a master the way `npm run demo` does, write throwaway playbooks.
import type { TestContext } from 'node:test';
import { ok } from '../../support/kube-api.ts';
import type { SandboxClusterHandle } from '../../support/clusters.ts';
import { repoRoot, runPlay, tempProject } from '../../support/play.ts';
import type { PlayRun } from '../../support/play.ts';

export { repoRoot };
/** One implementation for every suite: test/support/namespaces.ts. */
export { cleanupNamespace } from '../../support/namespaces.ts';
export type { PlayRun };

/** Runs `node bin/mcsync-play.js ARGS` from the repository root (roles/ found there). */
export function mcsyncPlay(args: readonly string[]): Promise<PlayRun> {
  return runPlay(args);
}

/** A temporary directory with the given files (objects are written as YAML), removed after `t`. */
export function project(t: TestContext, files: Record<string, unknown>): Promise<string> {
  return tempProject(t, files, 'mcsync-roles-');
}

/** Changed counts per host from a JSON run. */
export function changedPerHost(run: PlayRun): Record<string, number | undefined> {
  return Object.fromEntries(Object.entries(run.doc?.recap ?? {}).map(([h, r]) => [h, r.changed]));
}

/** Creates (applies) namespace `ns`, without annotations, on `cluster`; `what` names it in a failure. */
export async function namespaceOn(cluster: SandboxClusterHandle, ns: string, what: string): Promise<void> {
  const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } };
  ok(await cluster.admin.apply(`/api/v1/namespaces/${ns}`, namespace), what);
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
