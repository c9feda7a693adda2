/** Comparison, boolean logic and defaults: the helpers conditions are built from. */
import { isDeepStrictEqual } from 'node:util';
import { TemplateError } from '../../errors.ts';
import type { HelperTable } from '../types.ts';
import { describeValue, truthy } from '../values.ts';

type Order = (a: number | string, b: number | string) => boolean;

/** An ordering helper that refuses to compare a number with a string (JS would coerce silently). */
function ordering(name: string, test: Order, example: string): HelperTable[string] {
  return {
    min: 2,
    max: 2,
    summary: `true when the first value is ${name === 'lt' ? 'less than' : name === 'lte' ? 'at most' : name === 'gt' ? 'greater than' : 'at least'} the second`,
    example,
    fn: ([a, b]) => {
      const bothNumbers = typeof a === 'number' && typeof b === 'number';
      const bothStrings = typeof a === 'string' && typeof b === 'string';
      if (!bothNumbers && !bothStrings) {
        throw new TemplateError(
          `${name}: cannot compare ${describeValue(a)} with ${describeValue(b)}; use int or string first`,
        );
      }
      return test(a, b);
    },
  };
}

const TRUE_WORDS = new Set(['true', 'yes', 'on', '1', 'y']);

export const logicHelpers: HelperTable = {
  eq: {
    min: 2,
    max: 2,
    summary: 'true when both values are equal (lists and mappings compared deeply, no type coercion)',
    example: "{{ eq item.kind 'Secret' }}",
    fn: ([a, b]) => isDeepStrictEqual(a, b),
  },
  ne: {
    min: 2,
    max: 2,
    summary: 'true when the values differ',
    example: "{{ ne env_name 'prod' }}",
    fn: ([a, b]) => !isDeepStrictEqual(a, b),
  },
  lt: ordering('lt', (a, b) => a < b, '{{ lt replicas 3 }}'),
  lte: ordering('lte', (a, b) => a <= b, '{{ lte replicas 3 }}'),
  gt: ordering('gt', (a, b) => a > b, '{{ gt (length users) 0 }}'),
  gte: ordering('gte', (a, b) => a >= b, '{{ gte (int version) 4 }}'),
  and: {
    min: 1,
    summary: 'true when every argument is truthy (Python truthiness: 0, "", [] and {} are false)',
    example: "{{ and (eq item.kind 'Secret') (not skip) }}",
    tolerant: true,
    fn: (args) => args.every(truthy),
  },
  or: {
    min: 1,
    summary: 'true when any argument is truthy',
    example: '{{ or force (ne current desired) }}',
    tolerant: true,
    fn: (args) => args.some(truthy),
  },
  not: {
    min: 1,
    max: 1,
    summary: 'negates truthiness',
    example: '{{ not skip }}',
    fn: ([value]) => !truthy(value),
  },
  defined: {
    min: 1,
    max: 1,
    summary: "true when the variable exists (Jinja2's `is defined`)",
    example: '{{ and (defined token) (ne token "") }}',
    tolerant: true,
    fn: ([value]) => value !== undefined,
  },
  default: {
    min: 1,
    max: 3,
    summary:
      'the value, or the fallback when it is undefined (also when falsy if the third argument is true)',
    example: "{{ default namespace 'default' }}",
    tolerant: true,
    fn: ([value, fallback = '', orFalsy]) => {
      if (value === undefined) return fallback;
      if (orFalsy === true && !truthy(value)) return fallback;
      return value;
    },
  },
  bool: {
    min: 1,
    max: 1,
    summary: "a boolean: true for true, 'yes', 'true', 'on', 'y', '1' and 1 (any case); false otherwise",
    example: '{{ bool insecure }}',
    fn: ([value]) => {
      if (typeof value === 'boolean') return value;
      if (typeof value === 'number') return value === 1;
      return typeof value === 'string' && TRUE_WORDS.has(value.trim().toLowerCase());
    },
  },
};
