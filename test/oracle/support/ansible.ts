/**
 * Running Debian's real `ansible-playbook` / `ansible` (ansible-core 2.14) as the oracle: no
 * colour, a private ANSIBLE_HOME and local temp per project, no configuration from the machine,
 * no retry files. A missing Ansible fails the suite with the command that installs it; the
 * oracle is never skipped.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProcess } from './processes.ts';
import type { ProcessRun } from './processes.ts';
import type { Project } from './project.ts';

const ANSIBLE_BIN_DIRS = ['/usr/bin', '/usr/local/bin'];

/** Absolute path of an Ansible command; throws a clear error when Ansible is not installed. */
export function ansibleCommand(name: 'ansible' | 'ansible-playbook'): string {
  for (const dir of [...ANSIBLE_BIN_DIRS, ...(process.env['PATH'] ?? '').split(path.delimiter)]) {
    const candidate = path.join(dir, name);
    if (dir !== '' && existsSync(candidate)) return candidate;
  }
  throw new Error(
    `the oracle suite compares mcsync with the real ${name} and it is not installed: ` +
      'run scripts/install-prereqs.sh (or: sudo apt-get install -y ansible-core)',
  );
}

/** The environment every Ansible run gets; `json` selects the json stdout callback. */
export function ansibleEnv(project: Project, json: boolean): NodeJS.ProcessEnv {
  return {
    ANSIBLE_CONFIG: project.file('ansible.cfg'),
    ANSIBLE_HOME: project.file('.ansible-home'),
    ANSIBLE_LOCAL_TEMP: project.file('.ansible-tmp'),
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_FORCE_COLOR: '0',
    ANSIBLE_RETRY_FILES_ENABLED: '0',
    ANSIBLE_HOST_KEY_CHECKING: '0',
    ANSIBLE_STDOUT_CALLBACK: json ? 'json' : 'default',
    ANSIBLE_LOAD_CALLBACK_PLUGINS: '1',
    PYTHONDONTWRITEBYTECODE: '1',
  };
}

/** `ansible-playbook ARGS` in the project directory (json callback unless `json: false`). */
export function ansiblePlaybook(
  project: Project,
  args: readonly string[],
  options: { json?: boolean } = {},
): Promise<ProcessRun> {
  return runProcess(ansibleCommand('ansible-playbook'), args, {
    cwd: project.dir,
    env: ansibleEnv(project, options.json ?? true),
  });
}

/** `ansible ARGS` (ad hoc, e.g. `PATTERN --list-hosts`) in the project directory. */
export function ansibleAdHoc(project: Project, args: readonly string[]): Promise<ProcessRun> {
  return runProcess(ansibleCommand('ansible'), args, {
    cwd: project.dir,
    env: ansibleEnv(project, false),
  });
}

/** One `ansible PATTERN [-l LIMIT] --list-hosts` question for the batch driver. */
export interface HostsCase {
  pattern: string;
  limit?: string;
}

/**
 * The driver's answer: the hosts in Ansible's order; `error` when `CLI.get_host_list` raised
 * (no host left, which `ansible` reports only with a limit, or an out-of-range subscript).
 */
export interface HostsAnswer {
  hosts: string[];
  error?: string;
}

const driver = path.join(path.dirname(fileURLToPath(import.meta.url)), 'list-hosts.py');

/**
 * Answers many `ansible PATTERN -l LIMIT --list-hosts` cases in one Python process that calls
 * Ansible's own `CLI.get_host_list` (see list-hosts.py), with the interpreter Ansible runs under.
 */
export async function ansibleListHosts(
  project: Project,
  inventory: string,
  cases: readonly HostsCase[],
): Promise<HostsAnswer[]> {
  const interpreter = readFileSync(ansibleCommand('ansible'), 'utf8')
    .split('\n')[0]
    ?.replace(/^#!\s*/, '');
  const input = JSON.stringify({ inventory, cases });
  const run = await runProcess(interpreter ?? 'python3', [driver], {
    cwd: project.dir,
    env: ansibleEnv(project, false),
    input,
  });
  if (run.code !== 0) throw new Error(`${run.command} failed (${run.code}):\n${run.stderr}`);
  return JSON.parse(run.stdout) as HostsAnswer[];
}
