// The k8s and k8s_info modules against real sandbox clusters: one sandbox per file (or the
// shared one from the global setup), a fresh namespace per test.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { TestContext as NodeTestContext } from 'node:test';
import { UnreachableError } from '../../../src/errors.ts';
import { closeKubeClients, KubeApiError } from '../../../src/kube/index.ts';
import type { KubeObject } from '../../../src/kube/index.ts';
import type { ModuleContext } from '../../../src/model/module.ts';
import type { ModuleResult } from '../../../src/model/result.ts';
import type { ResultDiff } from '../../../src/model/result.ts';
import { k8sInfoModule, k8sModule } from '../../../src/modules/kube/index.ts';
import type { K8sArgs, K8sInfoArgs } from '../../../src/modules/kube/index.ts';
import { sandboxClusters, type SandboxClusterHandle } from '../../support/clusters.ts';
import { moduleContext } from '../../support/module-context.ts';
import type { FakeModuleContext } from '../../support/module-context.ts';

const sandbox = await sandboxClusters({ after }, { clusters: 1 });
const east = sandbox.clusters[0] as SandboxClusterHandle;

/** A module context for `cluster` as an inventory host; its clients are closed after the test. */
function ctx(
  t: NodeTestContext,
  options: Partial<ModuleContext> = {},
  vars: Record<string, unknown> = {},
): FakeModuleContext {
  const context = moduleContext(options, {
    api_url: east.apiUrl,
    token_file: east.adminTokenFile,
    ca_file: east.caFile,
    ...vars,
  });
  t.after(() => closeKubeClients(context.services.runCache));
  return context;
}

const k8s = (args: K8sArgs, context: ModuleContext): Promise<ModuleResult> => k8sModule.run(args, context);
const info = (args: K8sInfoArgs, context: ModuleContext): Promise<ModuleResult> =>
  k8sInfoModule.run(args, context);
const actions = (result: ModuleResult): string[] =>
  (result['objects'] as { action: string }[]).map((o) => o.action);

const configMap = (
  ns: string,
  name: string,
  data: Record<string, string>,
  labels: Record<string, string> = {},
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns, labels },
  data,
});

