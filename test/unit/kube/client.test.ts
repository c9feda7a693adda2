import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { UnreachableError } from '../../../src/errors.ts';
import { closeKubeClients, kubeClientFor } from '../../../src/kube/client-cache.ts';
import { KubeClient } from '../../../src/kube/client.ts';
import type { KubeConnection } from '../../../src/kube/connection.ts';
import { KubeApiError } from '../../../src/kube/errors.ts';
import { sleepSteppingClock } from '../../support/fake-clock.ts';
import type { FakeClock } from '../../support/fake-clock.ts';
import { moduleContext } from '../../support/module-context.ts';
import { json, startTlsServer, status } from './tls-server.ts';
import type { Handler, TlsServer } from './tls-server.ts';

const TOKEN = 'sekret-token-value-123';

function connection(server: TlsServer, extra: Partial<KubeConnection> = {}): KubeConnection {
  return {
    host: 'east',
    server: server.url,
    token: TOKEN,
    ca: server.ca,
    cert: undefined,
    key: undefined,
    servername: undefined,
    insecure: false,
    credentials: "token from token_file '/tmp/east.token'",
    defaultNamespace: undefined,
    ...extra,
  };
}

/** A server whose handler each test replaces. */
let handler: Handler = (_req, res) => json(res, 200, {});
let server: TlsServer;
before(async () => {
  server = await startTlsServer((req, res) => handler(req, res));
});
after(() => server.close());

function client(
  extra: Partial<KubeConnection> = {},
  clock: FakeClock = sleepSteppingClock(0),
  debug: string[] = [],
): KubeClient {
  return new KubeClient(connection(server, extra), {
    retry: { attempts: 4, baseMs: 10, capMs: 100 },
  }).withScope({
    clock,
    log: { debug: (m) => void debug.push(m), info: () => undefined, warn: () => undefined },
  });
}

describe('KubeClient transport failures', () => {
  it('reports a refused connection as UnreachableError', async () => {
    const dead = await startTlsServer(() => undefined);
    await dead.close();
    const c = new KubeClient({ ...connection(server), server: dead.url });
    await assert.rejects(
      c.get('/api'),
      (e: unknown) =>
        e instanceof UnreachableError && /east .* is unreachable: connection refused/.test(e.message),
    );
  });

  it('reports an untrusted certificate as UnreachableError that suggests ca_file', async () => {
    const c = new KubeClient({ ...connection(server), ca: undefined });
    await assert.rejects(
      c.get('/api'),
      (e: unknown) =>
        e instanceof UnreachableError && /TLS certificate is not trusted.*set ca_file/.test(e.message),
    );
  });

  it('reports a server that does not answer in time as UnreachableError', async () => {
    handler = () => undefined; // never answers
    const c = new KubeClient(connection(server), { timeoutMs: 200 });
    await assert.rejects(
      c.get('/api'),
      (e: unknown) => e instanceof UnreachableError && /timeout/.test(e.message),
    );
    c.close();
  });
});

/** A handler that refuses every request with 403 Forbidden and the apiserver's message. */
const forbidden =
  (message: string): Handler =>
  (_req, res) =>
    json(res, 403, status(403, 'Forbidden', message));

