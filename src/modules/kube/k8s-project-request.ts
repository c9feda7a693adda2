/**
 * `state: present` of a `project.openshift.io/v1` Project, as OpenShift makes projects: a missing
 * one is requested the way `oc new-project` requests it — a ProjectRequest (POST; OpenShift serves
 * no other verb for it) with the display name and description from the Project's
 * `openshift.io/display-name` / `openshift.io/description` annotations, which OpenShift turns into
 * a Namespace with those annotations plus `openshift.io/requester`, making the requester its
 * admin — then, once the Project appears, the declared Project is applied over it (labels such as
 * the managed-by mark; OpenShift writes Project edits through to the Namespace). An existing
 * Project is applied as any object. In check mode a missing Project is reported `created`
 * without asking (a ProjectRequest has no dry run).
 */
import { McsyncError } from '../../errors.ts';
import { applyObject, getObject, refOf } from '../../kube/index.ts';
import type { KubeObject } from '../../kube/index.ts';
import type { ObjectOutcome, StepSettings } from './k8s-steps.ts';

const DISPLAY = 'openshift.io/display-name';
const DESCRIPTION = 'openshift.io/description';
const POLL_MS = 200;
const WAIT_MS = 30_000;

/** True for an OpenShift Project (the object kind, on a cluster that serves it as such). */
export function isOpenShiftProject(object: KubeObject): boolean {
  return object.kind === 'Project' && (object.apiVersion ?? '').startsWith('project.openshift.io/');
}

async function waitForProject(settings: StepSettings, name: string): Promise<void> {
  const { clock } = settings;
  const ref = { apiVersion: 'project.openshift.io/v1', kind: 'Project', name };
  const deadline = clock.now() + WAIT_MS;
  while (!(await getObject(settings.client, ref))) {
    if (clock.now() >= deadline)
      throw new McsyncError(
        `the cluster accepted the ProjectRequest for '${name}' but no Project appeared within ${WAIT_MS / 1000} s`,
      );
    await clock.sleep(POLL_MS);
  }
}

/** Requests a missing Project, then applies it; an existing one is only applied. */
export async function presentProject(object: KubeObject, settings: StepSettings): Promise<ObjectOutcome> {
  const ref = refOf(object);
  const live = await getObject(settings.client, ref);
  if (!live && settings.check) {
    settings.planned.namespaces.add(ref.name);
    return {
      ref,
      action: 'created',
      changed: true,
      before: undefined,
      after: object,
      msg: 'would be requested (ProjectRequest)',
    };
  }
  if (!live) {
    const annotations = object.metadata?.annotations ?? {};
    await settings.client.request({
      method: 'POST',
      path: '/apis/project.openshift.io/v1/projectrequests',
      body: {
        apiVersion: 'project.openshift.io/v1',
        kind: 'ProjectRequest',
        metadata: { name: ref.name },
        displayName: annotations[DISPLAY] ?? '',
        description: annotations[DESCRIPTION] ?? '',
      },
    });
    await waitForProject(settings, ref.name);
  }
  const result = await applyObject(settings.client, object, {
    force: settings.force,
    dryRun: settings.check,
  });
  if (live)
    return {
      ref: result.ref,
      action: result.action,
      changed: result.changed,
      before: result.before,
      after: result.after,
    };
  return {
    ref: result.ref,
    action: 'created',
    changed: true,
    before: undefined,
    after: result.after,
    msg: 'requested (ProjectRequest)',
  };
}
