// The create role against clusters that serve project.openshift.io (`--openshift-projects`: the
// sandbox's Project and ProjectRequest CRDs with its project controller): a missing project is
// requested as `oc new-project` does, an existing one is updated through its Project.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { sandboxClusters } from '../../support/clusters.ts';
import { cleanupNamespace, mcsyncPlay } from './helpers.ts';

const sandbox = await sandboxClusters({ after }, { clusters: 2, openshiftProjects: true });

interface Meta {
  metadata: { annotations?: Record<string, string>; labels?: Record<string, string> };
}

const createPlay = (projects: unknown[], flags: string[] = []) =>
  mcsyncPlay([
    'playbooks/create.yml',
    '-i',
    sandbox.inventoryFile,
    '--output',
    'json',
    '-e',
    JSON.stringify({
      projects,
      users: [],
      permissions: [],
      serviceaccounts: [
        { name: 'deployer', project: projects.length ? (projects[0] as { name: string }).name : '' },
      ],
    }),
    ...flags,
  ]);

describe('the create role where project.openshift.io is served', () => {
  it('creates projects through ProjectRequest with display name, description and requester; a rerun changes nothing; an edit goes through the Project', async (t) => {
    const name = `proj-${Math.random().toString(16).slice(2, 8)}`;
    cleanupNamespace(t, sandbox.clusters, name);
    const check = await createPlay(
      [{ name, display: 'Shop (EMEA)', description: 'the web shop' }],
      ['--check'],
    );
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.match(JSON.stringify(check.doc), /would be requested \(ProjectRequest\)/);
    for (const c of sandbox.clusters)
      assert.equal(
        (await c.admin.get(`/api/v1/namespaces/${name}`)).status,
        404,
        `check mode wrote nothing on ${c.name}`,
      );

    const first = await createPlay([{ name, display: 'Shop (EMEA)', description: 'the web shop' }]);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    for (const c of sandbox.clusters) {
      const ns = (await c.admin.get(`/api/v1/namespaces/${name}`)).json as Meta;
      assert.deepEqual(
        {
          display: ns.metadata.annotations?.['openshift.io/display-name'],
          description: ns.metadata.annotations?.['openshift.io/description'],
          requester: ns.metadata.annotations?.['openshift.io/requester'],
        },
        { display: 'Shop (EMEA)', description: 'the web shop', requester: 'admin' },
        c.name,
      );
      const admin = await c.admin.get(
        `/apis/rbac.authorization.k8s.io/v1/namespaces/${name}/rolebindings/admin`,
      );
      assert.equal(admin.status, 200, `the requester is admin of the project on ${c.name}`);
      const sa = await c.admin.get(`/api/v1/namespaces/${name}/serviceaccounts/deployer`);
      assert.equal(sa.status, 200, `the same task wrote into the requested project on ${c.name}`);
      const project = (await c.admin.get(`/apis/project.openshift.io/v1/projects/${name}`)).json as Meta;
      assert.equal(project.metadata.annotations?.['openshift.io/display-name'], 'Shop (EMEA)');
      assert.equal(project.metadata.labels?.['app.kubernetes.io/managed-by'], 'mcsync');
      const requests = (await c.admin.get('/apis/project.openshift.io/v1/projectrequests')).json as {
        items: unknown[];
      };
      assert.equal(requests.items.length, 0, 'ProjectRequests are not kept, as on OpenShift');
    }

    const rerun = await createPlay([{ name, display: 'Shop (EMEA)', description: 'the web shop' }]);
    assert.equal(rerun.code, 0, rerun.stdout + rerun.stderr);
    for (const c of sandbox.clusters) assert.equal(rerun.doc?.recap[c.name]?.changed, 0, c.name);

    const renamed = await createPlay([{ name, display: 'Shop (Europe)', description: 'the web shop' }]);
    assert.equal(renamed.code, 0, renamed.stdout + renamed.stderr);
    for (const c of sandbox.clusters) {
      assert.equal(renamed.doc?.recap[c.name]?.changed, 1, c.name);
      const deadline = Date.now() + 10_000;
      let display: string | undefined;
      while (Date.now() < deadline) {
        const ns = (await c.admin.get(`/api/v1/namespaces/${name}`)).json as Meta;
        display = ns.metadata.annotations?.['openshift.io/display-name'];
        if (display === 'Shop (Europe)') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(display, 'Shop (Europe)', `the Project edit reached the Namespace on ${c.name}`);
    }
  });
});
