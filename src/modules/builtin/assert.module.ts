/**
 * assert: fails the host unless every condition in `that` holds.
 *
 * Conditions are templates only the engine can evaluate, so the definition lists `that` in
 * `conditionArgs`: the engine evaluates each condition (a string, or a list where all must hold)
 * with the host's variables and passes the module `[{ condition, result }]` in the same order.
 * Plain booleans, and strings that are literally `true`/`false`, are accepted too.
 */
import type { ModuleDefinition } from '../../model/module.ts';
import type { ModuleResult } from '../../model/result.ts';

/** A condition as the engine hands it over: its text and what it evaluated to. */
export interface EvaluatedCondition {
  condition: string;
  result: boolean;
}

type AssertCondition = boolean | string | EvaluatedCondition;

export interface AssertArgs {
  that: AssertCondition | AssertCondition[];
  fail_msg?: unknown;
  /** Older name of fail_msg. */
  msg?: unknown;
  success_msg?: unknown;
  /** Accepted for compatibility; results are already short. */
  quiet?: boolean;
}

const CONDITION_SCHEMA = {
  anyOf: [
    { type: 'string', minLength: 1 },
    { type: 'boolean' },
    {
      type: 'object',
      properties: { condition: { type: 'string' }, result: { type: 'boolean' } },
      required: ['condition', 'result'],
      additionalProperties: false,
    },
  ],
};

export const assertModule: ModuleDefinition<AssertArgs> = {
  name: 'assert',
  description: 'Fail unless all conditions in `that` hold.',
  supportsCheckMode: true,
  conditionArgs: ['that'],
  argsSchema: {
    type: 'object',
    properties: {
      that: { anyOf: [CONDITION_SCHEMA, { type: 'array', items: CONDITION_SCHEMA, minItems: 1 }] },
      fail_msg: {},
      msg: {},
      success_msg: {},
      quiet: { type: 'boolean' },
    },
    required: ['that'],
    additionalProperties: false,
  },
  async run(args): Promise<ModuleResult> {
    const conditions = Array.isArray(args.that) ? args.that : [args.that];
    for (const condition of conditions) {
      const value = asBoolean(condition);
      const assertion = typeof condition === 'object' ? condition.condition : String(condition);
      if (value === undefined) {
        return {
          changed: false,
          failed: true,
          assertion,
          msg: `assert: condition was not evaluated to a boolean: ${assertion}`,
        };
      }
      if (!value) {
        return {
          changed: false,
          failed: true,
          assertion,
          evaluated_to: false,
          msg: text(args.fail_msg ?? args.msg) ?? 'Assertion failed',
        };
      }
    }
    return { changed: false, msg: text(args.success_msg) ?? 'All assertions passed' };
  },
};

function asBoolean(value: AssertCondition): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'object') return value.result;
  const word = value.trim().toLowerCase();
  if (word === 'true') return true;
  if (word === 'false') return false;
  return undefined;
}

function text(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
