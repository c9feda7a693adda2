import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import type { ModuleDefinition } from '../../../src/model/module.ts';
import { builtinModules, createModuleRegistry } from '../../../src/modules/registry.ts';

const BUILTINS = [
  'assert',
  'command',
  'debug',
  'fail',
  'include_vars',
  'pause',
  'set_fact',
  'shell',
  'uri',
  'wait_for',
];

describe('module registry', () => {
  it('finds every builtin by name and by ansible.builtin.<name>', () => {
    const registry = createModuleRegistry();
    for (const name of BUILTINS) {
      assert.equal(registry.get(name)?.name, name);
      assert.equal(registry.get(`ansible.builtin.${name}`), registry.get(name));
    }
    assert.equal(registry.get('nope'), undefined);
    assert.deepEqual(registry.names(), [...registry.names()].sort());
  });

  it('adds extra modules with their aliases', () => {
    const k8s: ModuleDefinition = {
      name: 'k8s',
      aliases: ['kubernetes.core.k8s'],
      argsSchema: { type: 'object', additionalProperties: false },
      supportsCheckMode: true,
      description: 'test',
      run: async () => ({ changed: false }),
    };
    const registry = createModuleRegistry([k8s]);
    assert.equal(registry.get('kubernetes.core.k8s'), k8s);
    assert.equal(registry.get('ansible.builtin.k8s'), undefined);
    assert.equal(registry.definitions().length, BUILTINS.length + 1);
  });

  it('refuses two modules with the same name', () => {
    const clash = { ...builtinModules()[0], name: 'other', aliases: ['debug'] } as ModuleDefinition;
    assert.throws(() => createModuleRegistry([clash]), /'debug' is claimed by both 'debug' and 'other'/);
  });

  it('gives every builtin a compilable closed schema and a description', () => {
    const ajv = new Ajv({ allErrors: true, strictTypes: false });
    for (const definition of builtinModules()) {
      assert.doesNotThrow(() => ajv.compile(definition.argsSchema), definition.name);
      assert.ok(definition.description.length > 10, definition.name);
      const closed =
        (definition.argsSchema as { additionalProperties?: unknown }).additionalProperties === false;
      assert.equal(closed, definition.name !== 'set_fact', definition.name);
    }
  });

  it('marks assert.that as a condition argument for the engine', () => {
    const registry = createModuleRegistry();
    const assertModule = registry.get('assert');
    assert.ok(assertModule);
    assert.deepEqual(assertModule.conditionArgs, ['that']);
    assert.deepEqual(registry.get('debug')?.conditionArgs ?? [], []);
  });

  it('rejects misspelt arguments through the schema', () => {
    const ajv = new Ajv({ allErrors: true, strictTypes: false });
    const validate = ajv.compile(createModuleRegistry().get('command')?.argsSchema ?? {});
    assert.equal(validate({ argv: ['true'], chdri: '/tmp' }), false);
    assert.equal(validate({ argv: ['true'], chdir: '/tmp' }), true);
  });
});
