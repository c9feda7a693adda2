// mcsync init's library: host names from context names, the files written, the refusals, and
// that the generated vars files load in the seed's shapes (src/project/init-project.ts).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { LoadError, UsageError } from '../../../src/errors.ts';
import { loadInventory } from '../../../src/inventory/index.ts';
import { loadVarsFile } from '../../../src/load/index.ts';
import { hostNameFor, hostNamesForContexts } from '../../../src/project/host-names.ts';
import { initProject } from '../../../src/project/init-project.ts';
import type { InitRequest } from '../../../src/project/init-project.ts';
import { readProjectConfig } from '../../../src/project/project-config.ts';
import { KUBECONFIG_SECRETS, kubeconfigFor, uncommentExamples } from '../../support/init-project.ts';

const repoRoot = new URL('../../../', import.meta.url).pathname;

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mcsync-init-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A temp dir with `kubeconfig` in it and a request to init `project` there. */
async function setup(
  t: TestContext,
  contexts: readonly string[],
  current?: string,
): Promise<{ dir: string; request: InitRequest }> {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'kubeconfig'), kubeconfigFor(contexts, current));
  return { dir, request: { dir: 'project', kubeconfig: 'kubeconfig', force: false, env: {}, cwd: dir } };
}

async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describe('host names from kubeconfig context names', () => {
  it('keeps a plain name and shortens the names oc login and aws eks write', () => {
    assert.equal(hostNameFor('east'), 'east');
    assert.equal(hostNameFor('kind-dev_1'), 'kind-dev_1');
    assert.equal(hostNameFor('default/api-crc-testing:6443/kubeadmin'), 'crc-testing');
    assert.equal(hostNameFor('myproject/api.prod.example.com:6443/kube:admin'), 'api-prod-example-com');
    assert.equal(hostNameFor('arn:aws:eks:eu-west-1:123456789012:cluster/prod'), 'prod');
  });

  it('replaces what host patterns and templates read specially, and never takes a group name', () => {
    assert.equal(hostNameFor('gke_proj_us-central1-a_web'), 'gke_proj_us-central1-a_web');
    assert.equal(hostNameFor('team a: staging [eu]!'), 'team-a-staging-eu');
    assert.equal(hostNameFor('east.example.com'), 'east-example-com');
    assert.equal(hostNameFor('*'), 'cluster');
    assert.equal(hostNameFor('master'), 'master-cluster');
    assert.equal(hostNameFor('all'), 'all-cluster');
    assert.equal(hostNameFor('localhost'), 'localhost-cluster');
  });

  it('makes the names unique in context order', () => {
    const names = hostNamesForContexts(['east', 'east!', 'east?', 'east-2']);
    assert.deepEqual([...names.values()], ['east', 'east-2', 'east-3', 'east-2-2']);
  });
});

