import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Vars } from '../../../src/model/vars.ts';
import { hostRegistry } from '../../../src/image/registry-endpoint.ts';
import { moduleContext } from '../../support/module-context.ts';

function contextFor(hosts: Record<string, Vars>) {
  const secrets: string[] = [];
  const context = moduleContext(
    {
      host: 'west',
      inventory: {
        hostNames: () => Object.keys(hosts),
        groupHosts: () => [],
        hostVars: (h) => hosts[h] ?? {},
      },
    },
    hosts['west'] ?? {},
  );
  context.services.secrets = { add: (v) => secrets.push(v) };
  return { context, secrets };
}

describe('registry credentials of a host', () => {
  it('uses the cluster token as the password when no registry credentials are set', async () => {
    const { context, secrets } = contextFor({
      east: { api_url: 'https://127.0.0.1:6443', token: 'cluster-token-1', registry: 'reg.east:5000/' },
    });
    const r = await hostRegistry(context, 'east');
    assert.equal(r.host, 'reg.east:5000');
    assert.deepEqual(r.credentials, { username: 'mcsync', password: 'cluster-token-1' });
    assert.equal(r.credentialSource, 'cluster token');
    assert.ok(secrets.includes('cluster-token-1'));
  });

  it('prefers registry_password_file with registry_username, reads the CA and registers the secret', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mcsync-endpoint-'));
    try {
      await writeFile(path.join(dir, 'pw'), 'file-password\n');
      await writeFile(path.join(dir, 'ca.crt'), 'PEM');
      const { context, secrets } = contextFor({
        west: {
          api_url: 'https://127.0.0.1:6443',
          token: 'cluster-token-2',
          registry: 'reg.west:5000',
          registry_username: 'robot',
          registry_password_file: path.join(dir, 'pw'),
          registry_ca_file: path.join(dir, 'ca.crt'),
        },
      });
      const r = await hostRegistry(context, 'west');
      assert.deepEqual(r.credentials, { username: 'robot', password: 'file-password' });
      assert.equal(r.ca, 'PEM');
      assert.equal(r.caFile, path.join(dir, 'ca.crt'));
      assert.ok(secrets.includes('file-password'));
      assert.ok(secrets.includes(Buffer.from('robot:file-password').toString('base64')));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('takes registry_token with the default user name, and nothing for an anonymous registry', async () => {
    const { context } = contextFor({
      a: { registry: 'a:1', registry_token: 'tok' },
      b: { registry: 'b:1' },
    });
    assert.deepEqual((await hostRegistry(context, 'a')).credentials, { username: 'mcsync', password: 'tok' });
    assert.equal((await hostRegistry(context, 'b')).credentials, undefined);
  });

  it('refuses two secrets and a host without a registry, naming the variables', async () => {
    const { context } = contextFor({
      a: { registry: 'a:1', registry_token: 'tok', registry_password: 'pw' },
      b: { api_url: 'https://127.0.0.1:6443' },
    });
    await assert.rejects(hostRegistry(context, 'a'), /set only one of registry_password and registry_token/);
    await assert.rejects(hostRegistry(context, 'b'), /host 'b' has no registry variable/);
  });
});
