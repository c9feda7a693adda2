// The CI drift check on three sandbox clusters (east the master, west and south the slaves), through
// the built CLI: `--check --detailed-exitcode` exit codes, the plan of `--output json`, the JUnit
// report of `--junit`, and the README's "Drift check in CI" step run as written.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { stringify } from 'yaml';
import type { JsonDocument } from '../../../src/report/json-renderer.ts';
import { sandboxClusters, type SandboxClusterHandle } from '../../support/clusters.ts';
import { ok } from '../../support/kube-api.ts';
import { childrenNamed, parseXml, textOf } from '../../support/xml.ts';
import type { XmlElement } from '../../support/xml.ts';
import { cleanupNamespace, mcsyncPlay, namespaceOn, project, repoRoot, seedMaster } from './helpers.ts';

const sandbox = await sandboxClusters({ after }, { clusters: 3 });
const [east, west, south] = sandbox.clusters as [
  SandboxClusterHandle,
  SandboxClusterHandle,
  SandboxClusterHandle,
];

const CHANGES_PENDING = 6;

/** A ConfigMap `settings` annotated sync=me on the master, in a fresh namespace removed afterwards. */
async function masterSettings(t: TestContext): Promise<string> {
  const ns = `drift-${Math.random().toString(16).slice(2, 10)}`;
  cleanupNamespace(t, sandbox.clusters, ns);
  await namespaceOn(east, ns, 'namespace on the master');
  ok(
    await east.admin.apply(`/api/v1/namespaces/${ns}/configmaps/settings`, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', namespace: ns, annotations: { sync: 'me' } },
      data: { value: 'wanted' },
    }),
    'ConfigMap on the master',
  );
  return ns;
}

/** A playbook syncing the master's sync=me ConfigMaps of `ns` to the slaves. */
function syncSettings(t: TestContext, ns: string, inventory?: unknown): Promise<string> {
  const play = {
    name: 'settings on every slave',
    hosts: 'slaves',
    gather_facts: false,
    tasks: [
      {
        name: 'sync settings',
        k8s_sync: {
          create_namespace: true,
          objects: [{ kind: 'ConfigMap', namespace: ns, annotation_selector: 'sync=me' }],
        },
      },
    ],
  };
  return project(t, { 'play.yml': stringify([play]), ...(inventory ? { 'inventory.yml': inventory } : {}) });
}

/** `--check --detailed-exitcode --output json --diff --junit`, returning the parsed JUnit report too. */
async function driftCheck(dir: string, inventory = sandbox.inventoryFile) {
  const junit = path.join(dir, `junit-${Math.random().toString(16).slice(2)}.xml`);
  const run = await mcsyncPlay([
    path.join(dir, 'play.yml'),
    '-i',
    inventory,
    '--check',
    '--diff',
    '--detailed-exitcode',
    '--output',
    'json',
    '--junit',
    junit,
  ]);
  const report = parseXml(await readFile(junit, 'utf8'));
  return { ...run, report };
}

/** Drift: someone edits the slave's copy by hand (its mcsync marks stay). */
async function setValue(cluster: SandboxClusterHandle, ns: string, value: string): Promise<void> {
  ok(
    await cluster.admin.patch(`/api/v1/namespaces/${ns}/configmaps/settings`, { data: { value } }),
    `edit settings on ${cluster.name}`,
  );
}

async function westValue(ns: string): Promise<string | undefined> {
  const body = (await west.admin.get(`/api/v1/namespaces/${ns}/configmaps/settings`)).json as {
    data?: Record<string, string>;
  };
  return body.data?.['value'];
}

/** The one test case of `host` in a report of one task per host. */
function caseOf(report: XmlElement, host: string): XmlElement {
  const suite = childrenNamed(report, 'testsuite').find((s) => s.attributes['name'] === host);
  assert.ok(suite, `no testsuite for ${host}`);
  const [testcase] = childrenNamed(suite, 'testcase');
  assert.ok(testcase, `no testcase for ${host}`);
  return testcase;
}

function property(testcase: XmlElement, name: string): string | undefined {
  const properties = childrenNamed(testcase, 'properties')[0];
  return (
    properties &&
    childrenNamed(properties, 'property').find((p) => p.attributes['name'] === name)?.attributes['value']
  );
}

