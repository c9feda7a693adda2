/**
 * set_fact: sets host variables for the rest of the run. Any key is a fact (hence the schema only
 * checks that keys are variable names); `cacheable` is accepted and means nothing here.
 */
import type { ModuleDefinition } from '../../model/module.ts';
import type { Vars } from '../../model/vars.ts';

export type SetFactArgs = Vars & { cacheable?: boolean };

export const setFactModule: ModuleDefinition<SetFactArgs> = {
  name: 'set_fact',
  description: 'Set host variables (facts) for the rest of the run.',
  supportsCheckMode: true,
  argsSchema: {
    type: 'object',
    properties: { cacheable: { type: 'boolean' } },
    propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
    minProperties: 1,
    // Every other key is a fact name, so this schema cannot close the object.
    additionalProperties: true,
  },
  async run(args) {
    const facts: Vars = { ...args };
    delete facts['cacheable'];
    if (Object.keys(facts).length === 0) {
      return { changed: false, failed: true, msg: 'set_fact needs at least one variable to set' };
    }
    return { changed: false, facts };
  },
};
