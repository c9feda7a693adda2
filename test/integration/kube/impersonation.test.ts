// Impersonation on a real sandbox cluster, proven by RBAC: the admin token acting as a user (or
// group) bound only to `view` reads, and is refused writes with a message naming that user.
// Once from host variables (impersonate_user), once from a kubeconfig user (as, as-groups).
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { stringify } from 'yaml';
import { sandboxClusters } from '../../support/clusters.ts';
import { ok } from '../../support/kube-api.ts';
import { runPlay, tempProject, writeConfigMapTask } from '../../support/play.ts';

const sandbox = await sandboxClusters({ after }, { clusters: 1 });
const east = sandbox.cluster('east');

async function bindView(ns: string, subject: { kind: 'User' | 'Group'; name: string }): Promise<void> {
  ok(
    await east.admin.post(`/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, {
      metadata: { name: `view-${subject.name}` },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', ...subject }],
    }),
    'rolebinding',
  );
}

const readTask = (ns: string) => ({
  name: 'read',
  k8s_info: { kind: 'ConfigMap', namespace: ns },
  register: 'found',
});
const writeTask = (ns: string) => writeConfigMapTask(ns, 'nope', { a: 'b' });

/** Runs one play of `tasks` on east with the given host variables (and files). */
async function play(
  t: TestContext,
  hostVars: Record<string, unknown>,
  tasks: unknown[],
  files: Record<string, unknown> = {},
): Promise<{ code: number; output: string }> {
  const dir = await tempProject(t, {
    ...files,
    'play.yml': [{ name: 'impersonated', hosts: 'east', gather_facts: false, tasks }],
  });
  const vars = Object.fromEntries(
    Object.entries(hostVars).map(([k, v]) => [k, typeof v === 'string' ? v.replace('DIR', dir) : v]),
  );
  const inventory = join(dir, 'inventory.yml');
  await writeFile(inventory, stringify({ all: { hosts: { east: vars } } }));
  const run = await runPlay(['-i', inventory, join(dir, 'play.yml')], { fromSources: true });
  return { code: run.code, output: run.stdout + run.stderr };
}

describe('impersonation', () => {
  it('impersonate_user: a user bound to view reads, and a write is refused naming that user', async (t) => {
    const ns = await sandbox.namespace(t, { clusters: ['east'] });
    await bindView(ns, { kind: 'User', name: 'jane' });
    const vars = {
      api_url: east.apiUrl,
      token_file: east.adminTokenFile,
      ca_file: east.caFile,
      impersonate_user: 'jane',
    };
    const read = await play(t, vars, [readTask(ns)]);
    assert.equal(read.code, 0, read.output);
    const write = await play(t, vars, [writeTask(ns)]);
    assert.equal(write.code, 2, write.output);
    assert.match(
      write.output,
      /forbidden: user 'jane' cannot (create|patch|apply) configmaps( 'nope')? in namespace/,
    );
    assert.equal((await east.admin.get(`/api/v1/namespaces/${ns}/configmaps/nope`)).status, 404);
    const admin = await play(t, { ...vars, impersonate_user: '' }, [writeTask(ns)]);
    assert.equal(admin.code, 0, `without impersonation the admin token writes: ${admin.output}`);
  });

  it("a kubeconfig user's as and as-groups: the group's view binding reads, a write names the user", async (t) => {
    const ns = await sandbox.namespace(t, { clusters: ['east'] });
    await bindView(ns, { kind: 'Group', name: 'auditors' });
    const kubeconfig = {
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'east',
      clusters: [{ name: 'east', cluster: { server: east.apiUrl, 'certificate-authority': east.caFile } }],
      users: [
        {
          name: 'admin-as-bob',
          user: { tokenFile: east.adminTokenFile, as: 'bob', 'as-groups': ['auditors'] },
        },
      ],
      contexts: [{ name: 'east', context: { cluster: 'east', user: 'admin-as-bob' } }],
    };
    const vars = { kubeconfig: 'DIR/kubeconfig.yml', context: 'east' };
    const files = { 'kubeconfig.yml': stringify(kubeconfig) };
    const read = await play(t, vars, [readTask(ns)], files);
    assert.equal(read.code, 0, read.output);
    const write = await play(t, vars, [writeTask(ns)], files);
    assert.equal(write.code, 2, write.output);
    assert.match(write.output, /forbidden: user 'bob' cannot (create|patch|apply) configmaps/);
  });

  it('impersonate_groups without impersonate_user is refused before anything is sent', async (t) => {
    const vars = {
      api_url: east.apiUrl,
      token_file: east.adminTokenFile,
      ca_file: east.caFile,
      impersonate_groups: 'a,b',
    };
    const run = await play(t, vars, [readTask('default')]);
    assert.notEqual(run.code, 0);
    assert.match(
      run.output,
      /impersonate_groups \(or as-groups\) needs a user to impersonate; set impersonate_user/,
    );
  });
});
