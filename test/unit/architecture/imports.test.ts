// The import rules of docs/architecture.md, checked over every file under src/: the kube layer
// never reaches into the loader, the model (the contracts between stages) depends on nothing but
// itself, the errors and the shared tools, and the library never imports the CLI. A new import
// that breaks a rule fails here with the file, the import and the rule.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

const ROOT = path.resolve(import.meta.dirname, '../../..');

/**
 * Imports that break a rule today and are being moved; each entry is `importer -> imported`
 * (paths from the repository root). Delete an entry once its import is gone: nothing may be added.
 */
const KNOWN_EXCEPTIONS = new Set<string>([
  // src/observe -> src/cli: none left since 92af172 (observe has its own ObserverOptions and
  // loads projects through src/project), so the library-never-imports-the-CLI rule holds whole.
  // The shared tools moved to src/shared and the vault contract to src/model/vault-decrypter.ts
  // in issue 14's last step: no exception is left.
]);

interface Rule {
  name: string;
  /** True when `from` importing `to` breaks the rule (both paths from the repository root). */
  breaks(from: string, to: string): boolean;
}

const under = (file: string, folder: string): boolean => file.startsWith(`${folder}/`);

const RULES: Rule[] = [
  {
    name: 'src/kube never imports src/load',
    breaks: (from, to) => under(from, 'src/kube') && under(to, 'src/load'),
  },
  {
    name: 'src/model imports only src/model, src/errors.ts and src/shared',
    breaks: (from, to) =>
      under(from, 'src/model') &&
      !under(to, 'src/model') &&
      to !== 'src/errors.ts' &&
      !under(to, 'src/shared'),
  },
  {
    name: 'src/shared imports only src/shared, src/errors.ts and src/vault (the YAML reader decrypts)',
    breaks: (from, to) =>
      under(from, 'src/shared') &&
      !under(to, 'src/shared') &&
      to !== 'src/errors.ts' &&
      !under(to, 'src/vault'),
  },
  {
    name: 'the libraries modules wrap (src/kube, src/image, src/failover, src/http) never import src/modules',
    breaks: (from, to) =>
      ['src/kube', 'src/image', 'src/failover', 'src/http'].some((lib) => under(from, lib)) &&
      under(to, 'src/modules'),
  },
  {
    name: 'only src/cli imports src/cli',
    breaks: (from, to) => !under(from, 'src/cli') && under(to, 'src/cli'),
  },
];

const STATIC = /\b(?:import|export)\s[^;]*?\bfrom\s*['"]([^'"]+)['"]/g;
const BARE = /^\s*import\s*['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The module specifiers a source file imports: `import … from`, `export … from`, bare and dynamic imports. */
function specifiers(text: string): string[] {
  return [STATIC, BARE, DYNAMIC].flatMap((pattern) => [...text.matchAll(pattern)].map((m) => m[1] as string));
}

/** The repository files `file` imports from the tree (packages and node: modules left out). */
function localImports(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  return specifiers(text)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => path.relative(ROOT, path.resolve(path.dirname(path.join(ROOT, file)), spec)));
}

function sourceFiles(): string[] {
  return readdirSync(path.join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => path.join('src', name).split(path.sep).join('/'));
}

describe('import rules', () => {
  it('finds static, re-exported, bare and dynamic imports, over several lines too', () => {
    const text = [
      "import type { A } from '../model/a.ts';",
      'import {\n  b,\n  c,\n} from "../cli/b.ts";',
      "export { d } from './d.ts';",
      "import './side-effect.ts';",
      "const e = await import('../load/e.ts');",
    ].join('\n');
    assert.deepEqual(specifiers(text).sort(), [
      '../cli/b.ts',
      '../load/e.ts',
      '../model/a.ts',
      './d.ts',
      './side-effect.ts',
    ]);
  });

  it('hold for every file under src/ (apart from the listed exceptions)', () => {
    const files = sourceFiles();
    assert.ok(files.length > 100, `found only ${files.length} source files`);
    const broken: string[] = [];
    for (const from of files) {
      for (const to of localImports(from)) {
        const edge = `${from} -> ${to}`;
        if (KNOWN_EXCEPTIONS.has(edge)) continue;
        for (const rule of RULES) if (rule.breaks(from, to)) broken.push(`${edge} (${rule.name})`);
      }
    }
    assert.deepEqual(broken, [], `imports that break the rules:\n${broken.join('\n')}`);
  });

  it('list only exceptions that are still imports (delete an entry once its import is gone)', () => {
    const edges = new Set(
      sourceFiles().flatMap((from) => localImports(from).map((to) => `${from} -> ${to}`)),
    );
    assert.deepEqual(
      [...KNOWN_EXCEPTIONS].filter((edge) => !edges.has(edge)),
      [],
    );
  });

  it('would catch each kind of forbidden import', () => {
    const caught = (from: string, to: string): string[] =>
      RULES.filter((rule) => rule.breaks(from, to)).map((rule) => rule.name);
    assert.deepEqual(caught('src/kube/client.ts', 'src/load/yaml-source.ts'), [
      'src/kube never imports src/load',
    ]);
    assert.deepEqual(caught('src/model/module.ts', 'src/engine/ports.ts'), [
      'src/model imports only src/model, src/errors.ts and src/shared',
    ]);
    assert.deepEqual(caught('src/engine/runner.ts', 'src/cli/main.ts'), ['only src/cli imports src/cli']);
    assert.deepEqual(caught('src/model/module.ts', 'src/shared/clock.ts'), []);
    assert.deepEqual(caught('src/cli/main.ts', 'src/cli/play-command.ts'), []);
  });
});
