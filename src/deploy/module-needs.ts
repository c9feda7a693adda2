/**
 * What each Kubernetes module of a task asks of which cluster: the kinds it reads and writes and
 * the verbs its requests use, read off the module's code paths (src/modules/kube):
 *
 * - k8s_sync lists each selected kind on the source; on the target it lists the kind, writes by
 *   server-side apply (PATCH, which needs `create` too when the object is new), reads back
 *   single objects (ImageStream imports), deletes only with `prune`; `create_namespace` lists and
 *   applies Namespaces; a `service_account` selector reads the ServiceAccount on the source and
 *   creates or patches it on the target.
 * - k8s_info gets or lists.
 * - k8s gets the live object, then applies (present), deletes (absent) or patches (patched);
 *   an `apply_set` keeps its parent ConfigMap, and `prune` lists and deletes the set's kinds.
 */
import type { SourceLocation } from '../errors.ts';
import { parseAllDocuments } from 'yaml';
import type { Vars } from '../model/vars.ts';
import type { StaticScope, TaskFrame } from './task-values.ts';
import { AccessRulesError, staticBoolean, staticString, staticValue, taskWhere } from './task-values.ts';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';

/** The order verbs are listed in rules, as `kubectl create role` prints them. */
export const VERB_ORDER: readonly Verb[] = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

/** One kind a task needs on one cluster, and where in the playbook that need comes from. */
export interface KindNeed {
  /** The inventory host whose API server the requests go to. */
  host: string;
  apiVersion: string;
  kind: string;
  verbs: readonly Verb[];
  /** Where the need comes from, for errors about the kind: the task's file:line:col, label and key. */
  location: SourceLocation;
  task: string;
  /** e.g. `k8s_sync.objects[0].kind`. */
  key: string;
}

/** Where one frame of a task runs. */
export interface TaskSite {
  frame: TaskFrame;
  /** The host the module runs for (the play's host, or its delegate_to). */
  host: string;
  /** The hosts of group `master`: k8s_sync's default source. */
  masters: readonly string[];
  scope: StaticScope;
}

type NeedsOf = (args: Vars, site: TaskSite) => KindNeed[];

const READ: readonly Verb[] = ['get', 'list'];
const APPLY: readonly Verb[] = ['get', 'list', 'create', 'patch'];

function need(
  site: TaskSite,
  host: string,
  apiVersion: string,
  kind: string,
  verbs: readonly Verb[],
  key: string,
): KindNeed {
  const { location, label } = taskWhere(site.frame.task);
  return { host, apiVersion, kind, verbs, location, task: label, key };
}

function fail(site: TaskSite, key: string, message: string): AccessRulesError {
  const { location, label } = taskWhere(site.frame.task);
  return new AccessRulesError(`${label}: ${key} ${message}`, { location, key });
}

/** A list argument: a template rendering to a list, or a literal list. */
function staticList(site: TaskSite, key: string, raw: unknown): unknown[] {
  const value = typeof raw === 'string' ? staticValue(site.frame, key, raw, site.scope) : raw;
  if (Array.isArray(value)) return value;
  throw fail(site, key, `must be a list, got ${JSON.stringify(value)}`);
}

function mapping(site: TaskSite, key: string, raw: unknown): Vars {
  const value = typeof raw === 'string' ? staticValue(site.frame, key, raw, site.scope) : raw;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Vars;
  throw fail(site, key, `must be a mapping, got ${JSON.stringify(value)}`);
}

function apiVersionOf(site: TaskSite, key: string, raw: unknown): string {
  return raw === undefined ? 'v1' : staticString(site.frame, key, raw, site.scope);
}

/** k8s_sync's source: `from`, else the single host of group master (as the module decides). */
function syncSource(args: Vars, site: TaskSite): string {
  const from =
    args['from'] === undefined ? '' : staticValue(site.frame, 'k8s_sync.from', args['from'], site.scope);
  if (typeof from === 'string' && from !== '') return from;
  if (site.masters.length === 1) return site.masters[0] as string;
  throw fail(
    site,
    'k8s_sync.from',
    `is empty and group 'master' has ${site.masters.length} hosts; the rules need the one source`,
  );
}

