/**
 * The RBAC rules the observer's identity needs on one cluster, derived from the watch playbook it
 * runs: on the observed cluster, get/list/watch of the observed resource, the kinds the
 * playbook reads there (k8s_sync's source, k8s_info) and the Lease it elects a leader on, in its
 * own namespace; on each target, the verbs k8s_sync, k8s and k8s_info use for exactly the kinds
 * they touch there. Kinds are mapped to API groups and resources by the cluster's own discovery
 * (the mapping the modules use when they run), so a kind the cluster does not serve fails here,
 * at deploy time, naming the task and key it comes from.
 */
import { errorMessage } from '../errors.ts';
import type { Vars } from '../model/vars.ts';
import type { KindNeed, Verb } from './module-needs.ts';
import { VERB_ORDER } from './module-needs.ts';
import type { PlaybookNeedsInput } from './playbook-needs.ts';
import { playbookNeeds } from './playbook-needs.ts';
import { AccessRulesError } from './task-values.ts';

/** One rule of a ClusterRole or Role. */
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: Verb[];
}

/** A kind's API group and plural resource on one cluster. */
export interface ResourceName {
  group: string;
  resource: string;
}

/** Maps kinds to resources on the cluster the rules are for (its discovery). */
export type KindResolver = (apiVersion: string, kind: string) => Promise<ResourceName>;

/** What is watched, and where: the resource as discovery resolved it on the observed host. */
export interface ObservedResource extends ResourceName {
  host: string;
  apiVersion: string;
  kind: string;
  namespaced: boolean;
}

export interface ObserverAccessInput extends Omit<PlaybookNeedsInput, 'magic'> {
  observed: ObservedResource;
  /** Whether the observer runs with `--prune` (watch mode's `observed.prune`); default false. */
  prune?: boolean;
  /** Namespace of the leader-election Lease on the observed host; absent: no leader election. */
  leaseNamespace?: string;
}

/** One cluster's rules: cluster-wide (a ClusterRole) and per namespace (Roles). */
export interface HostAccess {
  rules: PolicyRule[];
  namespaceRules: Record<string, PolicyRule[]>;
}

interface Grant extends ResourceName {
  verbs: readonly Verb[];
}

/** The observer's Lease lock (src/observe/lease-lock.ts): read, create, renew and release. */
const LEASE: Grant = { group: 'coordination.k8s.io', resource: 'leases', verbs: ['get', 'create', 'update'] };

/**
 * Watch mode's `observed` variable as far as it is known before anything changes: what is watched
 * and where (src/observe sets the same keys per event and per pass), the selection of a pass,
 * and `--prune`. The object's namespace, name and type, and a pass's batch, are not, so the rules
 * are cluster-wide.
 */
export function knownObserved(observed: ObservedResource, prune: boolean): Vars {
  return {
    kind: observed.kind,
    apiVersion: observed.apiVersion,
    resource: observed.resource,
    namespaced: observed.namespaced,
    cluster: observed.host,
    selection: { api_version: observed.apiVersion, kind: observed.kind },
    prune,
  };
}

/** The access the observer needs on `host`. */
export async function observerAccess(
  host: string,
  input: ObserverAccessInput,
  resolve: KindResolver,
): Promise<HostAccess> {
  const { observed } = input;
  const needs = playbookNeeds({
    ...input,
    magic: { observed: knownObserved(observed, input.prune ?? false) },
  });
  const grants = await resolveNeeds(
    needs.filter((n) => n.host === host),
    resolve,
  );
  const namespaceRules: Record<string, PolicyRule[]> = {};
  if (host === observed.host) {
    grants.push({ group: observed.group, resource: observed.resource, verbs: ['get', 'list', 'watch'] });
    if (input.leaseNamespace) namespaceRules[input.leaseNamespace] = policyRules([LEASE]);
  }
  return { rules: policyRules(grants), namespaceRules };
}

/** Resolves each need's kind once per apiVersion/kind; a kind the cluster lacks names its origin. */
async function resolveNeeds(needs: readonly KindNeed[], resolve: KindResolver): Promise<Grant[]> {
  const resolved = new Map<string, Promise<ResourceName>>();
  return Promise.all(
    needs.map(async (n) => {
      const id = `${n.apiVersion}|${n.kind}`;
      let name = resolved.get(id);
      if (!name) resolved.set(id, (name = resolve(n.apiVersion, n.kind)));
      try {
        return { ...(await name), verbs: n.verbs };
      } catch (error) {
        throw new AccessRulesError(
          `${n.task}: ${n.key} is ${n.kind} (${n.apiVersion}), and no resource of ${n.host}: ${errorMessage(error)}`,
          { location: n.location, key: n.key, cause: error },
        );
      }
    }),
  );
}

/**
 * Merges grants into rules: the verbs of each group/resource united, then resources with the
 * same group and verbs in one rule. Sorted, so the rendered Role is the same on every run.
 */
export function policyRules(grants: readonly Grant[]): PolicyRule[] {
  const verbsOf = new Map<string, Set<Verb>>();
  for (const g of grants) {
    const id = `${g.group}|${g.resource}`;
    const verbs = verbsOf.get(id) ?? new Set<Verb>();
    for (const v of g.verbs) verbs.add(v);
    verbsOf.set(id, verbs);
  }
  const rules = new Map<string, PolicyRule>();
  for (const [id, set] of [...verbsOf.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const [group = '', resource = ''] = id.split('|');
    const verbs = VERB_ORDER.filter((v) => set.has(v));
    const key = `${group}|${verbs.join(',')}`;
    const rule = rules.get(key);
    if (rule) rule.resources.push(resource);
    else rules.set(key, { apiGroups: [group], resources: [resource], verbs });
  }
  return [...rules.values()];
}
