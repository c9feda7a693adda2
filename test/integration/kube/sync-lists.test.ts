// What k8s_sync asks the API server for, on a real cluster: a selector of one name (a watch run
// for one object) lists only that object, on the source and on the target, instead of the whole
// namespace; a selector of several names or none lists the namespace. The target's lists go out
// while the source is still being read, unless the task renames what it copies.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import type { KubeClient } from '../../../src/kube/client.ts';
import { readSource } from '../../../src/modules/kube/k8s-sync-source.ts';
import {
  keyOf,
  listTarget,
  namespaceListScope,
  startTargetLists,
} from '../../../src/modules/kube/k8s-sync-prepare.ts';
import { k8sSyncModule } from '../../../src/modules/kube/k8s-sync.module.ts';
import { seedKubeClient } from '../../../src/kube/client-cache.ts';
import { sandboxClusters } from '../../support/clusters.ts';
import { ok } from '../../support/kube-api.ts';
import { sandboxClient } from '../../support/kube-client.ts';
import { moduleContext } from '../../support/module-context.ts';

const sandbox = await sandboxClusters({ after }, { clusters: 1 });
const east = sandbox.cluster('east');

/** A client of east that records the field selector of every list it sends. */
function recordingClient(t: TestContext): { client: ReturnType<typeof sandboxClient>; lists: string[] } {
  const client = sandboxClient(t, east);
  const lists: string[] = [];
  const get = client.get.bind(client);
  client.get = ((path: string, query?: Record<string, unknown>) => {
    if (query && 'limit' in query) lists.push(`${path} ${String(query['fieldSelector'] ?? '(every name)')}`);
    return get(path, query as never);
  }) as typeof client.get;
  return { client, lists };
}

async function configMaps(t: TestContext): Promise<string> {
  const ns = await sandbox.namespace(t, { clusters: [east.name] });
  for (const name of ['a', 'b', 'c'])
    ok(
      await east.admin.post(`/api/v1/namespaces/${ns}/configmaps`, { metadata: { name }, data: { k: name } }),
      name,
    );
  return ns;
}

/** k8s_sync's read of east's ConfigMaps in `ns` (`names` undefined: every name). */
const readConfigMaps = (client: KubeClient, ns: string, names?: string[]) =>
  readSource(
    client,
    'east',
    [{ kind: 'ConfigMap', namespace: ns, ...(names && { names }) }],
    moduleContext(),
  );

describe('k8s_sync lists', () => {
  it('only the one named object when a selector names one', async (t) => {
    const ns = await configMaps(t);
    const { client, lists } = recordingClient(t);
    const read = await readConfigMaps(client, ns, ['b']);
    assert.deepEqual(
      read.objects.map((o) => o.metadata?.name),
      ['b'],
    );
    const live = await listTarget(client, read.objects, read.scopes);
    assert.deepEqual(
      [...live.objects.keys()].map((k) => k.split('|').at(-1)),
      ['b'],
    );
    assert.deepEqual(lists, [
      `/api/v1/namespaces/${ns}/configmaps metadata.name=b`,
      `/api/v1/namespaces/${ns}/configmaps metadata.name=b`,
    ]);
  });

  it('the whole namespace when a selector names several or none', async (t) => {
    const ns = await configMaps(t);
    const { client, lists } = recordingClient(t);
    const two = await readConfigMaps(client, ns, ['a', 'c']);
    assert.deepEqual(two.objects.map((o) => o.metadata?.name).sort(), ['a', 'c']);
    const all = await readConfigMaps(client, ns);
    assert.ok(['a', 'b', 'c'].every((n) => all.objects.some((o) => o.metadata?.name === n)));
    const live = await listTarget(client, two.objects, two.scopes);
    assert.equal(live.objects.size >= 3, true, 'the target list is the namespace');
    assert.deepEqual(lists, Array(3).fill(`/api/v1/namespaces/${ns}/configmaps (every name)`));
  });

  it("for create_namespace, only the selectors' namespace when they name one, else every namespace", async (t) => {
    const ns = await configMaps(t);
    const { client, lists } = recordingClient(t);
    const scope = (namespaces: string[] | undefined) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespaced: true,
      namespaces,
    });
    const one = [scope([ns])];
    const live = await listTarget(client, [], [...one, namespaceListScope(one)]);
    assert.equal(live.singleNames.get('Namespace'), ns);
    assert.ok(live.objects.has(keyOf('Namespace', undefined, ns)), [...live.objects.keys()].join(', '));
    const two = [scope([ns]), scope(['default'])];
    const everywhere = [scope(undefined)];
    for (const scopes of [two, everywhere]) {
      const wide = await listTarget(client, [], [...scopes, namespaceListScope(scopes)]);
      assert.equal(wide.wholeKinds.has('Namespace'), true);
    }
    assert.deepEqual(
      lists.filter((l) => l.startsWith('/api/v1/namespaces ')),
      [
        `/api/v1/namespaces metadata.name=${ns}`,
        '/api/v1/namespaces (every name)',
        '/api/v1/namespaces (every name)',
      ],
    );
  });
});

