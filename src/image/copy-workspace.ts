/**
 * A private temporary directory for one skopeo session: containers auth files (mode 0600) for
 * the source and the destination, a cert dir per side holding only the registry CA as `ca.crt`
 * (what `--src-cert-dir`/`--dest-cert-dir` want), and digest files. Credentials reach skopeo only
 * through these files, never argv; `remove()` deletes everything (call it in `finally`).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ResolvedRegistry } from './registry-endpoint.ts';

/** Paths of one workspace; an undefined auth file means "anonymous" for that side. */
export interface CopyWorkspace {
  dir: string;
  src: SideFiles;
  dest: SideFiles;
  /** A fresh path for `--digestfile`. */
  digestFile(): string;
  remove(): Promise<void>;
}

export interface SideFiles {
  authFile: string | undefined;
  certDir: string | undefined;
}

/** The containers-auth.json text for one registry (`{"auths": {host: {auth}}}`), or undefined. */
export function authFileContent(registry: ResolvedRegistry): string | undefined {
  const creds = registry.credentials;
  if (!creds) return undefined;
  const auth = Buffer.from(`${creds.username}:${creds.password}`).toString('base64');
  return `${JSON.stringify({ auths: { [registry.host]: { auth } } }, null, 2)}\n`;
}

/** Creates the workspace (directory mode 0700 from mkdtemp, files 0600). */
export async function createWorkspace(src: ResolvedRegistry, dest: ResolvedRegistry): Promise<CopyWorkspace> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mcsync-image-'));
  let counter = 0;
  const workspace: CopyWorkspace = {
    dir,
    src: { authFile: undefined, certDir: undefined },
    dest: { authFile: undefined, certDir: undefined },
    digestFile: () => path.join(dir, `digest-${(counter += 1)}`),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
  try {
    workspace.src = await sideFiles(dir, 'src', src);
    workspace.dest = await sideFiles(dir, 'dest', dest);
  } catch (error) {
    await workspace.remove();
    throw error;
  }
  return workspace;
}

async function sideFiles(dir: string, side: string, registry: ResolvedRegistry): Promise<SideFiles> {
  const content = authFileContent(registry);
  let authFile: string | undefined;
  if (content !== undefined) {
    authFile = path.join(dir, `${side}-auth.json`);
    await writeFile(authFile, content, { mode: 0o600, flag: 'wx' });
  }
  let certDir: string | undefined;
  if (registry.ca !== undefined) {
    certDir = path.join(dir, `${side}-certs`);
    await mkdir(certDir, { mode: 0o700 });
    await writeFile(path.join(certDir, 'ca.crt'), registry.ca, { mode: 0o600 });
  }
  return { authFile, certDir };
}