describe('the CI drift check (--check --detailed-exitcode, --output json, --junit)', () => {
  it('a converged cluster exits 0; a drifted ConfigMap on one slave exits 6 and the plan names it', async (t) => {
    const ns = await masterSettings(t);
    const dir = await syncSettings(t, ns);
    const converge = await mcsyncPlay([path.join(dir, 'play.yml'), '-i', sandbox.inventoryFile]);
    assert.equal(converge.code, 0, converge.stdout + converge.stderr);

    const converged = await driftCheck(dir);
    assert.equal(converged.code, 0, converged.stdout + converged.stderr);
    assert.ok(converged.doc, 'stdout is one JSON document and nothing else');
    assert.equal(converged.doc.formatVersion, 1);
    assert.equal(converged.doc.plan.changed, false);
    assert.deepEqual(
      Object.entries(converged.doc.plan.hosts).map(([host, plan]) => [host, plan.status, plan.tasks.length]),
      [
        [south.name, 'ok', 0],
        [west.name, 'ok', 0],
      ],
    );
    assert.equal(property(caseOf(converged.report, west.name), 'changed'), 'false');

    await setValue(west, ns, 'drifted');
    const drifted = await driftCheck(dir);
    assert.equal(drifted.code, CHANGES_PENDING, drifted.stdout + drifted.stderr);
    const doc = drifted.doc as JsonDocument;
    assert.equal(doc.plan.changed, true);
    assert.deepEqual(doc.plan.hosts[south.name], { status: 'ok', tasks: [] });
    const westPlan = doc.plan.hosts[west.name];
    assert.equal(westPlan?.status, 'changed');
    assert.deepEqual(
      westPlan?.tasks.map((task) => [task.play, task.task, task.module, task.status]),
      [['settings on every slave', 'sync settings', 'k8s_sync', 'changed']],
    );
    const [change, ...others] = westPlan?.tasks[0]?.changes ?? [];
    assert.deepEqual(others, []);
    assert.deepEqual(
      [change?.change, change?.apiVersion, change?.kind, change?.namespace, change?.name, change?.action],
      ['update', 'v1', 'ConfigMap', ns, 'settings', 'configured'],
    );
    assert.ok(change?.diff?.lines.includes('-  value: drifted'), JSON.stringify(change?.diff));
    assert.ok(change?.diff?.lines.includes('+  value: wanted'), JSON.stringify(change?.diff));

    const westCase = caseOf(drifted.report, west.name);
    assert.equal(property(westCase, 'status'), 'changed');
    assert.equal(property(westCase, 'changed'), 'true');
    assert.match(
      textOf(childrenNamed(westCase, 'system-out')[0]!),
      new RegExp(`update v1/ConfigMap ${ns}/settings`),
    );
    assert.equal(property(caseOf(drifted.report, south.name), 'changed'), 'false');
    assert.deepEqual(
      [
        drifted.report.attributes['tests'],
        drifted.report.attributes['failures'],
        drifted.report.attributes['errors'],
      ],
      ['2', '0', '0'],
    );
    assert.equal(await westValue(ns), 'drifted', 'the check wrote nothing');
  });

  it('a failed host keeps exit 2 and an unreachable one 4 over pending changes; JUnit shows <failure> and <error>', async (t) => {
    const ns = await masterSettings(t);
    const converge = await mcsyncPlay([
      path.join(await syncSettings(t, ns), 'play.yml'),
      '-i',
      sandbox.inventoryFile,
    ]);
    assert.equal(converge.code, 0, converge.stdout + converge.stderr);
    await setValue(west, ns, 'drifted');

    // south writes with the read-only identity: its dry-run apply is forbidden, the host fails.
    const host = (c: SandboxClusterHandle, tokenFile: string) => ({
      api_url: c.apiUrl,
      token_file: tokenFile,
      ca_file: c.caFile,
    });
    const inventory = {
      all: {
        children: {
          master: { hosts: { [east.name]: host(east, east.adminTokenFile) } },
          slaves: {
            hosts: {
              [west.name]: host(west, west.adminTokenFile),
              [south.name]: host(south, south.viewerTokenFile),
            },
          },
        },
      },
    };
    // south drifts too, so its task has to write (and is refused) instead of finding it unchanged.
    await setValue(south, ns, 'drifted too');
    const dir = await syncSettings(t, ns, inventory);
    const failed = await driftCheck(dir, path.join(dir, 'inventory.yml'));
    assert.equal(failed.code, 2, failed.stdout + failed.stderr);
    assert.equal(failed.doc?.plan.hosts[south.name]?.status, 'failed');
    assert.equal(failed.doc?.plan.hosts[west.name]?.status, 'changed');
    const failure = childrenNamed(caseOf(failed.report, south.name), 'failure')[0];
    assert.equal(failure?.attributes['type'], 'failed');
    assert.match(failure?.attributes['message'] ?? '', /forbidden|403/i);
    assert.equal(failed.report.attributes['failures'], '1');

    await sandbox.fault('stop', south.name);
    t.after(() => sandbox.fault('start', south.name));
    const unreachable = await driftCheck(await syncSettings(t, ns));
    assert.equal(unreachable.code, 4, unreachable.stdout + unreachable.stderr);
    assert.equal(unreachable.doc?.plan.hosts[south.name]?.status, 'unreachable');
    assert.equal(unreachable.doc?.plan.changed, true);
    const error = childrenNamed(caseOf(unreachable.report, south.name), 'error')[0];
    assert.equal(error?.attributes['type'], 'unreachable');
    assert.match(error?.attributes['message'] ?? '', /unreachable/);
    assert.equal(unreachable.report.attributes['errors'], '1');
  });

  it("the README's drift check step runs as written: 0 when converged, 6 with drift, Secret data never shown", async (t) => {
    cleanupNamespace(t, sandbox.clusters, 'demo');
    await seedMaster(east, 'demo');
    const converge = await mcsyncPlay(['playbooks/sync.yml', '-i', sandbox.inventoryFile]);
    assert.equal(converge.code, 0, converge.stdout + converge.stderr);
    const step = await readmeStep();
    const clean = await runStep(t, step);
    assert.equal(clean.code, 0, clean.output);
    assert.match(clean.output, /every cluster matches the playbooks/);

    // Drift on west: its copy of the pull secret gets another password.
    const drifted = Buffer.from(JSON.stringify({ [east.registry]: { auth: 'ZHJpZnQ6ZHJpZnQ=' } })).toString(
      'base64',
    );
    const secretPath = '/api/v1/namespaces/demo/secrets/registry-dockercfg';
    ok(await west.admin.patch(secretPath, { data: { '.dockercfg': drifted } }), 'edit the secret on west');
    const source = (await east.admin.get(secretPath)).json as { data: Record<string, string> };
    const run = await runStep(t, step);
    assert.equal(run.code, CHANGES_PENDING, run.output);
    assert.match(run.output, /drift: drift-plan\.json lists each object that would change/);
    const doc = JSON.parse(run.plan) as JsonDocument;
    const changes = doc.plan.hosts[west.name]?.tasks.flatMap((task) => task.changes) ?? [];
    assert.deepEqual(
      changes.map((c) => [c.change, c.kind, c.namespace, c.name]),
      [['update', 'Secret', 'demo', 'registry-dockercfg']],
    );
    assert.deepEqual(doc.plan.hosts[south.name]?.tasks, []);
    const shown = run.plan + run.junit + run.output;
    for (const value of [drifted, source.data['.dockercfg']!, 'ZHJpZnQ6ZHJpZnQ=', 'bWNzeW5jOnNlY3JldA==']) {
      assert.ok(!shown.includes(value), `Secret data ${value.slice(0, 12)}… printed`);
    }
    assert.ok(changes[0]?.diff?.lines.some((line) => /hmac:[0-9a-f]{8}/.test(line)));
    const westCase = childrenNamed(
      childrenNamed(parseXml(run.junit), 'testsuite').find((s) => s.attributes['name'] === west.name)!,
      'testcase',
    );
    assert.ok(westCase.some((c) => property(c, 'changed') === 'true'));
  });
});

