/**
 * The module registry: builtins plus whatever later issues add (k8s modules), looked up by name
 * or alias. Every builtin also answers to `ansible.builtin.<name>`, so playbooks written for
 * Ansible keep their fully qualified names.
 */
import type { ModuleDefinition, ModuleRegistry } from '../model/module.ts';
import { assertModule } from './builtin/assert.module.ts';
import { commandModule } from './builtin/command.module.ts';
import { debugModule } from './builtin/debug.module.ts';
import { failModule } from './builtin/fail.module.ts';
import { includeVarsModule } from './builtin/include-vars.module.ts';
import { pauseModule } from './builtin/pause.module.ts';
import { setFactModule } from './builtin/set-fact.module.ts';
import { shellModule } from './builtin/shell.module.ts';
import { uriModule } from './builtin/uri.module.ts';
import { waitForModule } from './builtin/wait-for.module.ts';

/** The generic modules every run has. */
export function builtinModules(): ModuleDefinition[] {
  return [
    debugModule,
    setFactModule,
    assertModule,
    failModule,
    includeVarsModule,
    pauseModule,
    waitForModule,
    commandModule,
    shellModule,
    uriModule,
  ] as ModuleDefinition[];
}

export interface ExtendedModuleRegistry extends ModuleRegistry {
  /** Every distinct module once, builtins first (for --help and docs). */
  definitions(): ModuleDefinition[];
}

/**
 * Builds the registry from the builtins and `extra` definitions. A name or alias claimed twice is
 * a programming error and throws. `names()` lists every name and alias, sorted (for "did you mean").
 */
export function createModuleRegistry(extra: readonly ModuleDefinition[] = []): ExtendedModuleRegistry {
  const byName = new Map<string, ModuleDefinition>();
  const definitions = [...builtinModules(), ...extra];
  const builtins = new Set(builtinModules());
  const claim = (name: string, definition: ModuleDefinition): void => {
    const existing = byName.get(name);
    if (existing && existing !== definition) {
      throw new Error(`module name '${name}' is claimed by both '${existing.name}' and '${definition.name}'`);
    }
    byName.set(name, definition);
  };
  for (const definition of definitions) {
    claim(definition.name, definition);
    if (builtins.has(definition)) claim(`ansible.builtin.${definition.name}`, definition);
    for (const alias of definition.aliases ?? []) claim(alias, definition);
  }
  return {
    get: (name) => byName.get(name),
    names: () => [...byName.keys()].sort(),
    definitions: () => [...definitions],
  };
}
