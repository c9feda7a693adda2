// The k8s modules through the real engine and CLI (`mcsync play`) on two sandbox clusters:
// recap counts, check mode, diff masking in the output, and an unreachable host.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { stringify } from 'yaml';
import { runPlayCommand } from '../../../src/cli/play-command.ts';
import type { JsonDocument } from '../../../src/report/json-renderer.ts';
import { createModuleRegistry } from '../../../src/modules/registry.ts';
import { kubeModules } from '../../../src/modules/kube/index.ts';
import { readTokenFile, sandboxClusters, type SandboxClusterHandle } from '../../support/clusters.ts';

const sandbox = await sandboxClusters({ after }, { clusters: 2 });
const [east, west] = sandbox.clusters as [SandboxClusterHandle, SandboxClusterHandle];

/** Writes an inventory of the two clusters and a playbook; returns the directory. */
async function project(t: TestContext, tasks: unknown[]): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'k8s-play-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const host = (c: SandboxClusterHandle) => ({
    api_url: c.apiUrl,
    token_file: c.adminTokenFile,
    ca_file: c.caFile,
  });
  await writeFile(
    path.join(dir, 'inventory.yml'),
    stringify({ all: { hosts: { [east.name]: host(east), [west.name]: host(west) } } }),
  );
  await writeFile(
    path.join(dir, 'play.yml'),
    stringify([{ name: 'k8s', hosts: 'all', gather_facts: false, tasks }]),
  );
  return dir;
}

async function play(
  dir: string,
  ...flags: string[]
): Promise<{ code: number; doc: JsonDocument; text: string }> {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  const io = {
    stdout,
    stderr: new PassThrough(),
    cwd: dir,
    env: process.env,
    interrupt: new AbortController().signal,
  };
  const code = await runPlayCommand(
    ['-i', 'inventory.yml', '--output', 'json', ...flags, 'play.yml'],
    io,
    createModuleRegistry(kubeModules),
  );
  const text = Buffer.concat(chunks).toString('utf8');
  return { code, doc: JSON.parse(text) as JsonDocument, text };
}

const configMap = (ns: string, value: string) => ({
  name: 'settings',
  k8s: {
    definition: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', namespace: ns },
      data: { value },
    },
  },
});

describe('mcsync play with the k8s module', () => {
  it('converges every host, then a second run reports changed=0', async (t) => {
    const ns = await sandbox.namespace(t, { clusters: [east.name, west.name] });
    const dir = await project(t, [configMap(ns, 'one')]);
    const first = await play(dir);
    assert.equal(first.code, 0, first.text);
    assert.equal(first.doc.recap[east.name]?.changed, 1);
    assert.equal(first.doc.recap[west.name]?.changed, 1);
    const second = await play(dir);
    assert.equal(second.code, 0);
    assert.deepEqual([second.doc.recap[east.name]?.changed, second.doc.recap[west.name]?.changed], [0, 0]);
    assert.equal((await west.admin.get(`/api/v1/namespaces/${ns}/configmaps/settings`)).status, 200);
  });

  it('with --check --diff reports the change, writes nothing and masks Secret values and tokens', async (t) => {
    const ns = await sandbox.namespace(t, { clusters: [east.name, west.name] });
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds', namespace: ns },
      stringData: { password: 'plain-text-password' },
    };
    const dir = await project(t, [{ name: 'secret', k8s: { definition: secret } }]);
    const result = await play(dir, '--check', '--diff');
    assert.equal(result.code, 0, result.text);
    assert.equal(result.doc.recap[east.name]?.changed, 1);
    assert.equal((await east.admin.get(`/api/v1/namespaces/${ns}/secrets/creds`)).status, 404);
    assert.doesNotMatch(result.text, /plain-text-password|cGxhaW4tdGV4dC1wYXNzd29yZA/);
    assert.match(result.text, /hmac:[0-9a-f]{8}/);
    assert.ok(!result.text.includes(await readTokenFile(east.adminTokenFile)));
  });

  it('counts a stopped cluster as unreachable, converges the other and exits 4', async (t) => {
    const ns = await sandbox.namespace(t, { clusters: [east.name, west.name] });
    const dir = await project(t, [configMap(ns, 'two')]);
    await sandbox.fault('stop', west.name);
    t.after(() => sandbox.fault('start', west.name));
    const result = await play(dir);
    assert.equal(result.code, 4, result.text);
    assert.equal(result.doc.recap[west.name]?.unreachable, 1);
    assert.equal(result.doc.recap[east.name]?.changed, 1);
    const westResult = result.doc.plays[0]?.tasks[0]?.hosts[west.name];
    assert.match(String(westResult?.['msg']), /cluster west .* is unreachable: connection refused/);
  });
});