/** The shell block under README's "Drift check in CI" heading. */
async function readmeStep(): Promise<string> {
  const readme = await readFile(path.join(repoRoot, 'README.md'), 'utf8');
  const section = /^### Drift check in CI\n([\s\S]*?)(?=^#{2,3} )/m.exec(readme)?.[1];
  assert.ok(section, 'README.md has a "### Drift check in CI" section');
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  assert.ok(block.includes('--detailed-exitcode'), 'its sh block runs the drift check');
  return block;
}

/**
 * Runs the README step with bash in a fresh directory laid out like a clone (playbooks, roles and
 * vars of this checkout, `.sandbox` the test sandbox); `npx mcsync-play` is this checkout's bin.
 */
async function runStep(
  t: TestContext,
  step: string,
): Promise<{ code: number; output: string; plan: string; junit: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mcsync-readme-ci-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  for (const name of ['playbooks', 'roles', 'vars'])
    await symlink(path.join(repoRoot, name), path.join(dir, name));
  await symlink(sandbox.dir, path.join(dir, '.sandbox'));
  const npx = `npx() { if [ "$1" = mcsync-play ]; then shift; node ${JSON.stringify(path.join(repoRoot, 'bin', 'mcsync-play.js'))} "$@"; else echo "npx $1: not in this test" >&2; return 127; fi; }\n`;
  await writeFile(path.join(dir, 'step.sh'), npx + step);
  const { code, output } = await new Promise<{ code: number; output: string }>((resolve, reject) => {
    const child = spawn('bash', ['-e', 'step.sh'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('close', (exit) => resolve({ code: exit ?? -1, output }));
  });
  const read = (name: string) => readFile(path.join(dir, name), 'utf8');
  return { code, output, plan: await read('drift-plan.json'), junit: await read('drift-report.xml') };
}
