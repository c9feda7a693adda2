/**
 * Variable precedence, in one function, lowest first (Ansible's order):
 * role defaults < inventory (group vars, then host vars) < play vars < vars_files < role vars
 * < block vars < task vars < include_vars < set_fact/registered < role params < include params
 * < extra vars.
 *
 * The result is lazy: a variable whose value is a template is rendered when first read, against
 * the same merged variables, so `api_url: "https://{{ clusterhost }}"` in group vars works.
 */
import { TemplateError } from '../errors.ts';
import type { EnvironmentLayer, RoleScope } from '../model/playbook.ts';
import type { Vars } from '../model/vars.ts';
import type { HostState } from './host-state.ts';
import type { InventoryPort, RenderWhere, TemplatePort } from './ports.ts';

export interface PlayScope {
  vars: Vars;
  varsFiles: Vars[];
  extraVars: Vars;
  /** Magic variables for every host of the play (playbook_dir, ansible_check_mode, ...). */
  magic: Vars;
  /** Every host's run state so far (what `hostvars.<host>` reads that host's facts from). */
  hostStates: ReadonlyMap<string, HostState>;
}

export interface TaskScope {
  role?: RoleScope;
  /** Vars of the enclosing blocks, outermost first. */
  blockVars: Vars[];
  taskVars: Vars;
  /** `vars` of the enclosing include_tasks/import_tasks/include_role/import_role, outermost first. */
  includeParams?: Vars[];
  /** Loop variable(s) for the current item. */
  loopVars?: Vars;
  /** `environment:` of the play, roles and blocks around the task, outermost first. */
  environment?: EnvironmentLayer[];
}

/** Merges every layer for `host` and returns a lazily rendered view. */
export function taskVariables(
  host: HostState,
  inventory: InventoryPort,
  play: PlayScope,
  task: TaskScope,
  templates: TemplatePort,
  where: RenderWhere,
): Vars {
  const hostVarsOf = (name: string): Vars => (inventory.hasHost(name) ? inventory.hostVars(name) : {});
  const layers: Vars[] = [
    task.role?.defaults ?? {},
    hostVarsOf(host.name),
    play.vars,
    ...play.varsFiles,
    task.role?.vars ?? {},
    ...task.blockVars,
    task.taskVars,
    host.includedVars,
    host.facts,
    task.role?.params ?? {},
    ...(task.includeParams ?? []),
    play.extraVars,
    play.magic,
    task.role ? { role_name: task.role.name, role_path: task.role.path } : {},
    { inventory_hostname: host.name },
    task.loopVars ?? {},
  ];
  const merged: Vars = Object.assign({}, ...layers) as Vars;
  const view = lazyVars(merged, templates, where);
  // After lazyVars: hostvars is its own lazy view, never walked for templates here.
  const hostvars = hostVarsView(inventory, play, templates, where);
  Object.defineProperty(view, 'hostvars', { enumerable: true, configurable: true, value: hostvars });
  return view;
}

/**
 * `hostvars.<name>`: as Ansible's hostvars holds them, that host's inventory variables, what
 * include_vars, set_fact and register gave it so far, and the extra vars (play vars are not in
 * it). Each templated value renders against that host's own variables: `hostvars.west.api_url`
 * of `https://{{ clusterhost }}` is west's URL on any host. Built on first read, once per task.
 */
function hostVarsView(
  inventory: InventoryPort,
  play: PlayScope,
  templates: TemplatePort,
  where: RenderWhere,
): Vars {
  const view: Vars = {};
  for (const name of inventory.hostNames()) {
    let vars: Vars | undefined;
    Object.defineProperty(view, name, {
      enumerable: true,
      get: () => {
        if (vars) return vars;
        const state = play.hostStates.get(name);
        const merged = {
          ...inventory.hostVars(name),
          ...state?.includedVars,
          ...state?.facts,
          ...play.extraVars,
        };
        return (vars = lazyVars(merged, templates, where));
      },
    });
  }
  return view;
}

/** Replaces templated values by getters that render once, detecting self-reference loops. */
export function lazyVars(merged: Vars, templates: TemplatePort, where: RenderWhere): Vars {
  const view: Vars = {};
  const rendering = new Set<string>();
  for (const [key, raw] of Object.entries(merged)) {
    if (!templates.isTemplate(raw)) {
      view[key] = raw;
      continue;
    }
    let cached: { value: unknown } | undefined;
    Object.defineProperty(view, key, {
      enumerable: true,
      configurable: true,
      get: () => {
        if (cached) return cached.value;
        if (rendering.has(key)) {
          throw new TemplateError(`variable '${key}' refers to itself (recursive template)`, {
            location: where.location,
            key,
          });
        }
        rendering.add(key);
        try {
          cached = { value: templates.render(raw, view, where) };
        } finally {
          rendering.delete(key);
        }
        return cached.value;
      },
    });
  }
  return view;
}
