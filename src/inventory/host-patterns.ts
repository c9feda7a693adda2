/**
 * Host patterns exactly as Ansible 2.14 evaluates them (`hosts:` in a play, `--limit`), following
 * `InventoryManager` in lib/ansible/inventory/manager.py:
 *
 * - a pattern with a comma is split on commas only (`a:b,c` is the two terms `a:b` and `c`, and
 *   `a:b` then matches nothing); without a comma it is split on colons outside brackets, unless
 *   the whole pattern is one address (`host:22`, `web[01:03]`, an IPv6 address);
 * - plain terms are applied first, then `&` intersections, then `!` exclusions, whatever their
 *   order; a pattern of only `&`/`!` terms starts from `all`;
 * - the result is in evaluation order (`west:east` lists west first), duplicates dropped;
 * - a term is a host or group name, a glob (`web*`, `web[!0]*`), a `~regex` (matched from the
 *   start) or one of those with a subscript (`group[0]`, `group[-1]`, `group[1:]`, `group[0:2]`
 *   inclusive), taken from the term's own match order; a single index past the end is an
 *   error, as in Ansible;
 * - a term that matches nothing is reported (Ansible's "Could not match supplied host pattern")
 *   and ignored; the implicit `localhost` matches only its own name, never `all`.
 */
import { LoadError } from '../errors.ts';

/** What pattern evaluation needs to know about an inventory. */
export interface PatternScope {
  /** Defined hosts in definition order. */
  hostNames(): string[];
  /** Every group, `all` and `ungrouped` first, then in definition order. */
  groupNames(): string[];
  /** Hosts of a group and its descendants, in Ansible's `Group.get_hosts()` order. */
  groupHosts(group: string): string[];
}

/**
 * The implicit localhost. Ansible also treats `127.0.0.1` and `::1` so; mcsync only the name,
 * since its hosts are clusters and only `localhost` has host vars without an inventory entry.
 */
export const IMPLICIT_LOCALHOST = 'localhost';

/** What a pattern selected, and the terms that matched nothing (Ansible warns about each). */
export interface PatternSelection {
  hosts: string[];
  unmatched: string[];
}

/** Splits a pattern into terms as Ansible's `split_host_pattern` does; lists are split term by term. */
export function splitHostPattern(pattern: string | readonly string[]): string[] {
  if (typeof pattern !== 'string') return pattern.flatMap((item) => splitHostPattern(item));
  let parts: string[];
  if (pattern.includes(',')) parts = pattern.split(',');
  else if (isSingleAddress(pattern.trim())) parts = [pattern];
  else parts = pattern.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? [];
  return parts.map((part) => part.trim()).filter((part) => part !== '');
}

/**
 * The cases where Ansible's `parse_address(pattern, allow_ranges=True)` succeeds and the colon is
 * not a separator: `name:port`, `name[01:03]`, `[v6]:port` and bare IPv6 addresses.
 */
function isSingleAddress(pattern: string): boolean {
  const name = String.raw`(?:[A-Za-z0-9_*-]|\[[0-9a-zA-Z]+:[0-9a-zA-Z]+(?::[0-9]+)?\])+`;
  const hostname = String.raw`${name}(?:\.${name})*`;
  if (new RegExp(`^${hostname}(?::[0-9]+)?$`).test(pattern)) return true;
  if (/^\[[0-9a-fA-F:.]+\](?::[0-9]+)?$/.test(pattern)) return true;
  return /^[0-9a-fA-F]*:[0-9a-fA-F:]*:[0-9a-fA-F.]*$/.test(pattern);
}

/** Evaluates a pattern (or a list of them) to host names in Ansible's order. */
export function selectHosts(scope: PatternScope, pattern: string | readonly string[]): string[] {
  return evaluateHostPattern(scope, pattern).hosts;
}

/** Evaluates a pattern and also reports the terms that matched nothing. */
export function evaluateHostPattern(
  scope: PatternScope,
  pattern: string | readonly string[],
): PatternSelection {
  return evaluateTerms(scope, splitHostPattern(pattern));
}

