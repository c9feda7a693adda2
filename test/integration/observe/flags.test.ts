// The effect of `mcsync observe` flags that no other suite shows, each on a sandbox cluster as a
// user runs them: choosing the cluster from a kubeconfig context, label selection, the metrics
// at exit, strict and Go templates, where the Lease lives, -v task output, and the vault flags of
// --playbook (test/unit/load/keywords-coverage.test.ts names these tests).
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { sandboxClusters } from '../../support/clusters.ts';
import type { SandboxClusterHandle } from '../../support/clusters.ts';
import { ok } from '../../support/kube-api.ts';
import { readLines, REPO, scripts, startObserver, waitFor } from './helpers.ts';

const sandbox = await sandboxClusters({ after }, { clusters: 3 });
const east = sandbox.cluster('east');
const west = sandbox.cluster('west');
const VAULT = join(REPO, 'test', 'fixtures', 'vault');

async function configMap(
  c: SandboxClusterHandle,
  ns: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<void> {
  ok(
    await c.admin.post(`/api/v1/namespaces/${ns}/configmaps`, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace: ns, labels },
    }),
    `create ${name}`,
  );
}

/** A folder with record.sh, which appends its argv (`|`-separated) to seen.log. */
async function recorder(): Promise<{ dir: string; seen(): Promise<string[]> }> {
  const dir = await scripts({ 'record.sh': '#!/bin/sh\nprintf "%s|" "$@" >> seen.log\necho >> seen.log\n' });
  return { dir, seen: () => readLines(join(dir, 'seen.log')) };
}

/** `mcsync observe ARGS` run to its end (the tests use --once): exit code and output. */
async function observeOnce(
  t: TestContext,
  args: string[],
  cwd?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const obs = startObserver(t, args, cwd === undefined ? {} : { cwd });
  const code = await obs.exited;
  return { code, stdout: obs.stdout(), stderr: obs.stderr() };
}

