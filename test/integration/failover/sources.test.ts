// Where the failover role gets its inputs: the HubPool read from a cluster as a custom resource
// (hubpool_ref), and backups served over HTTPS by a local server with the sandbox CA. Periods are
// 200 ms; the sandbox fault hooks kill and start API servers.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { cleanupNamespace } from '../../support/namespaces.ts';
import { ok } from '../../support/kube-api.ts';
import { waitFor } from '../observe/helpers.ts';
import {
  backupManifests,
  configMapNames,
  failoverPlay,
  failoverHubs,
  failoverResult,
  poolName,
  project,
  recordOn,
  repoRoot,
} from './helpers.ts';
import { selfSignedCert } from '../../support/self-signed.ts';
import { sandboxServingCert, startHttpsFileServer } from './https-server.ts';

const { sandbox, east, west, south, hubPool, mailsFor, kill } = await failoverHubs({ after });
const API = '/apis/rhacm-mirror.openshift.io/v1alpha1';

/** The seed's document as a HubPool custom resource in `ns` (alert settings under spec). */
async function createHubPool(ns: string, document: Record<string, unknown>): Promise<string> {
  const meta = document['metadata'] as { name: string };
  const body = {
    apiVersion: document['apiVersion'],
    kind: 'HubPool',
    metadata: { name: meta.name, namespace: ns, labels: { app: 'rhacm-mirror' } },
    spec: { ...(document['spec'] as object), alert: document['alert'] },
  };
  for (const c of sandbox.clusters)
    ok(await c.admin.post(`${API}/namespaces/${ns}/hubpools`, body), `HubPool on ${c.name}`);
  return meta.name;
}

describe('the HubPool read from a cluster (hubpool_ref)', () => {
  let ns = '';
  before(async () => {
    // The CRD the role ships, applied as a user would, then the API must serve the kind.
    const text = await readFile(path.join(repoRoot, 'roles/failover/files/hubpool-crd.yaml'), 'utf8');
    const crd = parseAllDocuments(text)[0]?.toJS() as { metadata: { name: string } };
    for (const c of sandbox.clusters) {
      ok(
        await c.admin.apply(
          `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`,
          crd,
        ),
        `CRD on ${c.name}`,
      );
      await waitFor(
        `hubpools served by ${c.name}`,
        async () => (await c.admin.get(`${API}/hubpools`)).status === 200,
      );
    }
    ns = poolName('rhacm-mirror');
    for (const c of sandbox.clusters)
      ok(
        await c.admin.post('/api/v1/namespaces', {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: ns },
        }),
        `namespace on ${c.name}`,
      );
  });
  after(() => Promise.all(sandbox.clusters.map((c) => c.admin.delete(`/api/v1/namespaces/${ns}`))));

  it('reads the seed HubPool custom resource from the first hub that answers and fails over with it', async (t) => {
    const name = poolName('cr');
    const restored = `restored-${name}`;
    cleanupNamespace(t, sandbox.clusters, restored);
    const dir = await project(t, {});
    const store = path.join(dir, 'backups', 'acm-backup-20240101');
    await mkdir(store, { recursive: true });
    await writeFile(path.join(store, 'objects.yaml'), backupManifests(restored, 2));
    await createHubPool(
      ns,
      hubPool({ name, leader: 'east', backup: { url: path.dirname(store), protocol: 'file' } }),
    );
    // east is the first host of group hubs and the leader: it cannot answer, west gives the pool.
    await kill(t, east);
    const run = await failoverPlay(['-i', sandbox.inventoryFile, '-e', `hubpool_ref=${ns}/${name}`]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const result = failoverResult(run);
    assert.equal(result['source'], `HubPool ${ns}/${name} on west`);
    assert.deepEqual(
      [result['outcome'], result['leader'], result['previous_leader'], result['epoch']],
      ['failed_over', 'west', 'east', 1],
      String(result['msg']),
    );
    assert.equal((await recordOn(south, name))?.['leader'], 'west');
    assert.deepEqual(await configMapNames(west, restored), ['cm-0', 'cm-1']);
    assert.equal(mailsFor(name).length, 1);
  });

  it('a bad HubPool custom resource fails the task naming each field and the object', async (t) => {
    const document = hubPool({ name: poolName('badcr'), leader: 'east' });
    const spec = document['spec'] as Record<string, unknown>;
    spec['ping_period'] = 'soon';
    spec['ping_fails_acceptible'] = 3;
    const name = await createHubPool(ns, document);
    const ref = JSON.stringify({ hubpool_ref: { host: 'south', namespace: ns, name } });
    const dir = await project(t, {});
    const run = await failoverPlay([
      '-i',
      sandbox.inventoryFile,
      '-e',
      ref,
      '-e',
      `hubpool_file=${dir}/x.yml`,
    ]);
    assert.notEqual(run.code, 0);
    const all = (run.stdout + run.stderr).replaceAll('\\"', '"');
    const object = `HubPool ${ns}/${name} on south`;
    assert.ok(
      all.includes(`${object}: spec.ping_period: expected a duration like 2m, 30s or 500ms, got "soon"`),
      all,
    );
    assert.ok(all.includes(`${object}: spec.ping_fails_acceptible: unknown field`), all);
    assert.doesNotMatch(all, /x\.yml/, 'hubpool_ref must win over hubpool_file');
    for (const c of sandbox.clusters) assert.equal(await recordOn(c, name), undefined, c.name);
  });

  it('a HubPool that no hub has: the error names the object and every hub asked', async () => {
    const run = await failoverPlay(['-i', sandbox.inventoryFile, '-e', `hubpool_ref=${ns}/absent`]);
    assert.notEqual(run.code, 0);
    const all = run.stdout + run.stderr;
    assert.ok(
      all.includes(
        `hubpool_ref: cannot read HubPool ${ns}/absent (east: not found; west: not found; south: not found)`,
      ),
      all,
    );
  });
});