/**
 * k8s_sync from host `origin` to host `east`, both east's cluster, through clients that log each
 * list sent and answered. The source's lists are held until the target has sent a list (at most
 * `holdMs`), so a target that waits for the source shows up as lists after the source's answers.
 */
async function syncThroughGate(
  t: TestContext,
  args: Record<string, unknown>,
  holdMs = 3000,
): Promise<{ log: string[]; result: Record<string, unknown> }> {
  const log: string[] = [];
  let targetListed: () => void = () => undefined;
  const firstTargetList = new Promise<void>((resolve) => (targetListed = resolve));
  const logged = (who: 'source' | 'target', hold: boolean): KubeClient => {
    const client = sandboxClient(t, east);
    const get = client.get.bind(client);
    client.get = (async (path: string, query?: Record<string, unknown>) => {
      const listing = Boolean(query && 'limit' in query);
      if (!listing) return get(path, query as never);
      const what = `${who} ${path} ${String(query?.['fieldSelector'] ?? '(every name)')}`;
      log.push(`sent ${what}`);
      if (who === 'target') targetListed();
      if (hold) await Promise.race([firstTargetList, new Promise((r) => setTimeout(r, holdMs))]);
      const answer = await get(path, query as never);
      log.push(`answered ${what}`);
      return answer;
    }) as typeof client.get;
    client.withScope = () => client;
    return client;
  };
  const context = moduleContext({}, {}, { origin: {} });
  seedKubeClient(context.services.runCache, 'origin', logged('source', true));
  seedKubeClient(context.services.runCache, 'east', logged('target', false));
  const result = await k8sSyncModule.run({ from: 'origin', conflict: 'skip', ...args } as never, context);
  return { log, result: result as Record<string, unknown> };
}