describe('mcsync observe flags', () => {
  it('--kubeconfig and --context choose the cluster, -l keeps labelled objects, --print-metrics-on-exit prints the metrics', async (t) => {
    const ns = await sandbox.namespace(t, { clusters: ['west'] });
    await configMap(west, ns, 'web', { app: 'web' });
    await configMap(west, ns, 'other');
    const rec = await recorder();
    const run = await observeOnce(
      t,
      [
        'configmaps',
        '--kubeconfig',
        sandbox.kubeconfigFile,
        '--context',
        'west',
        '-n',
        ns,
        '-l',
        'app=web',
        '--once',
        '--print-metrics-on-exit',
        '--listen-addr',
        '',
        '--',
        './record.sh',
      ],
      rec.dir,
    );
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(await rec.seen(), [`${ns}|web||`], 'only the labelled object of west');
    assert.match(run.stdout, /^observe_counts\{type="Sync"\} 1$/m);
    assert.match(run.stdout, /^# TYPE observe_queue_depth gauge$/m);
  });

  it('--allow-missing-template-keys=false fails the event on a missing key; by default it renders empty', async (t) => {
    const ns = await sandbox.namespace(t, { clusters: ['east'] });
    await configMap(east, ns, 'a');
    const rec = await recorder();
    const base = ['configmaps', '-n', ns, '-i', sandbox.inventoryFile, '-a', '{ .data.missing }', '--once'];
    const lenient = await observeOnce(t, [...base, '--', './record.sh'], rec.dir);
    assert.equal(lenient.code, 0, lenient.stderr);
    assert.deepEqual(await rec.seen(), [`${ns}|a||`]);
    const strict = await observeOnce(
      t,
      [...base, '--allow-missing-template-keys=false', '--', './record.sh'],
      rec.dir,
    );
    assert.match(strict.stderr, /error: unable to write arguments: .*missing/);
    assert.deepEqual(await rec.seen(), [`${ns}|a||`], 'the command did not run');
  });

  it('-o go-template renders --template as a Go template', async (t) => {
    const ns = await sandbox.namespace(t, { clusters: ['east'] });
    await configMap(east, ns, 'a', { app: 'web' });
    const rec = await recorder();
    const run = await observeOnce(
      t,
      [
        'configmaps',
        '-n',
        ns,
        '-i',
        sandbox.inventoryFile,
        '-o',
        'go-template',
        '--template',
        '{{.metadata.name}} of {{index .metadata.labels "app"}}',
        '--once',
        '--',
        './record.sh',
      ],
      rec.dir,
    );
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(await rec.seen(), [`${ns}|a|a of web|`]);
  });

  it('--lease-name and --lease-namespace say which Lease --leader-elect holds', async (t) => {
    const ns = await sandbox.namespace(t, { clusters: ['east'] });
    const leases = await sandbox.namespace(t, { clusters: ['east'], prefix: 'leases' });
    const obs = startObserver(t, [
      'configmaps',
      '-n',
      ns,
      '-i',
      sandbox.inventoryFile,
      '--leader-elect',
      '--lease-name',
      'sync-leader',
      '--lease-namespace',
      leases,
      '--identity',
      'replica-x',
      '--listen-addr',
      '',
    ]);
    await waitFor('the lease', () => obs.stderr().includes('replica-x holds lease sync-leader'), 60_000);
    const lease = ok(
      await east.admin.get(`/apis/coordination.k8s.io/v1/namespaces/${leases}/leases/sync-leader`),
      'read the lease',
    ).json as { spec: { holderIdentity: string } };
    assert.equal(lease.spec.holderIdentity, 'replica-x');
    obs.child.kill('SIGTERM');
    assert.equal(await obs.exited, 0, obs.stderr());
  });

  it('--playbook opens vaulted vars with --vault-password-file and --vault-id; -v shows the task output', async (t) => {
    const ns = await sandbox.namespace(t, { clusters: ['east'] });
    const dir = await scripts({});
    await writeFile(
      join(dir, 'p.yml'),
      [
        '- hosts: localhost',
        '  gather_facts: false',
        `  vars_files: [${join(VAULT, 'secrets.yml')}, ${join(VAULT, 'dev.yml')}]`,
        '  tasks:',
        '    - debug: {msg: "token has {{ length cluster_token }} characters, dev {{ length env_token }}"}',
        '',
      ].join('\n'),
    );
    const args = [
      'configmaps',
      '-n',
      ns,
      '-i',
      sandbox.inventoryFile,
      '--playbook',
      join(dir, 'p.yml'),
      '--once',
      '--listen-addr',
      '',
      '--vault-password-file',
      join(VAULT, 'password.txt'),
      '--vault-id',
      `dev@${join(VAULT, 'dev.pass')}`,
    ];
    const verbose = await observeOnce(t, [...args, '-v']);
    assert.equal(verbose.code, 0, verbose.stdout + verbose.stderr);
    assert.match(verbose.stdout, /TASK \[debug\]/);
    assert.match(verbose.stdout, /token has 39 characters, dev 18/);
    const quiet = await observeOnce(t, args);
    assert.equal(quiet.code, 0, quiet.stdout + quiet.stderr);
    assert.match(quiet.stdout, /# \S+ Sync east\/\S+ objects=0 exit=0/);
    assert.doesNotMatch(quiet.stdout, /TASK \[/, 'without -v: one line per run');
  });

  it('--ask-vault-pass without a terminal exits 5 naming the alternatives', async (t) => {
    const run = await observeOnce(t, [
      'configmaps',
      '-i',
      sandbox.inventoryFile,
      '--playbook',
      'playbooks/watch.yml',
      '--ask-vault-pass',
    ]);
    assert.equal(run.code, 5, run.stderr);
    assert.match(
      run.stderr,
      /stdin is not a terminal; use --vault-password-file FILE or --vault-id LABEL@FILE/,
    );
  });
});
