// kubeconfig exec plugins on real sandbox clusters: `mcsync observe --playbook` syncs to a slave
// whose only credential is a plugin that mints short-lived service-account tokens (TokenRequest,
// bound to a Secret the test deletes once the token is reported expired, so an old token really
// stops working). The observer keeps syncing across two expiries, running the plugin again each
// time, and a token revoked early is replaced after one 401.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { stringify } from 'yaml';
import { sandboxClusters } from '../../support/clusters.ts';
import type { SandboxClusterHandle } from '../../support/clusters.ts';
import { kubeApi, ok } from '../../support/kube-api.ts';
import {
  imageStreamStatus,
  putImageStream,
  readiness,
  scripts,
  startObserver,
  waitFor,
} from '../observe/helpers.ts';

const sandbox = await sandboxClusters({ after }, { clusters: 2 });
const east = sandbox.cluster('east');
const west = sandbox.cluster('west');
/** Generous: the first run loads the kube client and runs the plugin, on a loaded machine too. */
const SYNC_MS = 60_000;

/**
 * The plugin: learns the API server from KUBERNETES_EXEC_INFO (provideClusterInfo), makes a
 * Secret, asks for a token bound to it, records the run, and prints an ExecCredential whose
 * expirationTimestamp is LIFETIME_MS away (the token itself lives 600 s, the API's minimum).
 */
const PLUGIN = `
import { appendFileSync, readFileSync } from 'node:fs';
import https from 'node:https';
const info = JSON.parse(process.env.KUBERNETES_EXEC_INFO);
const cluster = info.spec.cluster;
const ca = Buffer.from(cluster['certificate-authority-data'], 'base64');
const admin = readFileSync(process.env.ADMIN_TOKEN_FILE, 'utf8').trim();
const [ns, sa] = process.argv.slice(2);
function call(method, path, body) {
  return new Promise((resolve, reject) => {
    const req = https.request(cluster.server + path, {
      method, ca, headers: { authorization: 'Bearer ' + admin, 'content-type': 'application/json' },
    }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => (res.statusCode < 300 ? resolve(JSON.parse(text)) : reject(new Error(method + ' ' + path + ' ' + res.statusCode + ' ' + text))));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}
const secret = await call('POST', '/api/v1/namespaces/' + ns + '/secrets', { metadata: { generateName: 'exec-bound-' } });
const request = await call('POST', '/api/v1/namespaces/' + ns + '/serviceaccounts/' + sa + '/token', {
  apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest',
  spec: { expirationSeconds: 600, boundObjectRef: { apiVersion: 'v1', kind: 'Secret', name: secret.metadata.name, uid: secret.metadata.uid } },
});
const expires = Date.now() + Number(process.env.LIFETIME_MS);
appendFileSync(process.env.RUNS, JSON.stringify({ at: Date.now(), secret: secret.metadata.name, expires, token: request.status.token, interactive: info.spec.interactive }) + '\\n', { mode: 0o600 });
process.stdout.write(JSON.stringify({
  apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential',
  status: { token: request.status.token, expirationTimestamp: new Date(expires).toISOString() },
}));
`;

interface PluginRun {
  at: number;
  secret: string;
  expires: number;
  token: string;
  interactive: boolean;
}

async function runsOf(file: string): Promise<PluginRun[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as PluginRun);
}

/**
 * A namespace on both clusters, a service account on west allowed to sync (cluster-admin), an
 * inventory with east (admin token) as master and west reached only through the exec plugin.
 */
async function setup(t: TestContext, lifetimeMs: number): Promise<{ ns: string; dir: string; runs: string }> {
  const ns = await sandbox.namespace(t, { clusters: ['east', 'west'] });
  ok(
    await west.admin.post(`/api/v1/namespaces/${ns}/serviceaccounts`, { metadata: { name: 'syncer' } }),
    'sa',
  );
  const binding = `exec-syncer-${ns}`;
  ok(
    await west.admin.post('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      metadata: { name: binding },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name: 'syncer', namespace: ns }],
    }),
    'binding',
  );
  t.after(() => west.admin.delete(`/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${binding}`));
  const dir = await scripts({ 'plugin.mjs': PLUGIN });
  const runs = join(dir, 'runs.jsonl');
  const kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'west-exec',
    clusters: [{ name: 'west', cluster: { server: west.apiUrl, 'certificate-authority': west.caFile } }],
    users: [
      {
        name: 'west-exec',
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1',
            command: process.execPath,
            args: [join(dir, 'plugin.mjs'), ns, 'syncer'],
            env: [
              { name: 'ADMIN_TOKEN_FILE', value: west.adminTokenFile },
              { name: 'RUNS', value: runs },
              { name: 'LIFETIME_MS', value: String(lifetimeMs) },
            ],
            interactiveMode: 'Never',
            provideClusterInfo: true,
          },
        },
      },
    ],
    contexts: [{ name: 'west-exec', context: { cluster: 'west', user: 'west-exec' } }],
  };
  await writeFile(join(dir, 'kubeconfig'), stringify(kubeconfig), { mode: 0o600 });
  const inventory = {
    all: {
      children: {
        master: {
          hosts: { east: { api_url: east.apiUrl, token_file: east.adminTokenFile, ca_file: east.caFile } },
        },
        slaves: { hosts: { west: { kubeconfig: join(dir, 'kubeconfig'), context: 'west-exec' } } },
      },
    },
  };
  await writeFile(join(dir, 'inventory.yml'), stringify(inventory));
  return { ns, dir, runs };
}

