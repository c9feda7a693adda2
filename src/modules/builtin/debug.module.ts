/**
 * debug: prints a message or a variable's value. Renderers show its result at every verbosity,
 * as Ansible does; `verbosity: N` hides it below -v×N.
 */
import type { ModuleDefinition } from '../../model/module.ts';
import type { Vars } from '../../model/vars.ts';

export interface DebugArgs {
  msg?: unknown;
  /** A variable name, optionally a dotted path (`item.name`, `results.0.rc`). */
  var?: string;
  verbosity?: number;
}

/** What `var:` shows when the variable does not exist (Ansible's wording). */
export const UNDEFINED_VARIABLE = 'VARIABLE IS NOT DEFINED!';

export const debugModule: ModuleDefinition<DebugArgs> = {
  name: 'debug',
  description: "Print a message or a variable's value.",
  supportsCheckMode: true,
  argsSchema: {
    type: 'object',
    properties: {
      msg: {},
      var: { type: 'string', minLength: 1 },
      verbosity: { type: 'integer', minimum: 0 },
    },
    not: { required: ['msg', 'var'] },
    additionalProperties: false,
  },
  async run(args, context) {
    if ((args.verbosity ?? 0) > context.verbosity) {
      return { changed: false, skipped: true, skip_reason: 'Verbosity threshold not met.' };
    }
    if (args.var !== undefined) {
      const value = lookupPath(context.vars, args.var);
      return { changed: false, [args.var]: value === undefined ? UNDEFINED_VARIABLE : value };
    }
    // Ansible keeps a non-string msg (a list, a mapping) as is, and so do we.
    return { changed: false, msg: args.msg ?? 'Hello world!' };
  },
};

/** Reads `a.b.0.c` (or `a['b']`) from vars; undefined when any step is missing. */
export function lookupPath(vars: Readonly<Vars>, path: string): unknown {
  const steps = path
    .replace(/\[['"]?([^\]'"]+)['"]?\]/g, '.$1')
    .split('.')
    .filter((step) => step !== '');
  let value: unknown = vars;
  for (const step of steps) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, step)) return undefined;
    value = (value as Record<string, unknown>)[step];
  }
  return value;
}
