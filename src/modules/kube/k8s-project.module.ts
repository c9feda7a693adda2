/**
 * k8s_project: makes projects exist the way OpenShift makes them. Where `project.openshift.io` is
 * served, a missing project is created as `oc new-project` creates it — a ProjectRequest (POST;
 * OpenShift serves no other verb for it) with display name and description, which OpenShift
 * turns into a Namespace with the `openshift.io/display-name`, `openshift.io/description` and
 * `openshift.io/requester` annotations and makes the requester its admin — then waited for and
 * marked managed-by mcsync; an existing project is updated through its Project (a merge patch of
 * those annotations, which OpenShift writes through to the Namespace). Where it is not served, a
 * Namespace with the same annotations is server-side applied. A rerun that finds everything in
 * place writes nothing.
 */
import type { SchemaObject } from 'ajv';
import { McsyncError } from '../../errors.ts';
import type { ModuleContext, ModuleDefinition } from '../../model/module.ts';
import type { ModuleResult, ResultDiff } from '../../model/result.ts';
import {
  applyObject,
  getObject,
  kubeClientFor,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  objectDiff,
  patchObject,
  withManagedBy,
} from '../../kube/index.ts';
import type { KubeClient, KubeObject } from '../../kube/index.ts';

const DISPLAY = 'openshift.io/display-name';
const DESCRIPTION = 'openshift.io/description';
const POLL_MS = 200;

/** One project, in the seed's `vars/create.yml` shape. */
export interface ProjectSpec {
  name: string;
  /** Display name; default the name. */
  display?: string;
  description?: string;
}

export interface K8sProjectArgs {
  projects: ProjectSpec[];
  /** Seconds to wait for a requested project to appear; default 30. */
  wait_timeout?: number;
  /** Namespace fallback: take over annotations another field manager owns. Default true. */
  force_conflicts?: boolean;
}

const schema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['projects'],
  properties: {
    projects: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: { type: 'string', minLength: 1 },
          display: { type: 'string' },
          description: { type: 'string' },
        },
      },
    },
    wait_timeout: { type: 'number', minimum: 0 },
    force_conflicts: { type: 'boolean' },
  },
};

/** What happened to one project. */
export interface ProjectOutcome {
  name: string;
  kind: 'Project' | 'Namespace';
  action: 'created' | 'configured' | 'unchanged';
  /** How: `ProjectRequest`, `Project`, or server-side apply of a Namespace. */
  via: 'ProjectRequest' | 'Project' | 'apply';
  before?: KubeObject | undefined;
  after?: KubeObject | undefined;
}

const PROJECT_REF = { apiVersion: 'project.openshift.io/v1', kind: 'Project' };

function wantedAnnotations(p: ProjectSpec): Record<string, string> {
  return { [DISPLAY]: p.display ?? p.name, [DESCRIPTION]: p.description ?? '' };
}

async function waitForProject(client: KubeClient, name: string, context: ModuleContext, timeoutMs: number) {
  const { clock } = context.services;
  const deadline = clock.now() + timeoutMs;
  for (;;) {
    const found = await getObject(client, { ...PROJECT_REF, name });
    if (found) return found;
    if (clock.now() >= deadline)
      throw new McsyncError(
        `k8s_project: ${context.host} accepted the ProjectRequest for '${name}' but no Project appeared within ${timeoutMs / 1000} s`,
      );
    await clock.sleep(POLL_MS);
  }
}

async function requestProject(
  client: KubeClient,
  p: ProjectSpec,
  context: ModuleContext,
  timeoutMs: number,
): Promise<ProjectOutcome> {
  const wanted = wantedAnnotations(p);
  const base = {
    name: p.name,
    kind: 'Project' as const,
    action: 'created' as const,
    via: 'ProjectRequest' as const,
  };
  if (context.check)
    return { ...base, after: { ...PROJECT_REF, metadata: { name: p.name, annotations: wanted } } };
  await client.request({
    method: 'POST',
    path: '/apis/project.openshift.io/v1/projectrequests',
    body: {
      apiVersion: 'project.openshift.io/v1',
      kind: 'ProjectRequest',
      metadata: { name: p.name },
      displayName: wanted[DISPLAY],
      description: wanted[DESCRIPTION],
    },
  });
  await waitForProject(client, p.name, context, timeoutMs);
  const marked = await patchObject(
    client,
    { ...PROJECT_REF, name: p.name },
    { metadata: { labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE } } },
    { type: 'merge' },
  );
  return { ...base, after: marked.after };
}

