// prom-client is loaded only where metrics are served: the observer loads it, `mcsync play` (the
// CLI entry point and the play command) does not. The check follows the static imports that
// survive compilation (`import type` is erased; `import()` is lazy and loads only when reached).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Value imports and re-exports at the start of a line; `import type` / `export type` are erased. */
const STATIC_IMPORT = /^(?:import|export)\s+(?!type\s)(?:[^;'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;

/** Specifiers a module loads at import time. */
function staticImports(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)].map((match) => match[1] ?? '');
}

/** The packages (bare specifiers) `entry` loads at import time, through every relative import. */
function packagesLoadedBy(entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const specifier of staticImports(file)) {
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
      else if (!specifier.startsWith('node:')) packages.add(specifier);
    }
  };
  visit(resolve(root, entry));
  return packages;
}

describe('where prom-client is loaded', () => {
  it('the observer loads it', () => {
    assert.ok(packagesLoadedBy('src/observe/observer.ts').has('prom-client'));
  });

  it('the CLI entry point and `mcsync play` do not', () => {
    assert.ok(!packagesLoadedBy('src/cli/main.ts').has('prom-client'));
    assert.ok(!packagesLoadedBy('src/cli/play-command.ts').has('prom-client'));
  });
});