describe('initProject', () => {
  it('writes an inventory with one host per context, master the current context, and no secret', async (t) => {
    const { dir, request } = await setup(t, ['west', 'east', 'default/api-south:6443/admin'], 'east');
    const result = await initProject(request);
    const project = join(dir, 'project');
    assert.deepEqual(await filesUnder(project), [
      'inventory/hosts.yml',
      'mcsync.yaml',
      'playbooks/create.yml',
      'playbooks/sync.yml',
      'vars/create.yml',
      'vars/sync.yml',
    ]);
    assert.deepEqual(result.master, { host: 'east', context: 'east' });
    const inventory = await loadInventory([join(project, 'inventory')]);
    assert.deepEqual(inventory.groupHosts('master'), ['east']);
    assert.deepEqual(inventory.groupHosts('slaves'), ['west', 'south']);
    const kubeconfig = join(dir, 'kubeconfig');
    const south = inventory.hostVars('south');
    assert.equal(south['kubeconfig'], kubeconfig);
    assert.equal(south['context'], 'default/api-south:6443/admin');
    const hostsFile = parse(await readFile(join(project, 'inventory/hosts.yml'), 'utf8')) as {
      all: { children: Record<string, { hosts: Record<string, Record<string, unknown>> }> };
    };
    for (const group of Object.values(hostsFile.all.children))
      for (const vars of Object.values(group.hosts))
        assert.deepEqual(Object.keys(vars), ['kubeconfig', 'context']);
    for (const file of await filesUnder(project)) {
      const text = await readFile(join(project, file), 'utf8');
      for (const secret of KUBECONFIG_SECRETS) assert.ok(!text.includes(secret), `${file} holds ${secret}`);
    }
  });

  it('--master picks another context; the playbooks are the shipped ones; mcsync.yaml finds the roles', async (t) => {
    const { dir, request } = await setup(t, ['east', 'west'], 'east');
    const result = await initProject({ ...request, master: 'west' });
    assert.deepEqual(result.master, { host: 'west', context: 'west' });
    assert.deepEqual(result.slaves, [{ host: 'east', context: 'east' }]);
    const project = join(dir, 'project');
    for (const name of ['create.yml', 'sync.yml']) {
      assert.equal(
        await readFile(join(project, 'playbooks', name), 'utf8'),
        await readFile(join(repoRoot, 'playbooks', name), 'utf8'),
      );
    }
    const config = await readProjectConfig(project);
    assert.deepEqual(config.inventory, [join(project, 'inventory')]);
    assert.deepEqual(config.rolesPath, [join(repoRoot, 'roles')]);
  });

  it('a single context is the master and slaves is empty', async (t) => {
    const { dir, request } = await setup(t, ['only']);
    const result = await initProject(request);
    assert.deepEqual(result.slaves, []);
    const inventory = await loadInventory([join(dir, 'project', 'inventory')]);
    assert.deepEqual(inventory.groupHosts('master'), ['only']);
    assert.deepEqual(inventory.groupHosts('slaves'), []);
  });

  it('refuses to overwrite any existing file, naming it, and writes nothing at all', async (t) => {
    const { dir, request } = await setup(t, ['east', 'west'], 'east');
    const project = join(dir, 'project');
    await mkdir(join(project, 'vars'), { recursive: true });
    await writeFile(join(project, 'vars', 'sync.yml'), 'mine: true\n');
    await assert.rejects(initProject(request), (error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.match(error.message, /already has vars\/sync\.yml; nothing was written\. Pass --force/);
      return true;
    });
    assert.deepEqual(await filesUnder(project), ['vars/sync.yml']);
    assert.equal(await readFile(join(project, 'vars', 'sync.yml'), 'utf8'), 'mine: true\n');
  });

  it('--force overwrites and reports what it replaced', async (t) => {
    const { dir, request } = await setup(t, ['east', 'west'], 'east');
    const project = join(dir, 'project');
    await mkdir(project, { recursive: true });
    await writeFile(join(project, 'mcsync.yaml'), 'forks: 3\n');
    const result = await initProject({ ...request, force: true });
    assert.deepEqual(result.overwritten, ['mcsync.yaml']);
    assert.match(await readFile(join(project, 'mcsync.yaml'), 'utf8'), /^roles_path:/m);
  });

  it('refuses, even with --force, when a target is a directory or a parent is a file', async (t) => {
    const { dir, request } = await setup(t, ['east'], 'east');
    const project = join(dir, 'project');
    await mkdir(join(project, 'vars', 'create.yml'), { recursive: true });
    await assert.rejects(initProject({ ...request, force: true }), /vars\/create\.yml: it is a directory/);
    await rm(join(project, 'vars'), { recursive: true });
    await writeFile(join(project, 'playbooks'), 'a file\n');
    await assert.rejects(initProject({ ...request, force: true }), /playbooks is a file, not a directory/);
    assert.deepEqual(await filesUnder(project), ['playbooks']);
  });

  it('an empty kubeconfig, a missing one and an unknown --master are errors that say what to do', async (t) => {
    const empty = await setup(t, []);
    await assert.rejects(initProject(empty.request), (error: unknown) => {
      assert.ok(error instanceof LoadError);
      assert.match(error.message, /kubeconfig .*kubeconfig has no contexts.*kubectl config set-context/);
      return true;
    });
    assert.equal(existsSync(join(empty.dir, 'project')), false);
    await assert.rejects(
      initProject({ ...empty.request, kubeconfig: 'nope.yaml' }),
      /kubeconfig .*nope\.yaml \(the file given\) does not exist/,
    );
    const two = await setup(t, ['east', 'west'], 'east');
    await assert.rejects(initProject({ ...two.request, master: 'wset' }), (error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.match(
        error.message,
        /--master wset: no such context .*did you mean 'west'\?.*it has: east, west/,
      );
      return true;
    });
  });

  it('without a current-context, several contexts need --master', async (t) => {
    const { request } = await setup(t, ['east', 'west']);
    await assert.rejects(
      initProject(request),
      /has no current-context; choose the master with --master CONTEXT \(one of: east, west\)/,
    );
  });

  it('the default kubeconfig is the first file of KUBECONFIG', async (t) => {
    const { dir, request } = await setup(t, ['east', 'west'], 'west');
    const result = await initProject({
      ...request,
      kubeconfig: undefined,
      env: { KUBECONFIG: `${join(dir, 'kubeconfig')}:${join(dir, 'other')}` },
    });
    assert.equal(result.kubeconfig, join(dir, 'kubeconfig'));
    assert.equal(result.master.host, 'west');
  });
});

describe('the generated vars files', () => {
  it('load as written (nothing set) and, uncommented, set exactly the keys of the roles in the seed shapes', async (t) => {
    const { dir, request } = await setup(t, ['east', 'west'], 'east');
    await initProject(request);
    const vars = join(dir, 'project', 'vars');
    for (const name of ['create.yml', 'sync.yml']) assert.deepEqual(await loadVarsFile(join(vars, name)), {});
    const uncommented = async (name: string): Promise<Record<string, unknown>> => {
      const file = join(dir, `uncommented-${name}`);
      await writeFile(file, uncommentExamples(await readFile(join(vars, name), 'utf8')));
      return loadVarsFile(file);
    };
    const create = await uncommented('create.yml');
    const createDefaults = parse(
      await readFile(join(repoRoot, 'roles/create/defaults/main.yml'), 'utf8'),
    ) as object;
    assert.deepEqual(
      Object.keys(create).sort(),
      Object.keys(createDefaults)
        .filter((key) => key !== 'create_force_conflicts')
        .sort(),
    );
    assert.deepEqual(create['projects'], [
      { name: 'team-a', display: 'Team A', description: 'Applications of team A' },
    ]);
    assert.deepEqual(create['serviceaccounts'], [{ name: 'deployer', project: 'team-a' }]);
    const sync = await uncommented('sync.yml');
    const syncDefaults = parse(
      await readFile(join(repoRoot, 'roles/sync/defaults/main.yml'), 'utf8'),
    ) as object;
    for (const key of Object.keys(sync))
      assert.ok(key in syncDefaults, `vars/sync.yml sets ${key}, unknown to roles/sync`);
    assert.deepEqual(sync['imagestreams'], [{ name: 'app', project: 'team-a' }]);
    assert.deepEqual(sync['dockerpullsecret'], {
      serviceaccount: 'deployer',
      project: 'team-a',
      registryhost: '',
    });
  });
});