describe('k8s state: present', () => {
  it('creates objects, then reports unchanged (changed=false) on a second apply', async (t) => {
    const ns = await sandbox.namespace(t, { clusters: [east.name] });
    const definition = [configMap(ns, 'a', { k: 'v' }), configMap(ns, 'b', { k: 'v' })];
    const first = await k8s({ definition }, ctx(t));
    assert.equal(first.changed, true);
    assert.deepEqual(actions(first), ['created', 'created']);
    const second = await k8s({ definition }, ctx(t));
    assert.equal(second.changed, false, JSON.stringify(second));
    assert.deepEqual(actions(second), ['unchanged', 'unchanged']);
    const live = (await east.admin.get(`/api/v1/namespaces/${ns}/configmaps/a`)).json as KubeObject;
    assert.equal(live.metadata?.labels?.['app.kubernetes.io/managed-by'], 'mcsync');
    const managers = (live.metadata?.['managedFields'] as { manager: string; operation: string }[]).map(
      (m) => `${m.manager}/${m.operation}`,
    );
    assert.ok(managers.includes('mcsync/Apply'), managers.join(','));
  });

  it('reports configured when a value really changes', async (t) => {
    const ns = await sandbox.namespace(t, { clusters: [east.name] });
    await k8s({ definition: configMap(ns, 'a', { k: 'v' }) }, ctx(t));
    const result = await k8s({ definition: configMap(ns, 'a', { k: 'w' }) }, ctx(t));
    assert.deepEqual([result.changed, actions(result)], [true, ['configured']]);
  });

  it('uses the namespace argument for objects that name none', async (t) => {
    const ns = await sandbox.namespace(t, { clusters: [east.name] });
    const result = await k8s(
      { namespace: ns, definition: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'n' } } },
      ctx(t),
    );
    assert.deepEqual((result['objects'] as { namespace: string }[])[0]?.namespace, ns);
    assert.equal((await east.admin.get(`/api/v1/namespaces/${ns}/configmaps/n`)).status, 200);
  });

  it('in check mode reports what would change and writes nothing, even for objects in a namespace it would create', async (t) => {
    const ns = await sandbox.namespace(t, { clusters: [east.name] });
    await k8s({ definition: configMap(ns, 'existing', { k: 'v' }) }, ctx(t));
    const newNs = `${ns}-new`;
    const definition = [
      configMap(ns, 'existing', { k: 'changed' }),
      configMap(ns, 'fresh', { k: 'v' }),
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: newNs } },
      configMap(newNs, 'inside', { k: 'v' }),
    ];
    const result = await k8s({ definition }, ctx(t, { check: true }));
    assert.equal(result.changed, true);
    assert.deepEqual(actions(result), ['created', 'configured', 'created', 'created']);
    assert.equal((await east.admin.get(`/api/v1/namespaces/${ns}/configmaps/fresh`)).status, 404);
    assert.equal((await east.admin.get(`/api/v1/namespaces/${newNs}`)).status, 404);
    const live = (await east.admin.get(`/api/v1/namespaces/${ns}/configmaps/existing`)).json as KubeObject;
    assert.deepEqual(live['data'], { k: 'v' });
    const again = await k8s({ definition: configMap(ns, 'existing', { k: 'v' }) }, ctx(t, { check: true }));
    assert.deepEqual([again.changed, actions(again)], [false, ['unchanged']]);
  });

  it('shows a diff with server fields hidden and Secret values masked', async (t) => {
    const ns = await sandbox.namespace(t, { clusters: [east.name] });
    const secret = (password: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds', namespace: ns },
      type: 'Opaque',
      stringData: { user: 'bob', password },
    });
    await k8s({ definition: secret('first-pass') }, ctx(t));
    const result = await k8s({ definition: secret('second-pass') }, ctx(t, { diff: true }));
    const [diff] = result.diff as ResultDiff[];
    assert.ok(diff);
    assert.equal(diff.header, `v1/Secret ${ns}/creds`);
    for (const text of [diff.before, diff.after]) {
      assert.doesNotMatch(
        text,
        /first-pass|second-pass|bob|Ym9i|managedFields|resourceVersion|uid:|creationTimestamp/,
      );
    }
    const line = (text: string, key: string): string | undefined =>
      text.split('\n').find((l) => l.trim().startsWith(`${key}:`));
    assert.notEqual(line(diff.before, 'password'), line(diff.after, 'password'));
    assert.equal(line(diff.before, 'user'), line(diff.after, 'user'));
  });

  it('writes a CRD and an object of its kind in one task', async (t) => {
    const ns = await sandbox.namespace(t, { clusters: [east.name] });
    const group = `${ns}.example.com`;
    t.after(
      async () =>
        void (await east.admin.delete(
          `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.${group}`,
        )),
    );
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `widgets.${group}` },
      spec: {
        group,
        scope: 'Namespaced',
        names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        ],
      },
    };
    const widget = {
      apiVersion: `${group}/v1`,
      kind: 'Widget',
      metadata: { name: 'w', namespace: ns },
      spec: { size: 3 },
    };
    const checked = await k8s({ definition: [widget, crd] }, ctx(t, { check: true }));
    assert.deepEqual(actions(checked), ['created', 'created']);
    const result = await k8s({ definition: [widget, crd] }, ctx(t));
    assert.deepEqual(actions(result), ['created', 'created']);
    assert.equal((await east.admin.get(`/apis/${group}/v1/namespaces/${ns}/widgets/w`)).status, 200);
  });

  it('applies OpenShift kinds served by CRDs (ImageStream)', async (t) => {
    const ns = await sandbox.namespace(t, { clusters: [east.name] });
    const is = {
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStream',
      metadata: { name: 'app', namespace: ns },
      spec: { lookupPolicy: { local: false } },
    };
    assert.deepEqual(actions(await k8s({ definition: is }, ctx(t))), ['created']);
    assert.deepEqual(actions(await k8s({ definition: is }, ctx(t))), ['unchanged']);
    const listed = await info(
      { api_version: 'image.openshift.io/v1', kind: 'ImageStream', namespace: ns },
      ctx(t),
    );
    assert.deepEqual(
      (listed['resources'] as KubeObject[]).map((o) => o.metadata?.name),
      ['app'],
    );
  });

  it('refuses to take over fields another manager owns unless force_conflicts is set', async (t) => {
    const ns = await sandbox.namespace(t, { clusters: [east.name] });
    await east.admin.apply(
      `/api/v1/namespaces/${ns}/configmaps/shared`,
      configMap(ns, 'shared', { owner: 'other' }),
    );
    const refused = await k8s({ definition: configMap(ns, 'shared', { owner: 'mcsync' }) }, ctx(t));
    assert.equal(refused.failed, true);
    assert.deepEqual(actions(refused), ['failed']);
    assert.match(String(refused.msg), /mcsync-test.*force_conflicts: true/s);
    const forced = await k8s(
      { definition: configMap(ns, 'shared', { owner: 'mcsync' }), force_conflicts: true },
      ctx(t),
    );
    assert.deepEqual(actions(forced), ['configured']);
  });

  it('goes on after a failed object with continue_on_error, and still fails the task', async (t) => {
    const ns = await sandbox.namespace(t, { clusters: [east.name] });
    // Service accounts are written in an earlier wave than ConfigMaps (src/kube/order.ts).
    const bad = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'Not_Valid', namespace: ns } };
    const definition = [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'later', namespace: ns } },
      bad,
    ];
    const stopped = await k8s({ definition }, ctx(t));
    assert.deepEqual(actions(stopped), ['failed']);
    const going = await k8s({ definition, continue_on_error: true }, ctx(t));
    assert.equal(going.failed, true);
    assert.deepEqual(actions(going), ['failed', 'created']);
    assert.match(String(going.msg), /Not_Valid.*HTTP 422 Invalid/);
  });

  it('names the kind, the apiVersion and the nearest served kind for a kind the cluster does not serve', async (t) => {
    const result = await k8s(
      { definition: { apiVersion: 'v1', kind: 'ConfigMapp', metadata: { name: 'x', namespace: 'default' } } },
      ctx(t),
    );
    assert.equal(result.failed, true);
    assert.match(
      String(result.msg),
      /kind 'ConfigMapp' is not served in apiVersion 'v1' by cluster east .*did you mean 'ConfigMap'\?/,
    );
  });
});

