/** Arithmetic and number conversion. Numeric strings (as INI inventories give) are accepted. */
import { TemplateError } from '../../errors.ts';
import type { HelperTable } from '../types.ts';
import { describeValue, toNumber } from '../values.ts';

/** `add` also joins strings and concatenates lists, as Jinja2's `+` does. */
function add(args: unknown[]): unknown {
  if (args.every((a) => Array.isArray(a))) return (args as unknown[][]).flat(1);
  if (args.some((a) => typeof a === 'string' && Number.isNaN(Number(a)))) {
    if (args.every((a) => typeof a === 'string' || typeof a === 'number')) return args.join('');
  }
  return args.reduce<number>((sum, a) => sum + toNumber(a, 'add'), 0);
}

/** Ansible's int/float filters: a value that does not parse gives the default (0). */
function convert(value: unknown, fallback: unknown, parse: (text: string) => number): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  const parsed = text === '' ? Number.NaN : parse(text);
  return Number.isFinite(parsed) ? parsed : (fallback ?? 0);
}

function range(args: unknown[]): number[] {
  const nums = args.map((a) => toNumber(a, 'range'));
  const [start, stop, step] =
    nums.length === 1 ? [0, nums[0] ?? 0, 1] : [nums[0] ?? 0, nums[1] ?? 0, nums[2] ?? 1];
  if (step === 0) throw new TemplateError('range: step must not be 0');
  const count = Math.max(0, Math.ceil((stop - start) / step));
  if (count > 100_000) throw new TemplateError(`range: ${count} items is more than the limit of 100000`);
  return Array.from({ length: count }, (_, i) => start + i * step);
}

export const mathHelpers: HelperTable = {
  add: {
    min: 2,
    summary: 'sum of numbers; joins strings, concatenates lists',
    example: '{{ add replicas 1 }}',
    fn: add,
  },
  sub: {
    min: 2,
    max: 2,
    summary: 'difference',
    example: '{{ sub (length hosts) 1 }}',
    fn: ([a, b]) => toNumber(a, 'sub') - toNumber(b, 'sub'),
  },
  mul: {
    min: 2,
    summary: 'product',
    example: '{{ mul replicas 2 }}',
    fn: (args) => args.reduce<number>((p, a) => p * toNumber(a, 'mul'), 1),
  },
  div: {
    min: 2,
    max: 2,
    summary: 'quotient (a fraction when it does not divide evenly); division by zero is an error',
    example: '{{ div memory_mb 1024 }}',
    fn: ([a, b]) => {
      const divisor = toNumber(b, 'div');
      if (divisor === 0) throw new TemplateError(`div: division of ${describeValue(a)} by zero`);
      return toNumber(a, 'div') / divisor;
    },
  },
  mod: {
    min: 2,
    max: 2,
    summary: 'remainder',
    example: '{{ mod @index 2 }}',
    fn: ([a, b]) => {
      const divisor = toNumber(b, 'mod');
      if (divisor === 0) throw new TemplateError(`mod: modulo of ${describeValue(a)} by zero`);
      return toNumber(a, 'mod') % divisor;
    },
  },
  int: {
    min: 1,
    max: 2,
    summary: 'an integer (truncated); the default (0) when it does not parse',
    example: "{{ int (default port '8443') }}",
    fn: ([value, fallback]) => {
      const n = convert(value, fallback, (t) => (/^[-+]?\d+(\.\d*)?$/.test(t) ? Number(t) : Number.NaN));
      return typeof n === 'number' ? Math.trunc(n) : n;
    },
  },
  float: {
    min: 1,
    max: 2,
    summary: 'a number; the default (0) when it does not parse',
    example: '{{ float ratio }}',
    fn: ([value, fallback]) => convert(value, fallback, Number),
  },
  range: {
    min: 1,
    max: 3,
    summary: "a list of integers like Python's range(stop) or range(start, stop, step)",
    example: '{{ range 1 4 }}',
    fn: range,
  },
};
