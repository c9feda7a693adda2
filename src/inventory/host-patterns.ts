/**
 * Host patterns as Ansible evaluates them (`hosts:` in a play, `--limit`): `all`/`*`, host and
 * group names, globs (`web*`), regexes (`~^web\d+`), subscripts (`slaves[0]`, `slaves[0:1]`),
 * unions (`a:b`, `a,b`), intersections (`a:&b`) and exclusions (`a:!b`). Unions are applied first,
 * then intersections, then exclusions, whatever the order written. The result is in inventory
 * order. The implicit `localhost` matches only the literal name `localhost`, never `all`.
 */
import { LoadError } from '../errors.ts';

/** What pattern evaluation needs to know about an inventory. */
export interface PatternScope {
  hostNames(): string[];
  groupNames(): string[];
  /** Hosts of a group including its descendants', in inventory order. */
  groupHosts(group: string): string[];
}

/** The name that is always a host, even when no inventory defines it. */
export const IMPLICIT_LOCALHOST = 'localhost';

/**
 * Splits a pattern into terms: on commas when there are any, otherwise on colons outside
 * brackets (so `web[01:03]` stays whole). Lists of patterns are split term by term.
 */
export function splitHostPattern(pattern: string | readonly string[]): string[] {
  if (typeof pattern !== 'string') return pattern.flatMap((item) => splitHostPattern(item));
  const parts = pattern.includes(',')
    ? pattern.split(',')
    : (pattern.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? []);
  return parts.map((part) => part.trim()).filter((part) => part !== '');
}

/** Evaluates a pattern (or a list of them) to host names in inventory order. */
export function selectHosts(scope: PatternScope, pattern: string | readonly string[]): string[] {
  const terms = orderTerms(splitHostPattern(pattern));
  let selected: string[] = [];
  for (const term of terms) {
    const matched = new Set(matchTerm(scope, term.replace(/^[&!]/, '')));
    if (term.startsWith('!')) selected = selected.filter((host) => !matched.has(host));
    else if (term.startsWith('&')) selected = selected.filter((host) => matched.has(host));
    else for (const host of matched) if (!selected.includes(host)) selected.push(host);
  }
  return inInventoryOrder(scope, selected);
}

/** Unions first, then `&` intersections, then `!` exclusions; only `&`/`!` terms start from `all`. */
function orderTerms(terms: string[]): string[] {
  const unions = terms.filter((term) => !term.startsWith('&') && !term.startsWith('!'));
  const intersections = terms.filter((term) => term.startsWith('&'));
  const exclusions = terms.filter((term) => term.startsWith('!'));
  if (unions.length === 0 && terms.length > 0) unions.push('all');
  return [...unions, ...intersections, ...exclusions];
}

function matchTerm(scope: PatternScope, term: string): string[] {
  const { base, subscript } = splitSubscript(term);
  const found = enumerateMatches(scope, base);
  return subscript ? applySubscript(inInventoryOrder(scope, found), subscript) : found;
}

function enumerateMatches(scope: PatternScope, pattern: string): string[] {
  if (pattern === '') return [];
  const matcher = compile(pattern);
  const results = new Set<string>();
  const groups = scope.groupNames().filter((group) => matcher(group));
  for (const group of groups) for (const host of scope.groupHosts(group)) results.add(host);
  if (groups.length === 0 || pattern.startsWith('~') || /[.?*[]/.test(pattern)) {
    for (const host of scope.hostNames()) if (matcher(host)) results.add(host);
  }
  if (results.size === 0 && pattern === IMPLICIT_LOCALHOST) results.add(IMPLICIT_LOCALHOST);
  return [...results];
}

/** `~regex` matches from the start (Python's re.match); other patterns are whole-name globs. */
function compile(pattern: string): (name: string) => boolean {
  if (pattern.startsWith('~')) {
    let regex: RegExp;
    try {
      regex = new RegExp(`^(?:${pattern.slice(1)})`);
    } catch (error) {
      throw new LoadError(
        `invalid regular expression in host pattern '${pattern}': ${(error as Error).message}`,
        {
          key: 'hosts',
          cause: error,
        },
      );
    }
    return (name) => regex.test(name);
  }
  if (!/[*?[]/.test(pattern)) return (name) => name === pattern;
  const regex = new RegExp(`^${globToRegex(pattern)}$`, 's');
  return (name) => regex.test(name);
}

/** Python's fnmatch.translate: `*`, `?`, `[seq]` and `[!seq]`; everything else literal. */
function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] as string;
    if (ch === '*') out += '.*';
    else if (ch === '?') out += '.';
    else if (ch === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) {
        out += '\\[';
        continue;
      }
      let set = glob.slice(i + 1, end).replaceAll('\\', '\\\\');
      if (set.startsWith('!')) set = `^${set.slice(1)}`;
      else if (set.startsWith('^')) set = `\\${set}`;
      out += `[${set}]`;
      i = end;
    } else out += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return out;
}

interface Subscript {
  start: number;
  end: number | undefined;
  range: boolean;
}

/** `group[1]`, `group[-1]`, `group[0:2]` (inclusive, as Ansible), `group[1:]`. */
function splitSubscript(term: string): { base: string; subscript?: Subscript } {
  if (term.startsWith('~')) return { base: term };
  const match = /^(.+)\[(?:(-?[0-9]+)|(-?[0-9]+):(-?[0-9]+)?)\]$/.exec(term);
  if (!match) return { base: term };
  const [, base = '', single, start, end] = match;
  if (single !== undefined)
    return { base, subscript: { start: Number(single), end: undefined, range: false } };
  return {
    base,
    subscript: { start: Number(start), end: end === undefined ? undefined : Number(end), range: true },
  };
}

function applySubscript(hosts: string[], subscript: Subscript): string[] {
  if (!subscript.range) {
    const host = hosts.at(subscript.start);
    return host === undefined ? [] : [host];
  }
  const end = subscript.end === undefined || subscript.end === -1 ? hosts.length - 1 : subscript.end;
  return hosts.slice(subscript.start, end + 1);
}

function inInventoryOrder(scope: PatternScope, hosts: Iterable<string>): string[] {
  const wanted = new Set(hosts);
  const ordered = scope.hostNames().filter((host) => wanted.has(host));
  if (wanted.has(IMPLICIT_LOCALHOST) && !ordered.includes(IMPLICIT_LOCALHOST))
    ordered.push(IMPLICIT_LOCALHOST);
  return ordered;
}