describe('k8s wait', () => {
  it('waits for readiness and fails with a clear message when a condition never holds', async (t) => {
    const ns = await sandbox.namespace(t, { clusters: [east.name] });
    const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `${ns}-w` } };
    t.after(async () => void (await east.admin.delete(`/api/v1/namespaces/${ns}-w`)));
    const ready = await k8s({ definition: namespace, wait: true }, ctx(t));
    assert.deepEqual(actions(ready), ['created']);
    await assert.rejects(
      k8s(
        {
          definition: configMap(ns, 'c', {}),
          wait: true,
          wait_condition: { type: 'Ready' },
          wait_timeout: 2,
        },
        ctx(t),
      ),
      new RegExp(`timed out after 2 s waiting for v1/ConfigMap ${ns}/c condition Ready=True`),
    );
  });
});

describe('k8s sources and connections', () => {
  it('applies a directory of manifests and a rendered template through a kubeconfig context', async (t) => {
    const ns = await sandbox.namespace(t, { clusters: [east.name] });
    const dir = await mkdtemp(path.join(tmpdir(), 'k8s-int-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    await mkdir(path.join(dir, 'manifests'));
    await writeFile(
      path.join(dir, 'manifests', 'a.yaml'),
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: bot}\n`,
    );
    await writeFile(
      path.join(dir, 'cm.yaml.hbs'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ app }}\ndata:\n  replicas: "{{ replicas }}"\n',
    );
    const context = moduleContext(
      { baseDir: dir },
      { kubeconfig: sandbox.kubeconfigFile, context: east.name, app: 'web', replicas: 2 },
    );
    t.after(() => closeKubeClients(context.services.runCache));
    const result = await k8s({ namespace: ns, src: 'manifests', template: 'cm.yaml.hbs' }, context);
    assert.equal(result.failed, undefined, String(result.msg));
    assert.deepEqual(
      (result['objects'] as { kind: string; name: string; action: string }[]).map(
        (o) => `${o.kind}/${o.name}:${o.action}`,
      ),
      ['ServiceAccount/bot:created', 'ConfigMap/a:created', 'ConfigMap/web:created'],
    );
    const web = (await east.admin.get(`/api/v1/namespaces/${ns}/configmaps/web`)).json as KubeObject;
    assert.deepEqual(web['data'], { replicas: '2' });
  });
});

describe('k8s state: absent and patched', () => {
  it('deletes, then reports unchanged for an object already gone', async (t) => {
    const ns = await sandbox.namespace(t, { clusters: [east.name] });
    await k8s({ definition: configMap(ns, 'gone', { k: 'v' }) }, ctx(t));
    const ref: K8sArgs = { state: 'absent', kind: 'ConfigMap', name: 'gone', namespace: ns };
    const checked = await k8s(ref, ctx(t, { check: true }));
    assert.deepEqual([checked.changed, actions(checked)], [true, ['deleted']]);
    assert.equal((await east.admin.get(`/api/v1/namespaces/${ns}/configmaps/gone`)).status, 200);
    assert.deepEqual(actions(await k8s({ ...ref, wait: true }, ctx(t))), ['deleted']);
    assert.equal((await east.admin.get(`/api/v1/namespaces/${ns}/configmaps/gone`)).status, 404);
    const again = await k8s(ref, ctx(t));
    assert.deepEqual([again.changed, actions(again)], [false, ['unchanged']]);
  });

  it('merge-patches existing objects only', async (t) => {
    const ns = await sandbox.namespace(t, { clusters: [east.name] });
    await k8s({ definition: configMap(ns, 'p', { a: '1' }) }, ctx(t));
    const patched = await k8s({ state: 'patched', definition: configMap(ns, 'p', { b: '2' }) }, ctx(t));
    assert.deepEqual([patched.changed, actions(patched)], [true, ['configured']]);
    const live = (await east.admin.get(`/api/v1/namespaces/${ns}/configmaps/p`)).json as KubeObject;
    assert.deepEqual(live['data'], { a: '1', b: '2' });
    const same = await k8s({ state: 'patched', definition: configMap(ns, 'p', { b: '2' }) }, ctx(t));
    assert.equal(same.changed, false);
    const missing = await k8s({ state: 'patched', definition: configMap(ns, 'nope', { b: '2' }) }, ctx(t));
    assert.deepEqual([missing.changed, actions(missing)], [false, ['missing']]);
  });
});

describe('k8s_info', () => {
  it('lists by label and field selectors across all namespaces', async (t) => {
    const ns1 = await sandbox.namespace(t, { clusters: [east.name] });
    const ns2 = await sandbox.namespace(t, { clusters: [east.name] });
    const tag = ns1.slice(-8);
    await k8s(
      {
        definition: [
          configMap(ns1, 'one', {}, { sel: tag }),
          configMap(ns2, 'two', {}, { sel: tag }),
          configMap(ns2, 'other', {}),
        ],
      },
      ctx(t),
    );
    const all = await info({ kind: 'ConfigMap', label_selectors: [`sel=${tag}`] }, ctx(t));
    const found = (all['resources'] as KubeObject[])
      .map((o) => `${o.metadata?.namespace}/${o.metadata?.name}`)
      .sort();
    assert.deepEqual(found, [`${ns1}/one`, `${ns2}/two`].sort());
    assert.equal((all['resources'] as KubeObject[])[0]?.kind, 'ConfigMap');
    const byField = await info(
      { kind: 'ConfigMap', namespace: ns2, field_selectors: 'metadata.name=other' },
      ctx(t),
    );
    assert.deepEqual(
      (byField['resources'] as KubeObject[]).map((o) => o.metadata?.name),
      ['other'],
    );
    const one = await info({ kind: 'ConfigMap', namespace: ns1, name: 'one' }, ctx(t));
    assert.equal((one['resources'] as KubeObject[]).length, 1);
    const none = await info({ api_version: 'nope.example.com/v1', kind: 'Thing' }, ctx(t));
    assert.equal(none['api_found'], false);
  });
});

describe('identities and reachability', () => {
  it('fails with a clear 401 message for a wrong token, without printing it', async (t) => {
    const token = 'definitely-not-a-valid-token';
    const context = ctx(t, {}, { token_file: undefined, token });
    const err = await k8sInfoModule
      .run({ kind: 'ConfigMap', namespace: 'default' }, context)
      .catch((e: unknown) => e);
    assert.ok(err instanceof KubeApiError, String(err));
    assert.match(
      err.message,
      /^unauthorized: cluster east .* rejected the credentials \(the inline token variable\)/,
    );
    assert.doesNotMatch(err.message, new RegExp(token));
    assert.deepEqual(context.secretValues, [token]);
  });

  it('fails with a clear 403 message naming the viewer identity', async (t) => {
    const ns = await sandbox.namespace(t, { clusters: [east.name] });
    const context = ctx(t, {}, { token_file: east.viewerTokenFile });
    const result = await k8s({ definition: configMap(ns, 'x', {}) }, context);
    assert.equal(result.failed, true);
    assert.match(
      String(result.msg),
      new RegExp(
        `forbidden: user 'viewer' cannot (create|patch) configmaps 'x' in namespace '${ns}'|forbidden: user 'viewer' cannot (create|patch) configmaps in namespace '${ns}'`,
      ),
    );
  });

  it('throws UnreachableError for a stopped cluster', async (t) => {
    const context = ctx(t);
    await info({ kind: 'Namespace', name: 'default' }, context); // warm the client and its sockets
    await sandbox.fault('stop', east.name);
    t.after(() => sandbox.fault('start', east.name));
    await assert.rejects(
      info({ kind: 'Namespace', name: 'default' }, context),
      (e: unknown) => e instanceof UnreachableError && /unreachable/.test(e.message),
    );
    await assert.rejects(info({ kind: 'Namespace', name: 'default' }, ctx(t)), UnreachableError);
  });
});
