/**
 * k8s_access_rules: the RBAC rules a watch playbook needs on the task's host, for the identity
 * `mcsync observe --playbook` runs it with (src/deploy/access-rules.ts). Reads the playbook and
 * vars files, resolves kinds through this host's discovery, writes nothing. The result's `rules`
 * go into a ClusterRole and `namespace_rules` (the Lease, on the observed host) into Roles, as
 * playbooks/deploy-observer.yml does; `vars_files` are the vars files' absolute paths.
 */
import { isAbsolute, resolve } from 'node:path';
import { errorMessage } from '../../errors.ts';
import type { ModuleContext, ModuleDefinition, ModuleRegistry } from '../../model/module.ts';
import type { Vars } from '../../model/vars.ts';
import { kubeClientFor } from '../../kube/index.ts';
import { observerAccess } from '../../deploy/access-rules.ts';
import { discoveryResolver, groupsScope, observedResource } from '../../deploy/discovery-resolver.ts';
import { loadWatchPlaybook } from '../../deploy/watch-playbook.ts';

export interface K8sAccessRulesArgs {
  /** The watch playbook, relative to this playbook's directory. */
  playbook: string;
  /** Vars files it runs with (`-e @FILE`), in order. */
  vars_files?: string[];
  /** More extra vars, over the files. */
  extra_vars?: Vars;
  /** The observed resource, as `mcsync observe RESOURCE` takes it (e.g. `imagestreams`). */
  observe: string;
  /** The observed cluster; default the single host of group master. */
  observed_host?: string;
  /** The inventory the playbook runs with, as group -> hosts; default this run's groups. */
  groups?: Record<string, string[]>;
  /** Namespace of the leader-election Lease on the observed host. */
  lease_namespace?: string;
  /** Whether the observer runs with `--prune` (`observed.prune`); default false. */
  prune?: boolean;
}

const hostList = { type: 'array', items: { type: 'string', minLength: 1 } };

export const k8sAccessRulesModule: ModuleDefinition<K8sAccessRulesArgs> = {
  name: 'k8s_access_rules',
  aliases: ['mcsync.k8s_access_rules'],
  description:
    "The RBAC rules a watch playbook needs on the host (observed resource, kinds read and written, Lease), from the host's discovery.",
  supportsCheckMode: true,
  argsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['playbook', 'observe'],
    properties: {
      playbook: { type: 'string', minLength: 1 },
      vars_files: { type: 'array', items: { type: 'string', minLength: 1 } },
      extra_vars: { type: 'object' },
      observe: { type: 'string', minLength: 1 },
      observed_host: { type: 'string', minLength: 1 },
      groups: { type: 'object', additionalProperties: hostList },
      lease_namespace: { type: 'string', minLength: 1 },
      prune: { type: 'boolean' },
    },
  },
  async run(args, context) {
    try {
      const observedHost = args.observed_host ?? singleMaster(context);
      const file = (path: string): string => (isAbsolute(path) ? path : resolve(context.baseDir, path));
      const varsFiles = (args.vars_files ?? []).map(file);
      const watch = await loadWatchPlaybook({
        playbook: file(args.playbook),
        varsFiles,
        ...(args.extra_vars ? { extraVars: args.extra_vars } : {}),
        modules: await playbookModules(),
        ...(context.services.vault ? { vault: context.services.vault } : {}),
        cwd: process.cwd(),
      });
      const observed = await observedResource(
        await kubeClientFor(context, observedHost),
        observedHost,
        args.observe,
      );
      const access = await observerAccess(
        context.host,
        {
          ...watch,
          hosts: groupsScope(args.groups ?? inventoryGroups(context)),
          observed,
          ...(args.lease_namespace ? { leaseNamespace: args.lease_namespace } : {}),
          prune: args.prune ?? false,
        },
        discoveryResolver(await kubeClientFor(context)),
      );
      const count = access.rules.length + Object.values(access.namespaceRules).flat().length;
      return {
        changed: false,
        rules: access.rules,
        namespace_rules: access.namespaceRules,
        // Absolute, so a template can copy them (lookup_file) for the pod to run with.
        vars_files: varsFiles,
        msg: `${count} rule(s) for ${context.host} from ${args.playbook}`,
      };
    } catch (error) {
      return { changed: false, failed: true, msg: errorMessage(error) };
    }
  },
};

/**
 * The modules the observer loads playbooks with. Imported when the task runs: the kube modules'
 * list includes this module, so a static import would be a cycle.
 */
async function playbookModules(): Promise<ModuleRegistry> {
  const [{ kubeModules }, { createModuleRegistry }] = await Promise.all([
    import('../kube/index.ts'),
    import('../registry.ts'),
  ]);
  return createModuleRegistry(kubeModules);
}

function singleMaster(context: ModuleContext): string {
  const masters = context.inventory.groupHosts('master');
  if (masters.length === 1) return masters[0] as string;
  throw new Error(
    `k8s_access_rules: group 'master' has ${masters.length} hosts; set observed_host to the observed cluster`,
  );
}

function inventoryGroups(context: ModuleContext): Record<string, string[]> {
  const groups = context.vars['groups'];
  return groups && typeof groups === 'object' ? (groups as Record<string, string[]>) : {};
}
