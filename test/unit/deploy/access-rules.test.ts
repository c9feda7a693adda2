// The observer's RBAC rules derived from the playbook it runs (src/deploy/access-rules.ts): the
// shipped watch playbook with vars/sync.yml, the sync role with objects from vars, and the errors
// an operator sees at deploy time when a kind cannot be known. Kinds are mapped by a static table
// here; on clusters the module maps them through discovery (test/integration/deploy).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { observerAccess, policyRules } from '../../../src/deploy/access-rules.ts';
import type { KindResolver, ObservedResource, PolicyRule } from '../../../src/deploy/access-rules.ts';
import { groupsScope } from '../../../src/deploy/discovery-resolver.ts';
import { loadWatchPlaybook } from '../../../src/deploy/watch-playbook.ts';
import { AccessRulesError } from '../../../src/deploy/task-values.ts';
import { loadPlaybook } from '../../../src/load/index.ts';
import type { Vars } from '../../../src/model/vars.ts';
import { kubeModules } from '../../../src/modules/kube/index.ts';
import { createModuleRegistry } from '../../../src/modules/registry.ts';

const root = path.resolve(import.meta.dirname, '../../..');
const modules = createModuleRegistry(kubeModules);
const hosts = groupsScope({ master: ['east'], slaves: ['west', 'south'] });

const RESOURCES: Record<string, Record<string, string>> = {
  v1: {
    ConfigMap: 'configmaps',
    Namespace: 'namespaces',
    Secret: 'secrets',
    ServiceAccount: 'serviceaccounts',
  },
  'apps/v1': { Deployment: 'deployments' },
  'image.openshift.io/v1': { ImageStream: 'imagestreams' },
};

/** What discovery answers on the sandbox clusters, for the kinds these playbooks use. */
const table: KindResolver = async (apiVersion, kind) => {
  const resource = RESOURCES[apiVersion]?.[kind];
  if (!resource) throw new Error(`the cluster does not serve ${kind} in ${apiVersion}`);
  return { group: apiVersion.includes('/') ? apiVersion.split('/')[0]! : '', resource };
};

const imagestreams: ObservedResource = {
  host: 'east',
  group: 'image.openshift.io',
  resource: 'imagestreams',
  apiVersion: 'image.openshift.io/v1',
  kind: 'ImageStream',
  namespaced: true,
};

const rule = (group: string, resources: string[], verbs: string[]): PolicyRule =>
  ({ apiGroups: [group], resources, verbs }) as PolicyRule;

async function shippedWatch(): Promise<Awaited<ReturnType<typeof loadWatchPlaybook>>> {
  return loadWatchPlaybook({
    playbook: path.join(root, 'playbooks/watch.yml'),
    varsFiles: [path.join(root, 'vars/sync.yml')],
    modules,
    cwd: root,
  });
}

