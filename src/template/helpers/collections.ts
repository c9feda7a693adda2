/** Lists and mappings: building, measuring and reshaping them. */
import { isDeepStrictEqual } from 'node:util';
import { TemplateError } from '../../errors.ts';
import type { HelperTable } from '../types.ts';
import { deepMerge, describeValue, isPlainObject, setKey, stringify, toText } from '../values.ts';

function mapping(value: unknown, helper: string): Record<string, unknown> {
  if (!isPlainObject(value))
    throw new TemplateError(`${helper}: expected a mapping, got ${describeValue(value)}`);
  return value;
}

function list(value: unknown, helper: string): unknown[] {
  if (!Array.isArray(value))
    throw new TemplateError(`${helper}: expected a list, got ${describeValue(value)}`);
  return value;
}

/** `key_name=`/`value_name=` as Ansible's dict2items and items2dict take them. */
function fieldNames(hash: Record<string, unknown>, helper: string): [string, string] {
  const key = hash['key_name'] ?? 'key';
  const value = hash['value_name'] ?? 'value';
  return [toText(key, helper), toText(value, helper)];
}

function dict(args: unknown[], hash: Record<string, unknown>): Record<string, unknown> {
  if (args.length % 2 !== 0)
    throw new TemplateError('dict: expected key/value pairs, got an odd number of arguments');
  const out: Record<string, unknown> = {};
  for (let i = 0; i < args.length; i += 2) setKey(out, stringify(args[i]), args[i + 1]);
  for (const [key, value] of Object.entries(hash)) setKey(out, key, value);
  return out;
}

function items2dict(value: unknown, hash: Record<string, unknown>): Record<string, unknown> {
  const [keyName, valueName] = fieldNames(hash, 'items2dict');
  const out: Record<string, unknown> = {};
  for (const item of list(value, 'items2dict')) {
    const entry = mapping(item, 'items2dict');
    if (!(keyName in entry))
      throw new TemplateError(`items2dict: item ${describeValue(entry)} has no '${keyName}'`);
    setKey(out, stringify(entry[keyName]), entry[valueName]);
  }
  return out;
}

function contains(haystack: unknown, needle: unknown): boolean {
  if (typeof haystack === 'string') return haystack.includes(toText(needle, 'contains'));
  if (Array.isArray(haystack)) return haystack.some((item) => isDeepStrictEqual(item, needle));
  if (isPlainObject(haystack)) return Object.hasOwn(haystack, stringify(needle));
  throw new TemplateError(`contains: expected a string, list or mapping, got ${describeValue(haystack)}`);
}

function pick(value: unknown, helper: string, at: 'first' | 'last'): unknown {
  if (typeof value !== 'string' && !Array.isArray(value)) {
    throw new TemplateError(`${helper}: expected a list or string, got ${describeValue(value)}`);
  }
  const item: unknown = at === 'first' ? value[0] : value[value.length - 1];
  return item ?? null;
}

export const collectionHelpers: HelperTable = {
  length: {
    min: 1,
    max: 1,
    summary: 'number of items in a list, keys in a mapping, or characters in a string',
    example: '{{ length users }}',
    fn: ([value]) => {
      if (typeof value === 'string' || Array.isArray(value)) return value.length;
      if (isPlainObject(value)) return Object.keys(value).length;
      throw new TemplateError(`length: expected a string, list or mapping, got ${describeValue(value)}`);
    },
  },
  contains: {
    min: 2,
    max: 2,
    summary: 'true when a string has a substring, a list has an item, or a mapping has a key',
    example: '{{ contains groups.master inventory_hostname }}',
    fn: ([haystack, needle]) => contains(haystack, needle),
  },
  keys: {
    min: 1,
    max: 1,
    summary: 'keys of a mapping',
    example: '{{ keys labels }}',
    fn: ([m]) => Object.keys(mapping(m, 'keys')),
  },
  values: {
    min: 1,
    max: 1,
    summary: 'values of a mapping',
    example: '{{ values quotas }}',
    fn: ([m]) => Object.values(mapping(m, 'values')),
  },
  dict2items: {
    min: 1,
    max: 1,
    summary: 'a mapping as a list of {key, value} (key_name=/value_name= rename them)',
    example: '{{ dict2items labels }}',
    fn: ([m], { hash }) => {
      const [keyName, valueName] = fieldNames(hash, 'dict2items');
      return Object.entries(mapping(m, 'dict2items')).map(([k, v]) => dict([keyName, k, valueName, v], {}));
    },
  },
  items2dict: {
    min: 1,
    max: 1,
    summary: 'a list of {key, value} as a mapping',
    example: '{{ items2dict pairs }}',
    fn: ([items], { hash }) => items2dict(items, hash),
  },
  merge: {
    min: 1,
    summary: 'deep merge of mappings; later ones win, lists are replaced',
    example: '{{ merge defaults overrides }}',
    fn: (args) => deepMerge(...args),
  },
  combine: {
    min: 1,
    summary: 'alias of merge (the name of the Ansible filter)',
    example: '{{ combine labels (dict team="ops") }}',
    fn: (args) => deepMerge(...args),
  },
  list: {
    min: 0,
    summary: 'a list of the arguments',
    example: "{{ list 'a' 'b' name }}",
    fn: (args) => [...args],
  },
  dict: {
    min: 0,
    summary: 'a mapping from key=value arguments or from key value pairs',
    example: "{{ dict name=item.name namespace='default' }}",
    fn: (args, { hash }) => dict(args, hash),
  },
  first: {
    min: 1,
    max: 1,
    summary: 'first item (null when empty)',
    example: '{{ first groups.master }}',
    fn: ([v]) => pick(v, 'first', 'first'),
  },
  last: {
    min: 1,
    max: 1,
    summary: 'last item (null when empty)',
    example: '{{ last (split image ":") }}',
    fn: ([v]) => pick(v, 'last', 'last'),
  },
};
