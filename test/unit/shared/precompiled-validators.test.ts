// The build's precompiled validators (scripts/precompile-validators.ts) judge every sample as
// the validators compiled at run time do, with the same errors and the same filled-in defaults;
// a schema that differs from the one generated falls back to compiling.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import type { AnySchema } from 'ajv';
import { LOAD_SCHEMAS } from '../../../src/load/validate.ts';
import { kubeModules } from '../../../src/modules/kube/index.ts';
import { createModuleRegistry } from '../../../src/modules/registry.ts';
import {
  precompiledLookup,
  VALIDATOR_SETS,
  validatorFor,
} from '../../../src/shared/precompiled-validators.ts';
import type { ValidatorSet } from '../../../src/shared/precompiled-validators.ts';

const samples: unknown[] = [
  {},
  [],
  'text',
  null,
  [{ hosts: 'all', tasks: [{ name: 'say', debug: { msg: 'hi' } }] }],
  [{ hosts: 1, bogus: true, tasks: 'no' }],
  { name: 'x', when: 'a', loop: [1, 2], register: 'r', debug: { msg: 'm' } },
  { definition: { kind: 'ConfigMap' }, state: 'present', wait: 'yes', prune: 3 },
  { objects: [{ kind: 'Secret', namespace: 'demo', names: ['a'] }], from: 'east', concurrency: 99 },
  { cmd: 'true', chdir: 1, unknown_arg: {} },
];

let dir: string;
before(async () => {
  // Inside the repository, as dist/generated/ is: the generated code requires ajv's runtime.
  const cache = join(import.meta.dirname, '..', '..', '..', 'node_modules', '.cache');
  await mkdir(cache, { recursive: true });
  dir = await mkdtemp(join(cache, 'mcsync-validators-'));
  await promisify(execFile)(process.execPath, ['scripts/precompile-validators.ts', dir]);
});
after(() => rm(dir, { recursive: true, force: true }));

const schemasOf = (set: ValidatorSet): Record<string, AnySchema> =>
  set === 'load'
    ? LOAD_SCHEMAS
    : Object.fromEntries(
        createModuleRegistry(kubeModules)
          .definitions()
          .map((m) => [m.name, m.argsSchema as AnySchema]),
      );

describe('precompiled validators', () => {
  for (const set of Object.keys(VALIDATOR_SETS) as ValidatorSet[])
    it(`of ${set} judge each sample as run-time compiled ones do`, () => {
      const lookup = precompiledLookup(dir);
      const ajv = new Ajv(VALIDATOR_SETS[set]);
      for (const [name, schema] of Object.entries(schemasOf(set))) {
        const generated = lookup(set, name, schema);
        assert.ok(generated, `${set}:${name} was generated`);
        const compiled = ajv.compile(schema);
        for (const sample of samples) {
          const a = structuredClone(sample);
          const b = structuredClone(sample);
          assert.equal(generated(a), compiled(b), `${set}:${name} on ${JSON.stringify(sample)}`);
          assert.deepEqual(generated.errors ?? null, compiled.errors ?? null, `${set}:${name} errors`);
          assert.deepEqual(a, b, `${set}:${name} filled in the same defaults`);
        }
      }
    });

  it('are not used for a schema other than the one generated, nor when none were built', () => {
    const lookup = precompiledLookup(dir);
    assert.ok(lookup('load', 'play', LOAD_SCHEMAS.play));
    assert.equal(lookup('load', 'play', { ...LOAD_SCHEMAS.play, title: 'changed' }), undefined);
    assert.equal(lookup('engine-args', 'no_such_module', {}), undefined);
    assert.equal(precompiledLookup(join(dir, 'missing'))('load', 'play', LOAD_SCHEMAS.play), undefined);
  });

  it("are compiled with the set's options when none was generated for the schema", () => {
    const schema = {
      type: 'object',
      properties: { replicas: { type: 'integer', default: 3 } },
      additionalProperties: false,
    };
    const validate = validatorFor('engine-args', 'no_such_module', schema);
    const args: Record<string, unknown> = {};
    assert.equal(validate(args), true);
    assert.deepEqual(args, { replicas: 3 }, 'engine-args fill in defaults');
    assert.equal(validate({ replicas: 'x' }), false);
    assert.equal(validatorFor('load-args', 'no_such_module', schema)({ extra: 1 }), false);
  });
});