/** A playbook (and files beside it) in a fresh directory; returns the playbook's path. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mcsync-access-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return path.join(dir, 'watch.yml');
}

async function accessOf(file: string, host: string, extraVars: Vars = {}): Promise<PolicyRule[]> {
  const playbook = await loadPlaybook(file, { modules, rolesPath: [path.join(root, 'roles')] });
  const access = await observerAccess(
    host,
    { playbook, hosts, extraVars, varsSources: ['vars/test.yml'], observed: imagestreams },
    table,
  );
  return access.rules;
}

describe('the observer access rules derived from playbooks/watch.yml and vars/sync.yml', () => {
  it('reads on the master only what the playbook reads there: the observed ImageStreams, pull Secrets and their ServiceAccount; the Lease in its own namespace', async () => {
    const watch = await shippedWatch();
    const access = await observerAccess(
      'east',
      { ...watch, hosts, observed: imagestreams, leaseNamespace: 'mcsync' },
      table,
    );
    assert.deepEqual(access.rules, [
      rule('', ['secrets'], ['get', 'list']),
      rule('', ['serviceaccounts'], ['get']),
      rule('image.openshift.io', ['imagestreams'], ['get', 'list', 'watch']),
    ]);
    assert.deepEqual(access.namespaceRules, {
      mcsync: [rule('coordination.k8s.io', ['leases'], ['get', 'create', 'update'])],
    });
  });

  it('writes on each slave exactly the kinds the playbook syncs, deletes only the observed kind (the removal task), and gets no Lease', async () => {
    const watch = await shippedWatch();
    const access = await observerAccess(
      'west',
      { ...watch, hosts, observed: imagestreams, leaseNamespace: 'mcsync' },
      table,
    );
    assert.deepEqual(access.rules, [
      rule('', ['namespaces', 'secrets'], ['get', 'list', 'create', 'patch']),
      rule('', ['serviceaccounts'], ['get', 'create', 'patch']),
      rule('image.openshift.io', ['imagestreams'], ['get', 'list', 'create', 'patch', 'delete']),
    ]);
    assert.deepEqual(access.namespaceRules, {});
  });

  it('follows the observed resource: observing ConfigMaps grants ConfigMaps, not ImageStreams', async () => {
    const watch = await shippedWatch();
    const configmaps = {
      ...imagestreams,
      group: '',
      resource: 'configmaps',
      apiVersion: 'v1',
      kind: 'ConfigMap',
    };
    const west = await observerAccess('west', { ...watch, hosts, observed: configmaps }, table);
    const east = await observerAccess('east', { ...watch, hosts, observed: configmaps }, table);
    const resources = (rules: PolicyRule[]): string[] => rules.flatMap((r) => r.resources).sort();
    assert.deepEqual(resources(west.rules), ['configmaps', 'namespaces', 'secrets', 'serviceaccounts']);
    assert.deepEqual(west.rules.find((r) => r.resources.includes('configmaps'))?.verbs, [
      'get',
      'list',
      'create',
      'patch',
      'delete',
    ]);
    assert.ok(east.rules.some((r) => r.resources.includes('configmaps') && r.verbs.includes('watch')));
  });
});

describe('access rules for a pass over the whole selection (observed.selection, observed.prune)', () => {
  const file = project({
    'watch.yml': [
      '- hosts: slaves',
      '  gather_facts: false',
      '  tasks:',
      '    - name: Sync the selection',
      '      k8s_sync:',
      '        from: "{{ observed.cluster }}"',
      '        objects: ["{{ merge observed.selection (dict annotation_selector=\'sync=me\') }}"]',
      '        prune: "{{ observed.prune }}"',
      '',
    ].join('\n'),
  });
  const rulesWith = async (prune: boolean): Promise<PolicyRule[]> => {
    const playbook = await loadPlaybook(file, { modules, rolesPath: [] });
    const input = { playbook, hosts, extraVars: {}, varsSources: [], observed: imagestreams, prune };
    return (await observerAccess('west', input, table)).rules;
  };

  it('resolves the selection to the observed kind, and deletes only when the observer prunes', async () => {
    assert.deepEqual(await rulesWith(false), [
      rule('image.openshift.io', ['imagestreams'], ['get', 'list', 'create', 'patch']),
    ]);
    assert.deepEqual(await rulesWith(true), [
      rule('image.openshift.io', ['imagestreams'], ['get', 'list', 'create', 'patch', 'delete']),
    ]);
  });
});

describe('access rules from the sync role with objects from vars', () => {
  const file = project({
    'watch.yml': ['- hosts: slaves', '  gather_facts: false', '  roles: [sync]', ''].join('\n'),
  });
  const vars = {
    objects: [
      { kind: 'ConfigMap', namespace: 'demo' },
      { api_version: 'apps/v1', kind: 'Deployment' },
    ],
    imagestreams: [{ name: 'app', project: 'demo' }],
    dockerpullsecret: { serviceaccount: 'deployer', project: 'demo' },
  };

  it('grants the kinds named in the vars, on the slave to write and on the master to read', async () => {
    const west = await accessOf(file, 'west', vars);
    assert.deepEqual(west, [
      rule('', ['configmaps', 'namespaces', 'secrets'], ['get', 'list', 'create', 'patch']),
      rule('', ['serviceaccounts'], ['get', 'create', 'patch']),
      rule('apps', ['deployments'], ['get', 'list', 'create', 'patch']),
      rule('image.openshift.io', ['imagestreams'], ['get', 'list', 'create', 'patch']),
    ]);
    const east = await accessOf(file, 'east', vars);
    assert.deepEqual(east, [
      rule('', ['configmaps', 'secrets'], ['get', 'list']),
      rule('', ['serviceaccounts'], ['get']),
      rule('apps', ['deployments'], ['get', 'list']),
      rule('image.openshift.io', ['imagestreams'], ['get', 'list', 'watch']),
    ]);
  });

  it('grants delete only when sync_prune is on', async () => {
    const pruning = await accessOf(file, 'west', { ...vars, sync_prune: true });
    const deletes = pruning.filter((r) => r.verbs.includes('delete')).flatMap((r) => r.resources);
    assert.deepEqual(deletes.sort(), ['configmaps', 'deployments']);
  });

  it('grants nothing for a loop that is empty with these vars (no imagestreams: no ImageStream writes)', async () => {
    const west = await accessOf(file, 'west', { ...vars, imagestreams: [] });
    assert.ok(!west.some((r) => r.resources.includes('imagestreams')), JSON.stringify(west));
  });
});

describe('access rules errors at deploy time', () => {
  it('names the file, line, task and key of a templated kind the vars do not give, and the vars files', async () => {
    const file = project({
      'watch.yml': [
        '- hosts: slaves',
        '  gather_facts: false',
        '  tasks:',
        '    - name: Sync the chosen kind',
        '      k8s_sync:',
        '        objects:',
        '          - kind: "{{ sync_kind }}"',
        '',
      ].join('\n'),
    });
    await assert.rejects(accessOf(file, 'west'), (error: AccessRulesError) => {
      assert.ok(error instanceof AccessRulesError);
      assert.match(error.describe(), new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4:7: `));
      assert.match(error.message, /task 'Sync the chosen kind': k8s_sync\.objects\[0\]\.kind/);
      assert.match(error.message, /sync_kind/);
      assert.match(error.message, /vars\/test\.yml/);
      assert.equal(error.key, 'k8s_sync.objects[0].kind');
      return true;
    });
    const rules = await accessOf(file, 'west', { sync_kind: 'ConfigMap' });
    assert.ok(rules.some((r) => r.resources.includes('configmaps')));
  });

  it('says a kind set by set_fact is only known at run time, even when a default exists', async () => {
    const file = project({
      'watch.yml': [
        '- hosts: slaves',
        '  gather_facts: false',
        '  vars: { picked: Secret }',
        '  tasks:',
        '    - set_fact: { picked: ConfigMap }',
        '    - name: Read the picked kind',
        '      k8s_info:',
        '        kind: "{{ picked }}"',
        '',
      ].join('\n'),
    });
    await assert.rejects(
      accessOf(file, 'west'),
      /k8s_info\.kind .*'picked' is only set at run time \(set_fact or register\)/,
    );
  });

  it('names the kind and the task when the cluster does not serve the kind', async () => {
    const file = project({
      'watch.yml': [
        '- hosts: slaves',
        '  gather_facts: false',
        '  tasks:',
        '    - name: Sync widgets',
        '      k8s_sync:',
        '        objects: [{ api_version: example.com/v1, kind: Widget }]',
        '',
      ].join('\n'),
    });
    await assert.rejects(
      accessOf(file, 'west'),
      /task 'Sync widgets': k8s_sync\.objects\[0\]\.kind is Widget \(example\.com\/v1\), and no resource of west: the cluster does not serve Widget/,
    );
  });

  it('refuses tasks whose kinds are only known at run time: a dynamic include, manifest templates', async () => {
    const include = project({
      'watch.yml': [
        '- hosts: slaves',
        '  gather_facts: false',
        '  tasks:',
        '    - include_tasks: "{{ tasks_file }}"',
        '',
      ].join('\n'),
    });
    await assert.rejects(
      accessOf(include, 'west', { tasks_file: 'x.yml' }),
      /include_tasks of '\{\{ tasks_file \}\}' is only known at run time/,
    );
    const template = project({
      'watch.yml': [
        '- hosts: slaves',
        '  gather_facts: false',
        '  tasks:',
        '    - name: Apply manifests',
        '      k8s: { template: manifests.yaml.hbs }',
        '',
      ].join('\n'),
    });
    await assert.rejects(
      accessOf(template, 'west'),
      /task 'Apply manifests': k8s\.template names manifest files/,
    );
  });
});

describe('policyRules', () => {
  it('unites the verbs per resource and groups resources with the same verbs, in a stable order', () => {
    const rules = policyRules([
      { group: 'apps', resource: 'deployments', verbs: ['patch', 'get'] },
      { group: '', resource: 'secrets', verbs: ['list'] },
      { group: '', resource: 'configmaps', verbs: ['get', 'list'] },
      { group: '', resource: 'secrets', verbs: ['get'] },
    ]);
    assert.deepEqual(rules, [
      rule('', ['configmaps', 'secrets'], ['get', 'list']),
      rule('apps', ['deployments'], ['get', 'patch']),
    ]);
  });
});