const syncNeeds: NeedsOf = (args, site) => {
  const source = syncSource(args, site);
  if (source === site.host) return []; // k8s_sync skips its own source
  const prune = staticBoolean(site.frame, 'k8s_sync.prune', args['prune'], false, site.scope);
  const createNamespace = staticBoolean(
    site.frame,
    'k8s_sync.create_namespace',
    args['create_namespace'],
    false,
    site.scope,
  );
  const needs: KindNeed[] = [];
  const selectors = staticList(site, 'k8s_sync.objects', args['objects']);
  selectors.forEach((raw, index) => {
    const key = `k8s_sync.objects[${index}]`;
    const selector = mapping(site, key, raw);
    const apiVersion = apiVersionOf(site, `${key}.api_version`, selector['api_version']);
    const kind = staticString(site.frame, `${key}.kind`, selector['kind'], site.scope);
    needs.push(need(site, source, apiVersion, kind, READ, `${key}.kind`));
    needs.push(need(site, site.host, apiVersion, kind, prune ? [...APPLY, 'delete'] : APPLY, `${key}.kind`));
    if (selector['service_account'] !== undefined) {
      const saKey = `${key}.service_account`;
      needs.push(need(site, source, 'v1', 'ServiceAccount', ['get'], saKey));
      needs.push(need(site, site.host, 'v1', 'ServiceAccount', ['get', 'create', 'patch'], saKey));
    }
  });
  if (createNamespace && selectors.length)
    needs.push(need(site, site.host, 'v1', 'Namespace', APPLY, 'k8s_sync.create_namespace'));
  return needs;
};

const infoNeeds: NeedsOf = (args, site) => {
  const apiVersion = apiVersionOf(site, 'k8s_info.api_version', args['api_version']);
  const kind = staticString(site.frame, 'k8s_info.kind', args['kind'], site.scope);
  return [need(site, site.host, apiVersion, kind, READ, 'k8s_info.kind')];
};

const STATE_VERBS: Readonly<Record<string, readonly Verb[]>> = {
  present: ['get', 'create', 'patch'],
  absent: ['get', 'delete'],
  patched: ['get', 'patch'],
};

/** The apiVersion and kind of each object a k8s task names, with the key it comes from. */
function k8sKinds(args: Vars, site: TaskSite): { apiVersion: string; kind: string; key: string }[] {
  for (const key of ['template', 'src'] as const) {
    if (args[key] !== undefined)
      throw fail(
        site,
        `k8s.${key}`,
        'names manifest files, whose kinds the access rules do not read; give the objects inline ' +
          '(definition, or kind and api_version) in a playbook the observer runs',
      );
  }
  if (args['definition'] === undefined) {
    const kind = staticString(site.frame, 'k8s.kind', args['kind'], site.scope);
    return [
      { apiVersion: apiVersionOf(site, 'k8s.api_version', args['api_version']), kind, key: 'k8s.kind' },
    ];
  }
  let definition =
    typeof args['definition'] === 'string'
      ? staticValue(site.frame, 'k8s.definition', args['definition'], site.scope)
      : args['definition'];
  if (typeof definition === 'string')
    definition = parseAllDocuments(definition)
      .map((doc) => doc.toJS() as unknown)
      .filter((d) => d !== null);
  const objects = Array.isArray(definition) ? definition : [definition];
  return objects.map((raw, index) => {
    const key = `k8s.definition[${index}]`;
    const object = mapping(site, key, raw);
    return {
      apiVersion: staticString(site.frame, `${key}.apiVersion`, object['apiVersion'], site.scope),
      kind: staticString(site.frame, `${key}.kind`, object['kind'], site.scope),
      key: `${key}.kind`,
    };
  });
}

const k8sNeeds: NeedsOf = (args, site) => {
  const state =
    args['state'] === undefined
      ? 'present'
      : staticString(site.frame, 'k8s.state', args['state'], site.scope);
  const verbs = STATE_VERBS[state];
  if (!verbs) throw fail(site, 'k8s.state', `is '${state}'; expected present, absent or patched`);
  const prune = staticBoolean(site.frame, 'k8s.prune', args['prune'], false, site.scope);
  const applySet = args['apply_set'] !== undefined;
  const needs = k8sKinds(args, site).map((k) =>
    need(
      site,
      site.host,
      k.apiVersion,
      k.kind,
      applySet && prune ? [...verbs, 'list', 'delete'] : verbs,
      k.key,
    ),
  );
  if (applySet)
    needs.push(need(site, site.host, 'v1', 'ConfigMap', ['get', 'create', 'patch'], 'k8s.apply_set'));
  return needs;
};

/** The modules whose cluster access is derived, by their canonical name. */
export const MODULE_NEEDS: ReadonlyMap<string, NeedsOf> = new Map([
  ['k8s_sync', syncNeeds],
  ['k8s_info', infoNeeds],
  ['k8s', k8sNeeds],
]);

/**
 * Modules that reach a cluster or registry in ways the rules do not derive (image_copy and
 * ImageStreamTags, hub_failover's leader record): an error at deploy time, not missing access
 * found at the first event.
 */
export const UNDERIVED_MODULES: ReadonlySet<string> = new Set(['image_copy', 'hub_failover']);
