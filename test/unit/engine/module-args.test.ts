import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModuleArgsError, validateModuleArgs } from '../../../src/engine/module-args.ts';
import type { ModuleDefinition } from '../../../src/model/module.ts';

const module: ModuleDefinition = {
  name: 'demo',
  description: 'test module',
  supportsCheckMode: true,
  argsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { prune: { type: 'boolean' }, count: { type: 'integer' }, name: { type: 'string' } },
  },
  run: () => Promise.resolve({ changed: false }),
};
const location = { file: 'play.yml', line: 3, column: 5 };

describe('run-time module argument validation', () => {
  it('turns rendered Ansible booleans and integers into their declared types', () => {
    for (const [text, value] of [
      ['true', true],
      ['yes', true],
      ['On', true],
      ['false', false],
      ['no', false],
      ['0', false],
    ] as const) {
      const args: Record<string, unknown> = { prune: text };
      validateModuleArgs(module, args, location);
      assert.equal(args['prune'], value, text);
    }
    const args: Record<string, unknown> = { count: '12', name: '12' };
    validateModuleArgs(module, args, location);
    assert.deepEqual(args, { count: 12, name: '12' });
  });

  it('still rejects strings that are not booleans, naming the module and the argument', () => {
    assert.throws(
      () => validateModuleArgs(module, { prune: 'maybe' }, location),
      (error: unknown) =>
        error instanceof ModuleArgsError &&
        /invalid arguments for module 'demo': 'prune' must be boolean/.test(error.message),
    );
  });
});
