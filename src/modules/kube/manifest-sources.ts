/**
 * Where the k8s module's objects come from: `definition` (an object, a list, or YAML text),
 * `src` (files, directories or globs of multi-document YAML/JSON) and `template` (Handlebars
 * files rendered with the task's variables). Relative paths resolve against the search paths
 * (role files/ and templates/, then the playbook directory) and then the base directory.
 */
import { glob, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { LoadError, McsyncError } from '../../errors.ts';
import type { ModuleContext } from '../../model/module.ts';
import { getOrCreate, runCacheKey } from '../../model/run-cache.ts';
import type { KubeObject } from '../../kube/index.ts';
import { isRecord } from '../../kube/index.ts';
import { createTemplar } from '../../template/index.ts';
import type { Templar } from '../../template/index.ts';

/** One object and where it came from (`file.yaml#2` or `definition[0]`), for messages. */
export interface SourcedObject {
  object: KubeObject;
  origin: string;
}

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
/** Template directories and globs also pick up Handlebars files (`deploy.yaml.hbs`). */
const TEMPLATE_EXTENSIONS = new Set([...MANIFEST_EXTENSIONS, '.hbs', '.handlebars', '.tpl']);
const extensionsFor = (key: string): Set<string> =>
  key === 'template' ? TEMPLATE_EXTENSIONS : MANIFEST_EXTENSIONS;

/**
 * Parses multi-document YAML or JSON. Empty documents are skipped; `kind: List` (and `*List`
 * with `items`) is expanded. Syntax errors are LoadErrors with file:line:column.
 */
export function parseManifests(text: string, origin: string): SourcedObject[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true });
  if (!Array.isArray(docs)) return [];
  const out: SourcedObject[] = [];
  docs.forEach((doc, index) => {
    const problem = doc.errors[0];
    if (problem) {
      const pos = lineCounter.linePos(problem.pos[0]);
      throw new LoadError(`invalid YAML in ${origin}: ${problem.message.split('\n')[0]}`, {
        location: { file: origin, line: pos.line, column: pos.col },
      });
    }
    const value: unknown = doc.toJS();
    if (value !== null && value !== undefined) out.push(...expand(value, `${origin}#${index + 1}`));
  });
  return out;
}

/** Turns a definition value (object, list, List kind) into objects. */
export function expand(value: unknown, origin: string): SourcedObject[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => expand(item, `${origin}[${i}]`));
  if (!isRecord(value)) {
    throw new McsyncError(
      `${origin}: expected a Kubernetes object (a mapping with apiVersion, kind, metadata), got ${typeof value}`,
    );
  }
  const kind = value['kind'];
  if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(value['items'])) {
    return expand(value['items'], `${origin}.items`);
  }
  return [{ object: value as KubeObject, origin }];
}

/** The objects named by `definition`: an object, a list of objects, or YAML text. */
export function definitionObjects(definition: unknown): SourcedObject[] {
  if (typeof definition === 'string') return parseManifests(definition, 'definition');
  return expand(definition, 'definition');
}

/** Finds a relative path in the search paths, then the base directory; absolute paths as they are. */
async function locate(file: string, context: ModuleContext): Promise<string | undefined> {
  if (path.isAbsolute(file)) return file;
  for (const dir of [...context.searchPaths, context.baseDir]) {
    const candidate = path.resolve(dir, file);
    if (
      await stat(candidate).then(
        () => true,
        () => false,
      )
    )
      return candidate;
  }
  return undefined;
}

const hasGlob = (pattern: string): boolean => /[*?[\]{}]/.test(pattern);

/** Expands one `src` entry into the manifest files it names, sorted. */
export async function manifestFiles(entry: string, context: ModuleContext, key: string): Promise<string[]> {
  if (hasGlob(entry)) {
    for (const dir of path.isAbsolute(entry) ? [''] : [...context.searchPaths, context.baseDir]) {
      const found: string[] = [];
      for await (const match of glob(entry, { cwd: dir || undefined })) found.push(path.resolve(dir, match));
      const files = found.filter((f) => extensionsFor(key).has(path.extname(f))).sort();
      if (files.length) return files;
    }
    throw new McsyncError(
      `${key} '${entry}' matches no ${[...extensionsFor(key)].join(', ')} file (searched ${searched(context)})`,
      { key },
    );
  }
  const file = await locate(entry, context);
  if (!file) throw new McsyncError(`${key} '${entry}' not found (searched ${searched(context)})`, { key });
  if (!(await stat(file)).isDirectory()) return [file];
  const files: string[] = [];
  for await (const match of glob('*', { cwd: file })) {
    if (extensionsFor(key).has(path.extname(match))) files.push(path.join(file, match));
  }
  if (!files.length)
    throw new McsyncError(
      `${key} '${entry}' is a directory without ${[...extensionsFor(key)].join(', ')} files`,
      { key },
    );
  return files.sort();
}

function searched(context: ModuleContext): string {
  return [...new Set([...context.searchPaths, context.baseDir])].join(', ');
}

async function readManifestFile(file: string, key: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new McsyncError(
      `${key}: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      { key, cause: error },
    );
  }
}

/** The objects of every `src` entry, in the order given (files of one entry sorted by name). */
export async function srcObjects(
  entries: readonly string[],
  context: ModuleContext,
): Promise<SourcedObject[]> {
  const out: SourcedObject[] = [];
  for (const entry of entries) {
    for (const file of await manifestFiles(entry, context, 'src'))
      out.push(...parseManifests(await readManifestFile(file, 'src'), file));
  }
  return out;
}

const TEMPLAR = runCacheKey<Templar>('k8s:templar');

/** The templar of this run (one per run: compiled templates are cached in it). */
function templarOf(context: ModuleContext): Templar {
  return getOrCreate(context.services.runCache, TEMPLAR, () => createTemplar());
}

/** Renders each template file with the task's variables and parses the result. */
export async function templateObjects(
  entries: readonly string[],
  context: ModuleContext,
): Promise<SourcedObject[]> {
  const out: SourcedObject[] = [];
  for (const entry of entries) {
    for (const file of await manifestFiles(entry, context, 'template')) {
      const text = await readManifestFile(file, 'template');
      const rendered = templarOf(context).render(text, context.vars as Record<string, unknown>, {
        baseDir: path.dirname(file),
      });
      out.push(...(typeof rendered === 'string' ? parseManifests(rendered, file) : expand(rendered, file)));
    }
  }
  return out;
}
