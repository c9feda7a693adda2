// What k8s_sync asks the API server for, on a real cluster: a selector of one name (a watch run
// for one object) lists only that object, on the source and on the target, instead of the whole
// namespace; a selector of several names or none lists the namespace.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import type { KubeClient } from '../../../src/kube/client.ts';
import { readSource } from '../../../src/modules/kube/k8s-sync-source.ts';
import { listTarget } from '../../../src/modules/kube/k8s-sync-prepare.ts';
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
});
