import { access } from 'node:fs/promises';
import path from 'node:path';
import { PrerequisiteError } from '../errors.ts';
import { which } from '../exec.ts';
import { CNI_BIN_DIR } from './containerd-config.ts';

/** What a sandbox node needs besides the cluster binary, and the Debian package that provides it. */
const NODE_NEEDS = [
  { what: 'containerd', debianPackage: 'containerd', why: 'the container runtime the kubelet drives' },
  { what: 'ctr', debianPackage: 'containerd', why: 'imports the local pause image into containerd' },
  { what: 'runc', debianPackage: 'runc', why: 'runs the containers' },
  {
    what: `${CNI_BIN_DIR}/bridge`,
    debianPackage: 'containernetworking-plugins',
    why: 'the pod network (bridge, host-local, loopback)',
  },
  { what: 'ip', debianPackage: 'iproute2', why: 'gives each node an address of its own' },
] as const;

/** The install line for everything a node needs. */
export const NODE_INSTALL_HINT = `apt-get install -y ${[...new Set(NODE_NEEDS.map((n) => n.debianPackage))].join(' ')}`;

async function present(what: string): Promise<boolean> {
  if (path.isAbsolute(what))
    return access(what).then(
      () => true,
      () => false,
    );
  return (await which(what)) !== null;
}

/**
 * Fails with one PrerequisiteError naming everything `--node` lacks: root (a
 * kubelet mounts volumes, creates cgroups and network namespaces) and the
 * runtime packages. Without `--node` none of this is checked.
 */
export async function checkNodePrerequisites(uid: number = process.getuid?.() ?? -1): Promise<void> {
  const missing = (
    await Promise.all(NODE_NEEDS.map(async (n) => ((await present(n.what)) ? null : n)))
  ).filter((n) => n !== null);
  const lines = missing.map((n) => `  ${n.what} (Debian package ${n.debianPackage}): ${n.why}`);
  if (uid !== 0)
    lines.unshift(
      `  root: the kubelet and containerd mount volumes and create cgroups (running as uid ${uid})`,
    );
  if (lines.length === 0) return;
  throw new PrerequisiteError(
    `mcsync sandbox up --node needs what is missing here:\n${lines.join('\n')}\n` +
      (missing.length > 0 ? `Install with: ${NODE_INSTALL_HINT}` : 'Run it as root.'),
    [...(uid !== 0 ? ['root'] : []), ...missing.map((n) => n.what)],
  );
}
