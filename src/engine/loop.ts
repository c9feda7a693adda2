/** Turns a task's loop keyword into the list of items it runs over, with Ansible's shapes. */
import { McsyncError } from '../errors.ts';
import type { LoopSpec } from '../model/playbook.ts';
import type { Vars } from '../model/vars.ts';
import type { RenderWhere, TemplatePort } from './ports.ts';

export class LoopError extends McsyncError {}

/** Renders and shapes the items: with_items flattens one level, with_dict yields {key, value}. */
export function loopItems(
  spec: LoopSpec,
  vars: Vars,
  templates: TemplatePort,
  where: RenderWhere,
): unknown[] {
  const rendered = templates.render(spec.items, vars, where);
  switch (spec.kind) {
    case 'loop':
      return expectList(rendered, 'loop', where);
    case 'with_items':
      return expectList(rendered, 'with_items', where).flatMap((item) =>
        Array.isArray(item) ? item : [item],
      );
    case 'with_dict':
      return Object.entries(expectMapping(rendered, 'with_dict', where)).map(([key, value]) => ({
        key,
        value,
      }));
    case 'with_subelements':
      return subelements(rendered, where);
  }
}

/** `with_subelements: [list, 'key']` yields [parent, child] pairs, read as item.0 and item.1. */
function subelements(rendered: unknown, where: RenderWhere): unknown[] {
  const spec = expectList(rendered, 'with_subelements', where);
  const [parents, key] = spec;
  if (typeof key !== 'string') {
    throw new LoopError('with_subelements expects [list, "subkey"]', {
      location: where.location,
      key: 'with_subelements',
    });
  }
  return expectList(parents, 'with_subelements', where).flatMap((parent) => {
    const children = parent !== null && typeof parent === 'object' ? (parent as Vars)[key] : undefined;
    if (children === undefined) return [];
    return expectList(children, `with_subelements (${key})`, where).map((child) => [parent, child]);
  });
}

function expectList(value: unknown, keyword: string, where: RenderWhere): unknown[] {
  if (Array.isArray(value)) return value;
  if (value === null || value === undefined) return [];
  throw new LoopError(`${keyword} must be a list, got ${describe(value)}`, {
    location: where.location,
    key: keyword,
  });
}

function expectMapping(value: unknown, keyword: string, where: RenderWhere): Vars {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Vars;
  throw new LoopError(`${keyword} must be a mapping, got ${describe(value)}`, {
    location: where.location,
    key: keyword,
  });
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'a mapping' : `${typeof value} ${JSON.stringify(value)}`;
}

/** A short label for an item: the loop_control label, or the item itself compacted. */
export function itemLabel(item: unknown, label: unknown): string {
  const shown = label ?? item;
  if (typeof shown === 'string') return shown;
  return JSON.stringify(shown) ?? String(shown);
}