describe('KubeClient API errors', () => {
  it('names the request, the namespace and the credentials source on 401, never the token', async () => {
    handler = (_req, res) => json(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
    const err = await client()
      .get('/api/v1/namespaces/demo/configmaps')
      .catch((e: unknown) => e);
    assert.ok(err instanceof KubeApiError);
    assert.equal(err.status, 401);
    assert.match(
      err.message,
      /^unauthorized: cluster east \(https:\/\/127\.0\.0\.1:\d+\) rejected the credentials \(token from token_file '\/tmp\/east.token'\) for list v1\/configmaps in namespace 'demo'/,
    );
    assert.doesNotMatch(err.message, new RegExp(TOKEN));
  });

  it('names user, verb, resource and namespace on 403', async () => {
    handler = forbidden(
      'configmaps is forbidden: User "viewer" cannot create resource "configmaps" in API group "" in the namespace "demo"',
    );
    const err = await client()
      .request({ method: 'POST', path: '/api/v1/namespaces/demo/configmaps', body: {} })
      .catch((e: unknown) => e);
    assert.ok(err instanceof KubeApiError);
    assert.match(
      err.message,
      /^forbidden: user 'viewer' cannot create configmaps in namespace 'demo' \(create v1\/configmaps\) on cluster east/,
    );
  });

  it('does not repeat the namespace for a forbidden namespace itself', async () => {
    handler = forbidden('namespaces "demo" is forbidden: User "viewer" cannot delete resource "namespaces"');
    await assert.rejects(
      client().request({ method: 'DELETE', path: '/api/v1/namespaces/demo' }),
      (e: unknown) =>
        e instanceof KubeApiError &&
        /^forbidden: user 'viewer' cannot delete namespaces 'demo' \(delete v1\/namespaces\) on cluster east/.test(
          e.message,
        ),
    );
  });

  it('names discovery requests by method and path', async () => {
    handler = (_req, res) => json(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
    await assert.rejects(
      client().get('/apis'),
      /rejected the credentials \(.*\) for GET \/apis; the token is wrong or expired/,
    );
  });

  it('asks SelfSubjectReview who we are when a 403 does not say', async () => {
    handler = (req, res) => {
      if (req.url.startsWith('/apis/authentication.k8s.io/v1/selfsubjectreviews')) {
        json(res, 201, {
          kind: 'SelfSubjectReview',
          status: { userInfo: { username: 'system:serviceaccount:ops:bot' } },
        });
      } else json(res, 403, status(403, 'Forbidden', 'access denied'));
    };
    const err = await client()
      .request({ method: 'DELETE', path: '/apis/apps/v1/namespaces/web/deployments/api' })
      .catch((e: unknown) => e);
    assert.ok(err instanceof KubeApiError);
    assert.match(
      err.message,
      /forbidden: user 'system:serviceaccount:ops:bot' cannot delete deployments 'api' in namespace 'web' \(delete apps\/v1\/deployments\)/,
    );
  });

  it('includes the Status message and reason for other failures', async () => {
    handler = (_req, res) =>
      json(res, 422, {
        ...status(422, 'Invalid', 'ConfigMap "x" is invalid: data: bad'),
        details: { causes: [{ field: 'data', message: 'bad' }] },
      });
    await assert.rejects(
      client().request({ method: 'PUT', path: '/api/v1/namespaces/demo/configmaps/x', body: {} }),
      /update v1\/configmaps 'x' in namespace 'demo' failed on cluster east .*HTTP 422 Invalid: ConfigMap "x" is invalid: data: bad$/,
    );
  });
});

describe('KubeClient retries', () => {
  it('retries 429 after the Retry-After the server asks for', async () => {
    let calls = 0;
    handler = (_req, res) =>
      ++calls === 1
        ? json(res, 429, status(429, 'TooManyRequests', 'slow down'), { 'retry-after': '2' })
        : json(res, 200, { ok: 1 });
    const clock = sleepSteppingClock(0);
    assert.deepEqual(await client({}, clock).get('/api'), { ok: 1 });
    assert.deepEqual(clock.sleeps, [2000]);
  });

  it('gives up on a persistent 503 after the configured attempts', async () => {
    let calls = 0;
    handler = (_req, res) => (calls++, json(res, 503, status(503, 'ServiceUnavailable', 'etcd down')));
    const clock = sleepSteppingClock(0);
    await assert.rejects(
      client({}, clock).get('/api'),
      (e: unknown) => e instanceof KubeApiError && e.status === 503,
    );
    assert.equal(calls, 4);
    assert.equal(clock.sleeps.length, 3);
  });

  it('retries a 409 Conflict on a merge patch but not on server-side apply', async () => {
    let calls = 0;
    handler = (_req, res) => (calls++, json(res, 409, status(409, 'Conflict', 'conflict')));
    await assert.rejects(
      client().request({
        method: 'PATCH',
        path: '/api/v1/namespaces/a/configmaps/b',
        body: {},
        contentType: 'application/apply-patch+yaml',
      }),
    );
    assert.equal(calls, 1);
    calls = 0;
    await assert.rejects(
      client().request({
        method: 'PATCH',
        path: '/api/v1/namespaces/a/configmaps/b',
        body: {},
        contentType: 'application/merge-patch+json',
      }),
    );
    assert.equal(calls, 4);
  });
});

describe('KubeClient requests', () => {
  it('sends the bearer token and logs method, path, status and time at debug level without the token', async () => {
    handler = (_req, res) => json(res, 200, { items: [] });
    const debug: string[] = [];
    await client({}, undefined, debug).get('/api/v1/pods', {
      labelSelector: 'a=b',
      limit: 5,
      continue: undefined,
    });
    const last = server.requests[server.requests.length - 1];
    assert.equal(last?.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(last?.url, '/api/v1/pods?labelSelector=a%3Db&limit=5');
    assert.match(debug[0] ?? '', /^kube east: GET \/api\/v1\/pods\?labelSelector=a%3Db&limit=5 200 \d+ms$/);
    assert.ok(debug.every((line) => !line.includes(TOKEN)));
  });
});

describe('kubeClientFor', () => {
  it('reads token_file (trimmed), registers the token as secret and caches one client per host', async (t) => {
    handler = (_req, res) => json(res, 200, {});
    const dir = await mkdtemp(path.join(tmpdir(), 'kube-conn-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    await writeFile(path.join(dir, 'token'), `  ${TOKEN}\n`);
    await writeFile(path.join(dir, 'ca.crt'), server.ca);
    const ctx = moduleContext(
      {},
      {
        api_url: server.url.replace('https://', ''),
        token_file: path.join(dir, 'token'),
        ca_file: path.join(dir, 'ca.crt'),
      },
    );
    const a = await kubeClientFor(ctx);
    const b = await kubeClientFor(ctx);
    assert.equal(a.connection, b.connection);
    assert.deepEqual(ctx.secretValues, [TOKEN]);
    assert.ok(ctx.services.runCache.has('kube:east'));
    await a.get('/version');
    assert.equal(server.requests[server.requests.length - 1]?.headers.authorization, `Bearer ${TOKEN}`);
    await closeKubeClients(ctx.services.runCache);
    assert.equal(ctx.services.runCache.has('kube:east'), false);
  });

  it('warns once per host when TLS verification is off, and then connects without a CA', async () => {
    handler = (_req, res) => json(res, 200, { ok: true });
    const ctx = moduleContext({}, { api_url: server.url, token: TOKEN, insecure_skip_tls_verify: 'true' });
    await (await kubeClientFor(ctx)).get('/version');
    await (await kubeClientFor(ctx)).get('/version');
    assert.equal(ctx.lines.warn.length, 1);
    assert.match(ctx.lines.warn[0] ?? '', /host 'east': TLS verification is off/);
    await closeKubeClients(ctx.services.runCache);
  });

  it('uses a kubeconfig context: server, CA data and token', async (t) => {
    handler = (_req, res) => json(res, 200, {});
    const dir = await mkdtemp(path.join(tmpdir(), 'kube-cfg-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'config');
    const ca = Buffer.from(server.ca).toString('base64');
    await writeFile(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: other',
        'clusters:',
        `- name: c1`,
        `  cluster: {server: "${server.url}", certificate-authority-data: "${ca}"}`,
        'users:',
        '- name: u1',
        `  user: {token: "${TOKEN}"}`,
        'contexts:',
        '- name: east-admin',
        '  context: {cluster: c1, user: u1, namespace: team}',
        '- name: other',
        '  context: {cluster: c1, user: u1}',
      ].join('\n'),
    );
    const ctx = moduleContext({}, { kubeconfig: file, context: 'east-admin' });
    const c = await kubeClientFor(ctx);
    assert.equal(c.connection.defaultNamespace, 'team');
    assert.match(c.connection.credentials, /context 'east-admin' user 'u1'/);
    await c.get('/version');
    assert.equal(server.requests[server.requests.length - 1]?.headers.authorization, `Bearer ${TOKEN}`);
    assert.deepEqual(ctx.secretValues, [TOKEN]);
    await closeKubeClients(ctx.services.runCache);
    await assert.rejects(
      kubeClientFor(moduleContext({}, { kubeconfig: file, context: 'east-admn' })),
      /context 'east-admn' is not in kubeconfig .*did you mean 'east-admin'\?/,
    );
  });

  it("reads kubectl's tokenFile user field relative to the kubeconfig, trimmed", async (t) => {
    handler = (_req, res) => json(res, 200, {});
    const dir = await mkdtemp(path.join(tmpdir(), 'kube-cfg-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    await writeFile(path.join(dir, 'east.token'), `${TOKEN}-from-file\n`);
    const ca = Buffer.from(server.ca).toString('base64');
    await writeFile(
      path.join(dir, 'config'),
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- name: c1',
        `  cluster: {server: "${server.url}", certificate-authority-data: "${ca}"}`,
        'users:',
        '- name: u2',
        '  user: {tokenFile: east.token}',
        'contexts:',
        '- name: by-file',
        '  context: {cluster: c1, user: u2}',
      ].join('\n'),
    );
    const ctx = moduleContext({}, { kubeconfig: path.join(dir, 'config'), context: 'by-file' });
    await (await kubeClientFor(ctx)).get('/version');
    assert.equal(
      server.requests[server.requests.length - 1]?.headers.authorization,
      `Bearer ${TOKEN}-from-file`,
    );
    assert.deepEqual(ctx.secretValues, [`${TOKEN}-from-file`]);
    await closeKubeClients(ctx.services.runCache);
  });

  it('reads token_env and fails clearly when it is unset', async () => {
    const ctx = moduleContext({}, { api_url: server.url, token_env: 'MCSYNC_TEST_UNSET_TOKEN' });
    await assert.rejects(
      kubeClientFor(ctx),
      /token_env of host 'east' names MCSYNC_TEST_UNSET_TOKEN, which is not set or empty/,
    );
  });
});