async function updateProject(
  client: KubeClient,
  live: KubeObject,
  p: ProjectSpec,
  context: ModuleContext,
): Promise<ProjectOutcome> {
  const wanted = wantedAnnotations(p);
  const annotations = live.metadata?.annotations ?? {};
  const labels = live.metadata?.labels ?? {};
  const base = { name: p.name, kind: 'Project' as const, via: 'Project' as const, before: live };
  const stale = Object.entries(wanted).some(([k, v]) => annotations[k] !== v);
  if (!stale && labels[MANAGED_BY_LABEL] === MANAGED_BY_VALUE)
    return { ...base, action: 'unchanged', after: live };
  const result = await patchObject(
    client,
    { ...PROJECT_REF, name: p.name },
    { metadata: { annotations: wanted, labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE } } },
    { type: 'merge', dryRun: context.check },
  );
  return { ...base, action: result.changed ? 'configured' : 'unchanged', after: result.after };
}

async function applyNamespace(client: KubeClient, p: ProjectSpec, context: ModuleContext, force: boolean) {
  const ns = withManagedBy({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: p.name, annotations: wantedAnnotations(p) },
  });
  const r = await applyObject(client, ns, { dryRun: context.check, force });
  return {
    name: p.name,
    kind: 'Namespace' as const,
    action: r.action,
    via: 'apply' as const,
    before: r.before,
    after: r.after,
  };
}

export const k8sProjectModule: ModuleDefinition<K8sProjectArgs> = {
  name: 'k8s_project',
  aliases: ['mcsync.k8s_project'],
  description:
    'Projects as OpenShift makes them (ProjectRequest, then the Project), or Namespaces with the same annotations.',
  supportsCheckMode: true,
  argsSchema: schema,
  async run(args, context) {
    const client = await kubeClientFor(context);
    const openshift = await client.serves('project.openshift.io');
    const timeoutMs = (args.wait_timeout ?? 30) * 1000;
    const outcomes: ProjectOutcome[] = [];
    for (const p of args.projects) {
      if (!openshift) {
        outcomes.push(await applyNamespace(client, p, context, args.force_conflicts ?? true));
        continue;
      }
      const live = await getObject(client, { ...PROJECT_REF, name: p.name });
      outcomes.push(
        live
          ? await updateProject(client, live, p, context)
          : await requestProject(client, p, context, timeoutMs),
      );
    }
    return result(outcomes, openshift, context);
  },
};

function result(
  outcomes: readonly ProjectOutcome[],
  openshift: boolean,
  context: ModuleContext,
): ModuleResult {
  const count = (a: ProjectOutcome['action']): number => outcomes.filter((o) => o.action === a).length;
  const summary = (['created', 'configured', 'unchanged'] as const)
    .filter((a) => count(a) > 0)
    .map((a) => `${count(a)} ${a}`)
    .join(', ');
  const out: ModuleResult = {
    changed: outcomes.some((o) => o.action !== 'unchanged'),
    openshift,
    projects: outcomes.map((o) => ({ name: o.name, kind: o.kind, action: o.action, via: o.via })),
    msg: `${summary || 'no projects'} (${openshift ? 'project.openshift.io' : 'Namespaces: project.openshift.io is not served'})`,
  };
  if (context.diff) {
    const diffs: ResultDiff[] = outcomes
      .filter((o) => o.action !== 'unchanged')
      .map((o) => objectDiff(o.before, o.after));
    if (diffs.length) out.diff = diffs;
  }
  return out;
}