describe('k8s_sync reading the source and the target', () => {
  it('lists the target (its Namespaces too, for create_namespace) while the source is read', async (t) => {
    const ns = await configMaps(t);
    const { log, result } = await syncThroughGate(t, {
      objects: [
        { kind: 'ConfigMap', namespace: ns },
        { kind: 'ConfigMap', namespace: ns, names: ['b'] },
      ],
      create_namespace: true,
    });
    assert.equal(result['failed'], undefined, String(result['msg']));
    const firstAnswer = log.findIndex((l) => l.startsWith('answered source'));
    assert.ok(firstAnswer > 0, log.join('\n'));
    assert.deepEqual(
      log.slice(0, firstAnswer).filter((l) => l.startsWith('sent target')),
      [
        `sent target /api/v1/namespaces/${ns}/configmaps (every name)`,
        // Only the selectors' one namespace, not every namespace of the cluster.
        `sent target /api/v1/namespaces metadata.name=${ns}`,
      ],
      `the target's list was sent before any answer from the source:\n${log.join('\n')}`,
    );
    assert.equal(
      log.filter((l) => l.startsWith('sent source')).length,
      2,
      'both selectors were read (at once: the first was held until the target listed)',
    );
    assert.equal(
      log.filter((l) => l.startsWith('sent target')).length,
      2,
      'each kind was listed once on the target: create_namespace did not list the Namespaces again',
    );
  });

  it('lists the target after the read when the task renames (the new names change the list)', async (t) => {
    const ns = await configMaps(t);
    const { log } = await syncThroughGate(
      t,
      { objects: [{ kind: 'ConfigMap', namespace: ns, names: ['b'] }], name_prefix: 'copy-' },
      300,
    );
    assert.deepEqual(
      log.filter((l) => l.includes('target')),
      [
        `sent target /api/v1/namespaces/${ns}/configmaps (every name)`,
        `answered target /api/v1/namespaces/${ns}/configmaps (every name)`,
      ],
    );
    assert.ok(
      log.indexOf(`answered source /api/v1/namespaces/${ns}/configmaps metadata.name=b`) <
        log.indexOf(`sent target /api/v1/namespaces/${ns}/configmaps (every name)`),
      log.join('\n'),
    );
  });
});

/** A client of east as a service account that may only read ConfigMaps in `ns` (real RBAC). */
async function configMapReader(t: TestContext, ns: string): Promise<KubeClient> {
  const rbac = '/apis/rbac.authorization.k8s.io/v1';
  ok(
    await east.admin.post(`/api/v1/namespaces/${ns}/serviceaccounts`, { metadata: { name: 'reader' } }),
    'sa',
  );
  ok(
    await east.admin.post(`${rbac}/namespaces/${ns}/roles`, {
      metadata: { name: 'reader' },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }],
    }),
    'role',
  );
  ok(
    await east.admin.post(`${rbac}/namespaces/${ns}/rolebindings`, {
      metadata: { name: 'reader' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: ns }],
    }),
    'role binding',
  );
  const request = ok(
    await east.admin.post(`/api/v1/namespaces/${ns}/serviceaccounts/reader/token`, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { expirationSeconds: 600 },
    }),
    'token request',
  );
  const tokenFile = join(await mkdtemp(join(tmpdir(), 'mcsync-reader-')), 'token');
  await writeFile(tokenFile, (request.json as { status: { token: string } }).status.token);
  const client = sandboxClient(t, east, { tokenFile });
  for (let tries = 0; ; tries++) {
    const res = await client
      .request({ method: 'GET', path: `/api/v1/namespaces/${ns}/configmaps` })
      .catch((e: Error) => e);
    if (!(res instanceof Error)) return client;
    if (tries > 50) throw res;
    await new Promise((r) => setTimeout(r, 200)); // the role binding reaches the authorizer
  }
}

describe('create_namespace on a target that may not list Namespaces', () => {
  it('leaves the Namespaces unlisted instead of failing the task; a selected Namespace kind still fails', async (t) => {
    const ns = await configMaps(t);
    const reader = await configMapReader(t, ns);
    const configMapScope = { apiVersion: 'v1', kind: 'ConfigMap', namespaced: true, namespaces: [ns] };
    const scopes = [configMapScope, namespaceListScope([configMapScope])];
    for (const early of [undefined, startTargetLists(Promise.resolve(reader), scopes)]) {
      const live = await listTarget(reader, [], scopes, early);
      assert.deepEqual([...live.listedKinds], ['ConfigMap']);
      assert.equal(
        live.wholeKinds.has('Namespace'),
        false,
        'create_namespace lists them itself, and says why it cannot',
      );
    }
    await assert.rejects(
      listTarget(reader, [], [{ ...namespaceListScope([]), listOnly: false }]),
      /forbidden/i,
      'a Namespace selector the target refuses fails as before',
    );
  });
});
