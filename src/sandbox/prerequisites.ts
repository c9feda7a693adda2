import { PrerequisiteError } from './errors.ts';
import { which } from './exec.ts';

/** A command the sandbox or the roles run, and the Debian package that provides it. */
export interface Prerequisite {
  command: string;
  debianPackage: string;
  why: string;
}

/** Everything `mcsync sandbox up` and the image roles need on PATH. */
export const SANDBOX_PREREQUISITES: readonly Prerequisite[] = [
  { command: 'go', debianPackage: 'golang', why: 'builds the kube-apiserver + etcd binary' },
  { command: 'docker-registry', debianPackage: 'docker-registry', why: 'one container registry per cluster' },
  { command: 'openssl', debianPackage: 'openssl', why: 'the sandbox CA and serving certificate' },
  { command: 'htpasswd', debianPackage: 'apache2-utils', why: 'registry passwords (bcrypt)' },
  { command: 'skopeo', debianPackage: 'skopeo', why: 'image copies between registries' },
];

/** The single command that installs every prerequisite on Debian/Ubuntu. */
export const INSTALL_HINT = `apt-get install -y ${SANDBOX_PREREQUISITES.map((p) => p.debianPackage).join(' ')}`;

/**
 * Checks every prerequisite at once and throws one PrerequisiteError naming all
 * missing commands and the packages to install, instead of failing later on
 * the first one. `skip` lets a caller that already built the binary drop `go`.
 */
export async function checkPrerequisites(skip: readonly string[] = []): Promise<void> {
  const wanted = SANDBOX_PREREQUISITES.filter((p) => !skip.includes(p.command));
  const found = await Promise.all(wanted.map(async (p) => ({ p, path: await which(p.command) })));
  const missing = found.filter((f) => f.path === null).map((f) => f.p);
  if (missing.length === 0) return;
  const lines = missing.map((p) => `  ${p.command} (Debian package ${p.debianPackage}): ${p.why}`);
  throw new PrerequisiteError(
    `the sandbox needs commands that are not installed:\n${lines.join('\n')}\n` +
      `Install them with: ${INSTALL_HINT}`,
    missing.map((p) => p.command),
  );
}
