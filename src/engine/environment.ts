/**
 * `environment:` as Ansible computes it. The keyword is a list attribute that each level extends,
 * parents first (Ansible 2.14's `_get_parent_attribute` with `extend=True, prepend=True`), so a
 * task sees: play → roles (dependency chain outermost first) → blocks and imports (outermost
 * first) → the task. The action plugin's `_compute_environment_string` then renders each layer
 * with the task's variables and merges them with a plain update: inner levels override outer
 * keys, and nothing is merged below the top level.
 *
 * Values reach the process as strings, written as Python's `str()` writes them (`True`, `None`),
 * since that is what a command sees under ansible-playbook.
 */
import { TemplateError } from '../errors.ts';
import type { EnvironmentLayer } from '../model/playbook.ts';
import type { Vars } from '../model/vars.ts';
import type { RenderWhere, TemplatePort } from './ports.ts';

/** The variables a task adds to the environment of every process its module starts. */
export type TaskEnvironment = Readonly<Record<string, string>>;

/** The layers that apply to one task, outermost first (the task's own last). */
export function environmentLayers(
  ...levels: readonly (readonly EnvironmentLayer[] | undefined)[]
): EnvironmentLayer[] {
  return levels.flatMap((level) => level ?? []);
}

/**
 * Renders every layer with `vars` and merges them in order. A layer that does not render to a
 * mapping, or a value that is a list or mapping, is a TemplateError naming the task's location:
 * the task fails, as it does in Ansible ("environment must be a dictionary").
 */
export function renderEnvironment(
  layers: readonly EnvironmentLayer[],
  vars: Vars,
  templates: TemplatePort,
  where: RenderWhere,
): TaskEnvironment {
  const merged: Record<string, string> = {};
  for (const layer of layers) {
    const rendered = templates.render(layer, vars, where);
    if (!isPlainMapping(rendered)) {
      throw new TemplateError(
        `environment must be a mapping of variable names to values, got ${describe(rendered)}`,
        { location: where.location, key: 'environment' },
      );
    }
    for (const [name, value] of Object.entries(rendered))
      merged[name] = environmentString(name, value, where);
  }
  return merged;
}

/** A value as the process sees it: what Python's `str()` gives for scalars. */
function environmentString(name: string, value: unknown, where: RenderWhere): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value === null || value === undefined) return 'None';
  throw new TemplateError(
    `environment variable '${name}' must be a string, number or boolean, got ${describe(value)}`,
    { location: where.location, key: `environment.${name}` },
  );
}

function isPlainMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The kind of a value, never the value itself: it may be a secret. */
function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}