/** Deletes the Secret a token is bound to once its reported expiry has passed: it stops working. */
function revokeExpired(t: TestContext, runs: string, ns: string): void {
  const revoked = new Set<string>();
  let stopped = false;
  const loop = async (): Promise<void> => {
    while (!stopped) {
      for (const run of await runsOf(runs)) {
        if (run.expires > Date.now() || revoked.has(run.secret)) continue;
        revoked.add(run.secret);
        await west.admin.delete(`/api/v1/namespaces/${ns}/secrets/${run.secret}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const done = loop();
  t.after(async () => {
    stopped = true;
    await done;
  });
}

/** What a token can still do on a cluster: the status of a namespaced GET. */
async function statusWith(c: SandboxClusterHandle, token: string, ns: string): Promise<number> {
  const api = kubeApi({ ...c.admin.target, token });
  return (await api.get(`/api/v1/namespaces/${ns}/configmaps`)).status;
}

function observe(
  t: TestContext,
  ns: string,
  dir: string,
  health: { flag: string },
): ReturnType<typeof startObserver> {
  return startObserver(t, [
    'imagestreams',
    '-n',
    ns,
    '-i',
    join(dir, 'inventory.yml'),
    '--playbook',
    'playbooks/watch.yml',
    '--when-annotation',
    'sync=me',
    health.flag,
  ]);
}

/** Runs `step`; a failure carries what the observer printed (the plugin's errors are there). */
async function explained<T>(obs: ReturnType<typeof startObserver>, step: Promise<T>): Promise<T> {
  try {
    return await step;
  } catch (error) {
    throw new Error(
      `${(error as Error).message}\n--- observer stdout\n${obs.stdout()}\n--- stderr\n${obs.stderr()}`,
      { cause: error },
    );
  }
}

describe('kubeconfig exec plugins', () => {
  it('an observer keeps syncing across two token expiries, running the plugin again before each', async (t) => {
    const lifetimeMs = 15_000;
    const { ns, dir, runs } = await setup(t, lifetimeMs);
    revokeExpired(t, runs, ns);
    const health = await readiness();
    const obs = observe(t, ns, dir, health);
    await explained(obs, health.ready(60_000));
    for (const name of ['first', 'second', 'third']) {
      await putImageStream(east, ns, name, { sync: 'me' });
      await explained(
        obs,
        waitFor(`${name} on west`, async () => (await imageStreamStatus(west, ns, name)) === 200, SYNC_MS),
      );
      if (name === 'third') break;
      const [last] = (await runsOf(runs)).slice(-1);
      assert.ok(last, 'the plugin ran');
      // Past the reported expiry: the revoker deletes the bound Secret, the old token is dead.
      await waitFor(
        'the token to be revoked',
        async () => Date.now() > last.expires + 300,
        lifetimeMs + 2_000,
      );
    }
    const seen = await runsOf(runs);
    assert.ok(seen.length >= 3, `the plugin ran for each expiry (${seen.length} runs)`);
    assert.ok(
      seen.every((run) => run.interactive === false),
      'interactiveMode Never',
    );
    const [first] = seen;
    assert.ok(first);
    assert.equal(await statusWith(west, first.token, ns), 401, 'the first token was really revoked');
    assert.doesNotMatch(obs.stdout() + obs.stderr(), /unauthori[sz]ed/i);
    for (const run of seen)
      assert.ok(!(obs.stdout() + obs.stderr()).includes(run.token), 'no token in the output');
    obs.child.kill('SIGTERM');
    assert.equal(await obs.exited, 0, obs.stderr());
  });

  it('a token revoked before its expiry is replaced after one 401, and the sync goes on', async (t) => {
    const { ns, dir, runs } = await setup(t, 3_600_000);
    const health = await readiness();
    const obs = observe(t, ns, dir, health);
    await explained(obs, health.ready(60_000));
    await putImageStream(east, ns, 'before', { sync: 'me' });
    await explained(
      obs,
      waitFor('before on west', async () => (await imageStreamStatus(west, ns, 'before')) === 200, SYNC_MS),
    );
    const [first] = await runsOf(runs);
    assert.ok(first);
    ok(await west.admin.delete(`/api/v1/namespaces/${ns}/secrets/${first.secret}`), 'revoke');
    await waitFor(
      'the revoked token to be refused',
      async () => (await statusWith(west, first.token, ns)) === 401,
    );
    await putImageStream(east, ns, 'after', { sync: 'me' });
    await explained(
      obs,
      waitFor('after on west', async () => (await imageStreamStatus(west, ns, 'after')) === 200, SYNC_MS),
    );
    // The run line prints when the run ends, a moment after its write reached west.
    const afterRun = new RegExp(`# \\S+ (Added|Updated) east/${ns}/after exit=0`);
    await explained(
      obs,
      waitFor('the run line of after', async () => afterRun.test(obs.stdout()), SYNC_MS),
    );
    const seen = await runsOf(runs);
    assert.equal(seen.length, 2, 'one more run after the 401, not one per request');
    obs.child.kill('SIGTERM');
    assert.equal(await obs.exited, 0, obs.stderr());
  });
});
