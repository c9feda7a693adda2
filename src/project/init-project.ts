/**
 * `mcsync init --from-kubeconfig`: a project that runs at once, made from the contexts of a
 * kubeconfig. It writes mcsync.yaml, inventory/hosts.yml (one host per context: master and
 * slaves), vars/create.yml and vars/sync.yml (commented examples), and copies of the shipped
 * playbooks/create.yml and playbooks/sync.yml: those load `../vars/`, so the project's copies read
 * the project's vars, while the roles stay mcsync's own (mcsync.yaml's roles_path).
 *
 * Every file is prepared and every target checked before the first one is written, so a refusal
 * or an error leaves the directory as it was.
 */
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LoadError, UsageError } from '../errors.ts';
import { didYouMean } from '../shared/did-you-mean.ts';
import { hostNamesForContexts } from './host-names.ts';
import { CREATE_VARS, SYNC_VARS, renderInventory, renderProjectConfig } from './init-files.ts';
import type { InitHost } from './init-files.ts';
import { chooseKubeconfig, readKubeconfigContexts } from './kubeconfig-contexts.ts';

/** Where mcsync's own roles/ and playbooks/ are: two levels above src/project (or dist/project). */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The shipped playbooks a new project gets a copy of. */
const PLAYBOOKS = ['create.yml', 'sync.yml'] as const;

export interface InitRequest {
  /** The project directory (created when missing). */
  dir: string;
  /** The kubeconfig to read; default: the first file of KUBECONFIG, else ~/.kube/config. */
  kubeconfig?: string | undefined;
  /** The context that becomes the master; default: the kubeconfig's current-context. */
  master?: string | undefined;
  /** Overwrite files that exist. */
  force: boolean;
  /** For the default kubeconfig and `~`. */
  env: NodeJS.ProcessEnv;
  /** Relative paths (dir, kubeconfig) resolve against it. */
  cwd: string;
  /** mcsync's roles/ and playbooks/ (default: this package's). */
  packageRoot?: string;
}

export interface InitResult {
  dir: string;
  kubeconfig: string;
  master: InitHost;
  slaves: InitHost[];
  /** The files written, relative to `dir`, in writing order. */
  files: string[];
  /** Files that were there and were replaced (only with force). */
  overwritten: string[];
}

/** One file to write: its path relative to the project and its content. */
interface PlannedFile {
  path: string;
  content: string;
}

/** Reads the kubeconfig, prepares every file, checks every target, then writes them. */
export async function initProject(request: InitRequest): Promise<InitResult> {
  const dir = resolve(request.cwd, request.dir);
  const kubeconfig = existingKubeconfig(request);
  const { contexts, currentContext } = await readKubeconfigContexts(kubeconfig);
  if (contexts.length === 0) {
    throw new LoadError(
      `kubeconfig ${kubeconfig} has no contexts, so there is no cluster to put in the inventory; ` +
        `add one (kubectl config set-context, oc login) or name another file`,
      { key: 'contexts' },
    );
  }
  const masterContext = chooseMaster(request.master, contexts, currentContext, kubeconfig);
  const names = hostNamesForContexts(contexts);
  const host = (context: string): InitHost => ({ host: names.get(context) as string, context });
  const master = host(masterContext);
  const slaves = contexts.filter((c) => c !== masterContext).map(host);
  const files = await planFiles(dir, request.packageRoot ?? PACKAGE_ROOT, {
    kubeconfig: displayPath(kubeconfig),
    master,
    slaves,
  });
  const overwritten = checkTargets(dir, files, request.force);
  for (const file of files) {
    const target = join(dir, file.path);
    await mkdir(dirname(target), { recursive: true });
    // 'wx' without --force: a file that appeared since the check is still never overwritten.
    await writeFile(target, file.content, { flag: request.force ? 'w' : 'wx' });
  }
  return { dir, kubeconfig, master, slaves, files: files.map((f) => f.path), overwritten };
}

function existingKubeconfig(request: InitRequest): string {
  const { file, source } = chooseKubeconfig(request.kubeconfig, request.cwd, request.env);
  if (!existsSync(file)) {
    throw new LoadError(`kubeconfig ${file} (${source}) does not exist`, { key: 'kubeconfig' });
  }
  return file;
}

function chooseMaster(
  wanted: string | undefined,
  contexts: readonly string[],
  current: string | undefined,
  kubeconfig: string,
): string {
  const list = contexts.join(', ');
  if (wanted !== undefined) {
    if (contexts.includes(wanted)) return wanted;
    throw new UsageError(
      `--master ${wanted}: no such context in ${kubeconfig}${didYouMean(wanted, contexts)}; it has: ${list}`,
      { key: 'master' },
    );
  }
  if (current !== undefined && contexts.includes(current)) return current;
  if (contexts.length === 1) return contexts[0] as string;
  const why =
    current === undefined
      ? 'has no current-context'
      : `names a current-context '${current}' it does not define`;
  throw new UsageError(
    `kubeconfig ${kubeconfig} ${why}; choose the master with --master CONTEXT (one of: ${list})`,
    {
      key: 'master',
    },
  );
}

async function planFiles(
  dir: string,
  packageRoot: string,
  inventory: Parameters<typeof renderInventory>[0],
): Promise<PlannedFile[]> {
  const playbooks = await Promise.all(
    PLAYBOOKS.map(async (name) => ({
      path: `playbooks/${name}`,
      content: await readFile(join(packageRoot, 'playbooks', name), 'utf8'),
    })),
  );
  return [
    { path: 'mcsync.yaml', content: renderProjectConfig(rolesPathFrom(dir, join(packageRoot, 'roles'))) },
    { path: 'inventory/hosts.yml', content: renderInventory(inventory) },
    { path: 'vars/create.yml', content: CREATE_VARS },
    { path: 'vars/sync.yml', content: SYNC_VARS },
    ...playbooks,
  ];
}

/**
 * Refuses, naming every file at once, when any target exists and `force` is not set; a target
 * that is a directory, or a parent that is a file, is refused even with `force`. Returns the
 * files that will be replaced.
 */
function checkTargets(dir: string, files: readonly PlannedFile[], force: boolean): string[] {
  const existing: string[] = [];
  for (const file of files) {
    const target = join(dir, file.path);
    const blocker = blockingParent(dir, file.path);
    if (blocker !== undefined)
      throw new UsageError(`cannot write ${target}: ${blocker} is a file, not a directory`);
    if (!existsSync(target)) continue;
    if (statSync(target).isDirectory()) throw new UsageError(`cannot write ${target}: it is a directory`);
    existing.push(file.path);
  }
  if (existing.length > 0 && !force) {
    throw new UsageError(
      `${dir} already has ${existing.join(', ')}; nothing was written. ` +
        `Pass --force to overwrite them, or --dir to init another directory`,
      { key: 'force' },
    );
  }
  return existing;
}

/** The first existing non-directory among the project dir and the parents of `path` in it. */
function blockingParent(dir: string, path: string): string | undefined {
  const parts = path.split('/').slice(0, -1);
  const dirs = [dir, ...parts.map((_, i) => join(dir, ...parts.slice(0, i + 1)))];
  return dirs.find((d) => existsSync(d) && !statSync(d).isDirectory());
}

/** roles_path relative to the project when mcsync is installed inside it, else absolute. */
function rolesPathFrom(dir: string, roles: string): string {
  const rel = relative(dir, roles);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : roles;
}

/** `~/…` for a file under the home directory (the inventory then works for the same user anywhere). */
function displayPath(file: string): string {
  const home = homedir();
  return file.startsWith(home + sep) ? `~/${relative(home, file)}` : file;
}
