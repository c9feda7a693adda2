/** String helpers, including Ansible's regex_search/regex_replace with Python-style backreferences. */
import { TemplateError } from '../../errors.ts';
import type { HelperTable } from '../types.ts';
import { describeValue, stringify, toText } from '../values.ts';

/** Flags from a positional flags string ('i', 'im') and/or `ignorecase=true multiline=true`. */
function regexFlags(flags: unknown, hash: Record<string, unknown>, name: string): string {
  let out = flags === undefined ? '' : toText(flags, name);
  if (hash['ignorecase'] === true && !out.includes('i')) out += 'i';
  if (hash['multiline'] === true && !out.includes('m')) out += 'm';
  return out.replace('g', '');
}

function compile(pattern: unknown, flags: string, name: string): RegExp {
  const source = toText(pattern, name);
  try {
    return new RegExp(source, flags);
  } catch (error) {
    throw new TemplateError(`${name}: invalid regular expression '${source}': ${(error as Error).message}`);
  }
}

/** Python's `\1` and `\g<name>` become JavaScript's `$1` and `$<name>`; a literal `$` stays literal. */
function toJsReplacement(replacement: string): string {
  return replacement
    .replace(/\$/g, '$$$$')
    .replace(/\\g<(\w+)>/g, (_, ref: string) => (/^\d+$/.test(ref) ? `$${ref}` : `$<${ref}>`))
    .replace(/\\(\d{1,2})/g, '$$$1');
}

/** POSIX-shell single quoting, as Ansible's `quote` filter (shlex.quote). */
function shellQuote(text: string): string {
  if (text === '') return "''";
  if (/^[\w@%+=:,./-]+$/.test(text)) return text;
  return `'${text.replace(/'/g, `'"'"'`)}'`;
}

export const stringHelpers: HelperTable = {
  join: {
    min: 1,
    max: 2,
    summary: 'joins a list into a string (separator default empty)',
    example: "{{ join users ',' }}",
    fn: ([list, sep = '']) => {
      if (!Array.isArray(list)) throw new TemplateError(`join: expected a list, got ${describeValue(list)}`);
      return list.map(stringify).join(toText(sep, 'join'));
    },
  },
  split: {
    min: 1,
    max: 2,
    summary: 'splits a string into a list (default: on runs of whitespace)',
    example: "{{ split image ':' }}",
    fn: ([text, sep]) => {
      const value = toText(text, 'split');
      if (sep === undefined) return value.trim() === '' ? [] : value.trim().split(/\s+/);
      return value.split(toText(sep, 'split'));
    },
  },
  lower: {
    min: 1,
    max: 1,
    summary: 'lower case',
    example: '{{ lower name }}',
    fn: ([s]) => toText(s, 'lower').toLowerCase(),
  },
  upper: {
    min: 1,
    max: 1,
    summary: 'upper case',
    example: '{{ upper name }}',
    fn: ([s]) => toText(s, 'upper').toUpperCase(),
  },
  trim: {
    min: 1,
    max: 1,
    summary: 'removes leading and trailing whitespace',
    example: '{{ trim (lookup_file "token") }}',
    fn: ([s]) => toText(s, 'trim').trim(),
  },
  replace: {
    min: 3,
    max: 3,
    summary: 'replaces every occurrence of a plain string',
    example: "{{ replace name '_' '-' }}",
    fn: ([s, from, to]) => toText(s, 'replace').replaceAll(toText(from, 'replace'), toText(to, 'replace')),
  },
  regex_search: {
    min: 2,
    max: 3,
    summary: 'the first match, or its first group when the pattern has groups; null when nothing matches',
    example: "{{ regex_search image ':(.+)$' }}",
    fn: ([s, pattern, flags], { hash }) => {
      const match = compile(pattern, regexFlags(flags, hash, 'regex_search'), 'regex_search').exec(
        toText(s, 'regex_search'),
      );
      if (!match) return null;
      return match.length > 1 ? (match[1] ?? '') : match[0];
    },
  },
  regex_replace: {
    min: 2,
    max: 4,
    summary: 'replaces every match; \\1 or \\g<name> in the replacement refer to groups',
    example: "{{ regex_replace host '^https?://' '' }}",
    fn: ([s, pattern, replacement = '', flags], { hash }) => {
      const re = compile(pattern, `${regexFlags(flags, hash, 'regex_replace')}g`, 'regex_replace');
      return toText(s, 'regex_replace').replace(re, toJsReplacement(toText(replacement, 'regex_replace')));
    },
  },
  quote: {
    min: 1,
    max: 1,
    summary: 'quotes a string for a POSIX shell',
    example: '{{ quote message }}',
    fn: ([s]) => shellQuote(toText(s, 'quote')),
  },
  string: {
    min: 1,
    max: 1,
    summary: 'the value as text (lists and mappings as JSON, null as empty)',
    example: '{{ string port }}',
    fn: ([value]) => stringify(value),
  },
};
