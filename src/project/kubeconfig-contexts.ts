/**
 * The context names of a kubeconfig file and its current context: all `mcsync init` and shell
 * completion read from it. Nothing else of the file (servers, users, tokens, certificates) leaves
 * this function, so nothing secret can reach a generated file or the terminal.
 */
import { delimiter } from 'node:path';
import { LoadError } from '../errors.ts';
import { kubeconfigFiles } from '../kube/kubeconfig-raw.ts';
import { resolvePath } from '../kube/local-path.ts';
import { readYamlFile } from '../shared/yaml-source.ts';

export interface KubeconfigContexts {
  /** The file read, absolute. */
  file: string;
  /** Context names in file order, each once. */
  contexts: string[];
  /** `current-context`, when set. */
  currentContext: string | undefined;
}

/**
 * The kubeconfig to read: `given` (relative to `cwd`, `~/` expanded), else the first file of
 * KUBECONFIG (a colon list, as kubectl reads it), else ~/.kube/config. `source` says which, for
 * messages.
 */
export function chooseKubeconfig(
  given: string | undefined,
  cwd: string,
  env: NodeJS.ProcessEnv,
): { file: string; source: string } {
  if (given !== undefined) return { file: resolvePath(given, cwd), source: 'the file given' };
  const fromEnv = (env['KUBECONFIG'] ?? '').split(delimiter).some(Boolean);
  const [file] = kubeconfigFiles(env) as [string];
  return { file, source: fromEnv ? 'the first file of KUBECONFIG' : 'the default kubeconfig' };
}

/** Reads the contexts of `file`; a missing or malformed file is a LoadError naming it. */
export async function readKubeconfigContexts(file: string): Promise<KubeconfigContexts> {
  const source = await readYamlFile(file, { allowEmpty: true });
  const doc = source.value ?? {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new LoadError(`${file} is not a kubeconfig: expected a mapping with 'contexts'`, {
      location: source.locate([]),
    });
  }
  const raw = (doc as Record<string, unknown>)['contexts'] ?? [];
  if (!Array.isArray(raw)) {
    throw new LoadError(`'contexts' must be a list`, {
      location: source.locate(['contexts']),
      key: 'contexts',
    });
  }
  const contexts: string[] = [];
  raw.forEach((entry: unknown, index) => {
    const name =
      typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>)['name'] : undefined;
    if (typeof name !== 'string' || name === '') {
      throw new LoadError(`context ${index + 1} has no name`, {
        location: source.locate(['contexts', index]),
        key: 'name',
      });
    }
    if (!contexts.includes(name)) contexts.push(name);
  });
  const current = (doc as Record<string, unknown>)['current-context'];
  return {
    file,
    contexts,
    currentContext: typeof current === 'string' && current !== '' ? current : undefined,
  };
}