/** Ansible's `_evaluate_patterns` over already split terms. */
export function evaluateTerms(scope: PatternScope, terms: readonly string[]): PatternSelection {
  const defined = new Set(scope.hostNames());
  const unmatched: string[] = [];
  let hosts: string[] = [];
  for (const term of orderTerms(terms)) {
    if (defined.has(term)) {
      hosts.push(term);
      continue;
    }
    const bare = term.replace(/^[&!]/, '');
    const { matched, found } = matchTerm(scope, bare);
    if (!found) unmatched.push(bare);
    const set = new Set(matched);
    if (term.startsWith('!')) hosts = hosts.filter((host) => !set.has(host));
    else if (term.startsWith('&')) hosts = hosts.filter((host) => set.has(host));
    else {
      const existing = new Set(hosts);
      hosts.push(...matched.filter((host) => !existing.has(host)));
    }
  }
  return { hosts: [...new Set(hosts)], unmatched };
}

/** Plain terms first, then `&` intersections, then `!` exclusions; only `&`/`!` starts from `all`. */
function orderTerms(terms: readonly string[]): string[] {
  const present = terms.filter((term) => term !== '');
  const plain = present.filter((term) => !term.startsWith('&') && !term.startsWith('!'));
  const intersections = present.filter((term) => term.startsWith('&'));
  const exclusions = present.filter((term) => term.startsWith('!'));
  return [...(plain.length === 0 ? ['all'] : plain), ...intersections, ...exclusions];
}

/**
 * Ansible's `_match_one_pattern`: enumerate, then take the subscript of that order. `found` is
 * false when the term names no group and no host, the case Ansible warns about.
 */
function matchTerm(scope: PatternScope, term: string): { matched: string[]; found: boolean } {
  const { base, subscript } = splitSubscript(term);
  const { hosts, groups } = enumerateMatches(scope, base);
  const found = hosts.length > 0 || groups > 0 || base === 'all';
  return { matched: subscript ? applySubscript(hosts, subscript, term) : hosts, found };
}

/** Ansible's `_enumerate_matches`: matching groups' hosts, then matching host names. */
function enumerateMatches(scope: PatternScope, pattern: string): { hosts: string[]; groups: number } {
  if (pattern === '') return { hosts: [], groups: 0 };
  const matcher = compile(pattern);
  const hosts: string[] = [];
  const groups = scope.groupNames().filter((group) => matcher(group));
  for (const group of groups) hosts.push(...scope.groupHosts(group));
  if (groups.length === 0 || pattern.startsWith('~') || /[.?*[]/.test(pattern)) {
    for (const host of scope.hostNames()) if (matcher(host)) hosts.push(host);
  }
  if (hosts.length === 0 && pattern === IMPLICIT_LOCALHOST) hosts.push(pattern);
  return { hosts, groups: groups.length };
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
        { key: 'hosts', cause: error },
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
  /** Inclusive end; undefined for a single index. */
  end: number | undefined;
}

/**
 * `group[1]`, `group[-1]`, `group[0:2]` (inclusive), `group[1:]`, as Ansible's
 * `pattern_with_subscript`. `[x:0]` is a single index, as Ansible's `if end:` makes it.
 */
function splitSubscript(term: string): { base: string; subscript?: Subscript } {
  if (term.startsWith('~')) return { base: term };
  const match = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$/.exec(term);
  if (!match) return { base: term };
  const [, base = '', single, start, , end] = match;
  if (single !== undefined) return { base, subscript: { start: Number(single), end: undefined } };
  const last = end === undefined || end === '' ? -1 : Number(end);
  return { base, subscript: { start: Number(start), end: last === 0 ? undefined : last } };
}

/**
 * A single index past either end of a non-empty match is an error, as Ansible's IndexError
 * becomes "No hosts matched the subscripted pattern" (ansible-playbook stops); a slice past the
 * end is just shorter, and a term matching nothing stays empty.
 */
function applySubscript(hosts: string[], subscript: Subscript, term: string): string[] {
  if (hosts.length === 0) return hosts;
  if (subscript.end === undefined) {
    const host = hosts.at(subscript.start);
    if (host === undefined)
      throw new LoadError(`No hosts matched the subscripted pattern '${term}'`, { key: 'hosts' });
    return [host];
  }
  const end = subscript.end === -1 ? hosts.length - 1 : subscript.end;
  return hosts.slice(subscript.start, end + 1);
}
