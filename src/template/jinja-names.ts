/**
 * Jinja2 filters, tests, functions and string methods, and the mcsync helper each one becomes.
 * A filter with the name of a helper (`upper`, `default`, `to_json`, …) is that helper with the
 * filtered value first; the tables here hold only the names that differ or need their arguments
 * moved. Names with no helper raise Untranslatable, naming the nearest helper.
 */
import { call, HELPER_NAMES, lit, noHelper, Untranslatable } from './jinja-ast.ts';
import type { CallArgs, Expr } from './jinja-ast.ts';

/** Jinja2/Ansible filter names that mcsync spells differently. */
const FILTER_ALIASES: Record<string, string> = {
  d: 'default',
  count: 'length',
  to_nice_json: 'to_json',
};

/** Filters that are already what mcsync does (a list is a list, undefined is already an error). */
const IDENTITY_FILTERS = new Set(['list', 'mandatory']);

/** Keyword arguments that are positional in the helper, by helper name (after the value). */
const KWARG_POSITIONS: Record<string, readonly string[]> = {
  default: ['default_value', 'boolean'],
  to_json: ['indent'],
  to_nice_yaml: ['indent'],
  join: ['d'],
  hash: ['hashtype'],
};

/** Keyword arguments with no effect in mcsync's helper (it already behaves that way). */
const DROPPED_KWARGS: Record<string, readonly string[]> = {
  combine: ['recursive', 'list_merge'],
  merge: ['recursive', 'list_merge'],
  to_json: ['sort_keys'],
};

const OMIT = "there is no 'omit': leave the argument out, or put the task's value in {{#if x}}…{{/if}}";

const ADVICE: Record<string, string> = {
  map: "mcsync has no helper 'map'; loop with {{#each list}}…{{/each}} or the task's loop:",
  selectattr: "mcsync has no helper 'selectattr'; loop with 'loop:' and a 'when:'",
  rejectattr: "mcsync has no helper 'rejectattr'; loop with 'loop:' and a 'when:'",
  select: "mcsync has no helper 'select'; loop with 'loop:' and a 'when:'",
  reject: "mcsync has no helper 'reject'; loop with 'loop:' and a 'when:'",
};

function positional(helper: string, args: CallArgs): { args: Expr[]; hash: [string, Expr][] } {
  const order = KWARG_POSITIONS[helper] ?? [];
  const dropped = DROPPED_KWARGS[helper] ?? [];
  const out = [...args.args];
  const hash: [string, Expr][] = [];
  for (const [name, value] of args.kwargs) {
    const index = order.indexOf(name);
    if (index >= 0) out[index] = value;
    else if (!dropped.includes(name)) hash.push([name, value]);
  }
  if (out.some((item) => item === undefined))
    throw new Untranslatable(`give every argument of '${helper}' in order`);
  return { args: out, hash };
}

/** `value | name(args)` as a helper call. */
export function filterCall(name: string, value: Expr, args: CallArgs): Expr {
  if (IDENTITY_FILTERS.has(name)) return value;
  if (args.args.some((arg) => arg.t === 'path' && arg.path === 'omit')) throw new Untranslatable(OMIT);
  if (name === 'ternary') {
    const [then, other] = args.args;
    if (then === undefined) throw new Untranslatable('ternary needs two values: {{#if x}}a{{else}}b{{/if}}');
    return { t: 'ifelse', cond: value, then, else: other };
  }
  const advice = ADVICE[name];
  if (advice !== undefined) throw new Untranslatable(advice);
  const recursive = args.kwargs.some(([key, v]) => key === 'recursive' && v.t === 'lit' && v.hb === 'true');
  const helper = name === 'combine' && recursive ? 'merge' : (FILTER_ALIASES[name] ?? name);
  if (!HELPER_NAMES.has(helper)) throw noHelper(name);
  const moved = positional(helper, args);
  const extra = name === 'to_nice_json' && moved.args.length === 0 ? [lit('4')] : [];
  return call(helper, [value, ...moved.args, ...extra], moved.hash);
}

/** The `lookup('env', …)`/`lookup('file', …)` forms and helpers written as functions. */
export function callFunction(name: string, args: CallArgs): Expr {
  if (name === 'lookup' || name === 'query' || name === 'q') {
    const [kind, ...rest] = args.args;
    const plugin = kind?.t === 'lit' ? kind.str : undefined;
    if (name === 'lookup' && plugin === 'env') return call('env', rest);
    if (name === 'lookup' && plugin === 'file') return call('lookup_file', rest);
    throw new Untranslatable(
      `mcsync has no ${name}('${plugin ?? '?'}'); lookups are the 'env' and 'lookup_file' helpers`,
    );
  }
  if (name === 'dict') return call('dict', args.args, args.kwargs);
  if (!HELPER_NAMES.has(name)) throw noHelper(name, 'function');
  const moved = positional(name, args);
  return call(name, moved.args, moved.hash);
}

/** String and mapping methods (`x.split(':')`, `d.items()`) as helpers. */
export function callMethod(name: string, target: Expr, args: CallArgs): Expr {
  const simple: Record<string, string> = {
    split: 'split',
    upper: 'upper',
    strip: 'trim',
    replace: 'replace',
    keys: 'keys',
    values: 'values',
    items: 'dict2items',
  };
  const helper = simple[name];
  if (helper !== undefined) return call(helper, [target, ...args.args]);
  if (name === 'join') return call('join', [...args.args, target]);
  if (name === 'get') {
    const [key, fallback] = args.args;
    if (key === undefined) throw new Untranslatable('get needs a key');
    const value = call('lookup', [target, key]);
    return fallback === undefined ? value : call('default', [value, fallback]);
  }
  throw noHelper(name, 'method');
}

/** `result.failed`, or `(lookup expr 'failed')` when the subject is not a path. */
function field(subject: Expr, key: string): Expr {
  return subject.t === 'path'
    ? { t: 'path', path: `${subject.path}.${key}` }
    : call('lookup', [subject, lit(`'${key}'`)]);
}

type Test = (subject: Expr, args: Expr[]) => Expr | undefined;

const equal: Test = (subject, [other]) => (other === undefined ? undefined : call('eq', [subject, other]));
const succeeded: Test = (subject) => call('not', [field(subject, 'failed')]);

/** Jinja2 and Ansible tests that have a helper form; the result fields are a registered result's. */
const TESTS: Record<string, Test> = {
  defined: (subject) => call('defined', [subject]),
  undefined: (subject) => call('not', [call('defined', [subject])]),
  none: (subject) => call('eq', [subject, lit('null')]),
  true: (subject) => call('eq', [subject, lit('true')]),
  false: (subject) => call('eq', [subject, lit('false')]),
  sameas: equal,
  equalto: equal,
  eq: equal,
  failed: (subject) => field(subject, 'failed'),
  changed: (subject) => field(subject, 'changed'),
  succeeded,
  success: succeeded,
  successful: succeeded,
  skipped: (subject) => call('default', [field(subject, 'skipped'), lit('false')]),
};

/** Jinja2 tests (`x is defined`, `r is failed`) as helpers or result fields. */
export function callTest(name: string, subject: Expr, args: Expr[]): Expr {
  const result = Object.hasOwn(TESTS, name) ? TESTS[name]?.(subject, args) : undefined;
  if (result !== undefined) return result;
  throw new Untranslatable(
    `mcsync has no test 'is ${name}'; write the condition with helpers (eq, contains, …)`,
  );
}