describe('backups over HTTPS', () => {
  const token = 'backup-token-5f3c9a';

  async function httpsPool(
    t: TestContext,
    name: string,
    origin: string,
    ca: string,
  ): Promise<{ dir: string; args: string[] }> {
    const dir = await project(t, { 'creds.yml': { token } });
    const backup = {
      url: `${origin}/backups/latest.yaml`,
      protocol: 'https',
      ca_file: ca,
      credentials: { file: `${dir}/creds.yml` },
    };
    await writeFile(
      path.join(dir, 'hubpool.yml'),
      JSON.stringify(hubPool({ name, leader: 'south', backup })),
    );
    return { dir, args: ['-i', sandbox.inventoryFile, '-e', `hubpool_file=${dir}/hubpool.yml`] };
  }

  it('restores the backup the URL redirects to, over TLS verified with the sandbox CA and a token', async (t) => {
    const name = poolName('https');
    const ns = `restored-${name}`;
    cleanupNamespace(t, sandbox.clusters, ns);
    const server = await startHttpsFileServer({
      tls: await sandboxServingCert(sandbox.dir),
      token,
      routes: {
        '/backups/latest.yaml': { redirect: '/backups/hub-20240102.yaml' },
        '/backups/hub-20240101.yaml': { body: backupManifests(`${ns}-old`, 1) },
        '/backups/hub-20240102.yaml': { body: backupManifests(ns, 3) },
      },
    });
    t.after(() => server.close());
    const { args } = await httpsPool(t, name, server.origin, east.caFile);
    await kill(t, south);
    const run = await failoverPlay(args);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const result = failoverResult(run);
    assert.deepEqual([result['outcome'], result['leader']], ['failed_over', 'east'], String(result['msg']));
    const restore = result['restore'] as { backup: string; objects: number; created: number };
    assert.equal(restore.backup, `${server.origin}/backups/hub-20240102.yaml`);
    assert.deepEqual([restore.objects, restore.created], [5, 5]);
    assert.deepEqual(await configMapNames(east, ns), ['cm-0', 'cm-1', 'cm-2']);
    assert.deepEqual(await configMapNames(east, `${ns}-old`), []);
    assert.deepEqual(server.requests, [
      { path: '/backups/latest.yaml', auth: 'bearer-ok' },
      { path: '/backups/hub-20240102.yaml', auth: 'bearer-ok' },
    ]);
    assert.ok(!(run.stdout + run.stderr).includes(token), 'the token was printed');
    assert.equal(mailsFor(name).length, 1);
  });

  it('a server whose certificate the CA did not sign: nothing is sent to it, the restore fails with what to do', async (t) => {
    const name = poolName('untrusted');
    const server = await startHttpsFileServer({
      tls: selfSignedCert(),
      token,
      routes: { '/backups/latest.yaml': { body: backupManifests(`restored-${name}`, 1) } },
    });
    t.after(() => server.close());
    const { args } = await httpsPool(t, name, server.origin, east.caFile);
    await kill(t, south);
    const run = await failoverPlay(args);
    assert.notEqual(run.code, 0, 'a failed restore fails the task');
    const result = failoverResult(run);
    assert.deepEqual([result['outcome'], result['leader']], ['failed_over', 'east']);
    assert.equal(result['restore'], null);
    const expected = `restore failed: backup_location: GET ${server.origin}/backups/latest.yaml: the server's TLS certificate is not trusted (self-signed certificate); set backup_location.ca_file to the PEM of the CA that signed it`;
    assert.ok(String(result['msg']).includes(expected), String(result['msg']));
    assert.deepEqual(server.requests, [], 'the server got a request (and the token) over untrusted TLS');
    assert.deepEqual(await configMapNames(east, `restored-${name}`), []);
    const mails = mailsFor(name);
    assert.equal(mails.length, 1, 'the alert still goes out');
    assert.match(mails[0]?.raw ?? '', /restore FAILED/);
  });
});
