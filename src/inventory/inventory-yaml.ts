/**
 * Ansible's YAML inventory format: top-level groups (usually just `all`), each a mapping with
 * `hosts` (host → vars or null), `vars` and `children` (group → the same shape). Groups named in
 * several places merge. JSON files are the same structure. Unknown keys are errors with the
 * nearest valid key, where Ansible would only warn and skip them.
 */
import { LoadError } from '../errors.ts';
import { didYouMean } from '../shared/did-you-mean.ts';
import type { YamlPath, YamlSource } from '../shared/yaml-source.ts';
import type { Vars } from '../model/vars.ts';
import { expandHostRange } from './host-range.ts';
import type { InventoryData } from './inventory-data.ts';

const GROUP_KEYS = ['hosts', 'vars', 'children'];

/** Adds every group and host of a parsed YAML inventory to `data`. */
export function parseYamlInventory(source: YamlSource, data: InventoryData): void {
  const root = source.value;
  if (root === null || root === undefined) return;
  if (!isMapping(root)) {
    throw new LoadError(
      `expected a mapping of groups such as 'all: {hosts: …, vars: …, children: …}', got ${kindOf(root)}`,
      {
        location: source.locate([]),
      },
    );
  }
  for (const [name, definition] of Object.entries(root)) {
    parseGroup(source, data, name, definition, [name]);
  }
}

function parseGroup(
  source: YamlSource,
  data: InventoryData,
  name: string,
  definition: unknown,
  path: YamlPath,
): void {
  data.group(name, source.locateKey(path));
  if (definition === null || definition === undefined) return;
  if (!isMapping(definition)) {
    throw fail(
      source,
      path,
      `group '${name}' must be a mapping with hosts, vars or children, got ${kindOf(definition)}`,
    );
  }
  for (const [key, value] of Object.entries(definition)) {
    const at = [...path, key];
    if (key === 'hosts') parseHosts(source, data, name, value, at);
    else if (key === 'vars') {
      for (const [varName, varValue] of Object.entries(
        varsMapping(source, value, at, `vars of group '${name}'`),
      )) {
        data.setGroupVar(name, varName, varValue);
      }
    } else if (key === 'children') parseChildren(source, data, name, value, at);
    else {
      throw new LoadError(
        `unknown key '${key}' in group '${name}'; expected one of ${GROUP_KEYS.join(', ')}${didYouMean(key, GROUP_KEYS)}`,
        { location: source.locateKey(at), key: at.join('.') },
      );
    }
  }
}

function parseHosts(
  source: YamlSource,
  data: InventoryData,
  group: string,
  value: unknown,
  path: YamlPath,
): void {
  if (value === null || value === undefined) return;
  if (!isMapping(value)) {
    const hint = Array.isArray(value)
      ? "; write each host as a key ('east:' or 'east: {vars}'), not a list item"
      : '';
    throw fail(
      source,
      path,
      `'hosts' of group '${group}' must be a mapping of host names, got ${kindOf(value)}${hint}`,
    );
  }
  for (const [pattern, hostVars] of Object.entries(value)) {
    const at = [...path, pattern];
    const vars = varsMapping(source, hostVars, at, `host '${pattern}'`);
    let names: string[];
    try {
      names = expandHostRange(pattern);
    } catch (error) {
      if (error instanceof LoadError)
        throw new LoadError(error.message, { location: source.locateKey(at), key: at.join('.') });
      throw error;
    }
    for (const host of names) data.addHost(group, host, vars, source.locateKey(at));
  }
}

function parseChildren(
  source: YamlSource,
  data: InventoryData,
  parent: string,
  value: unknown,
  path: YamlPath,
): void {
  if (value === null || value === undefined) return;
  if (!isMapping(value)) {
    const hint = Array.isArray(value) ? "; write each child group as a key ('west:'), not a list item" : '';
    throw fail(
      source,
      path,
      `'children' of group '${parent}' must be a mapping of groups, got ${kindOf(value)}${hint}`,
    );
  }
  for (const [child, definition] of Object.entries(value)) {
    const at = [...path, child];
    if (child === 'all') {
      throw new LoadError(`group 'all' cannot be a child of '${parent}'; every group is already in 'all'`, {
        location: source.locateKey(at),
        key: at.join('.'),
      });
    }
    data.addChild(parent, child, source.locateKey(at));
    parseGroup(source, data, child, definition, at);
  }
}

function varsMapping(source: YamlSource, value: unknown, path: YamlPath, what: string): Vars {
  if (value === null || value === undefined) return {};
  if (!isMapping(value))
    throw fail(source, path, `${what} must be a mapping of variables, got ${kindOf(value)}`);
  return value;
}

function fail(source: YamlSource, path: YamlPath, message: string): LoadError {
  return new LoadError(message, { location: source.locate(path), key: path.join('.') });
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Names a value's YAML kind for messages: a list, a string 'x', a number. */
export function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'string') return `a string '${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value} (${String(value)})`;
}
