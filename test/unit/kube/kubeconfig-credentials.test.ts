import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { stringify } from 'yaml';
import { resolveConnection } from '../../../src/kube/connection.ts';

/** A kubeconfig whose user runs ./plugins/get-token (relative to the kubeconfig's folder). */
async function kubeconfig(
  t: TestContext,
  user: Record<string, unknown>,
  cluster: Record<string, unknown> = {},
) {
  const dir = await mkdtemp(path.join(tmpdir(), 'mcsync-exec-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const plugin = path.join(dir, 'plugins', 'get-token');
  await mkdir(path.dirname(plugin));
  await writeFile(
    plugin,
    `#!/bin/sh
printf '%s' "$KUBERNETES_EXEC_INFO" > "${dir}/exec-info.json"
echo "$GREETING $*" > "${dir}/argv"
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"exec-token-1"}}'
`,
  );
  await chmod(plugin, 0o755);
  const file = path.join(dir, 'config');
  await writeFile(
    file,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'eks',
      clusters: [
        {
          name: 'eks',
          cluster: { server: 'https://eks.example.com', 'insecure-skip-tls-verify': true, ...cluster },
        },
      ],
      users: [{ name: 'eks-admin', user }],
      contexts: [{ name: 'eks', context: { cluster: 'eks', user: 'eks-admin' } }],
    }),
  );
  return { dir, file };
}

const EXEC = {
  apiVersion: 'client.authentication.k8s.io/v1',
  command: './plugins/get-token',
  args: ['--region', 'eu'],
  env: [{ name: 'GREETING', value: 'hello' }],
  interactiveMode: 'Never',
  provideClusterInfo: true,
};

describe('kubeconfig users with exec plugins, impersonation and proxies', () => {
  it('runs the exec plugin from the kubeconfig folder with args, env and cluster info; the token is a secret', async (t) => {
    const { dir, file } = await kubeconfig(t, { exec: EXEC });
    const secrets: string[] = [];
    const conn = await resolveConnection({ kubeconfig: file }, 'east', {
      secrets: { add: (s) => void secrets.push(s) },
      env: {},
    });
    assert.equal(conn.token, 'exec-token-1');
    assert.ok(conn.exec, 'the plugin is kept to run again');
    assert.ok(secrets.includes('exec-token-1'), 'registered as a secret');
    assert.equal((await readFile(path.join(dir, 'argv'), 'utf8')).trim(), 'hello --region eu');
    const info = JSON.parse(await readFile(path.join(dir, 'exec-info.json'), 'utf8'));
    assert.deepEqual(info.spec, {
      interactive: false,
      cluster: { server: 'https://eks.example.com', 'insecure-skip-tls-verify': true },
    });
    assert.match(conn.credentials, /user 'eks-admin' \(exec plugin\)/);
  });

  it('does not run the plugin when the host has its own token', async (t) => {
    const { dir, file } = await kubeconfig(t, { exec: EXEC });
    const conn = await resolveConnection({ kubeconfig: file, token: 'mine' }, 'east', { env: {} });
    assert.equal(conn.token, 'mine');
    assert.equal(conn.exec, undefined);
    await assert.rejects(readFile(path.join(dir, 'argv')), { code: 'ENOENT' });
  });

  it('reads as, as-groups, as-uid and as-user-extra; host variables win', async (t) => {
    const { file } = await kubeconfig(t, {
      token: 'admin',
      as: 'bob',
      'as-groups': ['auditors'],
      'as-uid': '7',
      'as-user-extra': { scopes: ['view'] },
    });
    const fromKubeconfig = await resolveConnection({ kubeconfig: file }, 'east', { env: {} });
    assert.deepEqual(fromKubeconfig.impersonate, {
      user: 'bob',
      groups: ['auditors'],
      uid: '7',
      extra: { scopes: ['view'] },
    });
    const overridden = await resolveConnection({ kubeconfig: file, impersonate_user: 'jane' }, 'east', {
      env: {},
    });
    assert.equal(overridden.impersonate?.user, 'jane');
    assert.deepEqual(overridden.impersonate?.groups, ['auditors']);
  });

  it('takes proxy-url over HTTPS_PROXY, and HTTPS_PROXY unless NO_PROXY matches', async (t) => {
    const withProxy = await kubeconfig(t, { token: 'x' }, { 'proxy-url': 'http://proxy.corp:3128' });
    const env = { HTTPS_PROXY: 'http://env.proxy:8080', NO_PROXY: '' };
    assert.equal(
      (await resolveConnection({ kubeconfig: withProxy.file }, 'east', { env })).proxy?.href,
      'http://proxy.corp:3128/',
    );
    const plain = await kubeconfig(t, { token: 'x' });
    assert.equal(
      (await resolveConnection({ kubeconfig: plain.file }, 'east', { env })).proxy?.href,
      'http://env.proxy:8080/',
    );
    const bypassed = await resolveConnection({ kubeconfig: plain.file }, 'east', {
      env: { ...env, NO_PROXY: 'example.com' },
    });
    assert.equal(bypassed.proxy, undefined);
  });
});
