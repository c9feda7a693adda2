/**
 * Runs one benchmarked command: wall time measured here, peak RSS from GNU time (`%M`, the
 * largest resident set of the process tree's biggest process), the recap parsed from stdout.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

export const root = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

/** Recap counts of one host, as ansible-playbook and mcsync-play print them. */
export interface HostRecap {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
}

/** What one timed command did. */
export interface Timed {
  seconds: number;
  /** 1-minute load average when the command started. */
  load: number;
  /** User + system CPU seconds of the process and its children (GNU time). */
  cpuSeconds: number;
  rssMb: number;
  status: number | null;
  stdout: string;
  stderr: string;
  recap: Record<string, HostRecap>;
}

/** Options of a timed command. */
export interface TimedOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Parses `PLAY RECAP` lines (`east : ok=4 changed=2 unreachable=0 failed=0 skipped=1 …`). */
export function parseRecap(stdout: string): Record<string, HostRecap> {
  const recap: Record<string, HostRecap> = {};
  const start = stdout.lastIndexOf('PLAY RECAP');
  if (start < 0) return recap;
  for (const line of stdout.slice(start).split('\n')) {
    const match = /^(\S+)\s+:\s+(.*)$/.exec(line.trim());
    if (!match) continue;
    const counts = Object.fromEntries(
      [...match[2]!.matchAll(/(\w+)=(\d+)/g)].map((m) => [m[1]!, Number(m[2])]),
    );
    recap[match[1]!] = {
      ok: counts['ok'] ?? 0,
      changed: counts['changed'] ?? 0,
      unreachable: counts['unreachable'] ?? 0,
      failed: counts['failed'] ?? 0,
      skipped: counts['skipped'] ?? 0,
    };
  }
  return recap;
}

/** Sum of `changed` over every host of a recap. */
export function changedCount(recap: Record<string, HostRecap>): number {
  return Object.values(recap).reduce((sum, host) => sum + host.changed, 0);
}

/** Runs `command args` under /usr/bin/time; never throws on a non-zero exit (see `mustSucceed`). */
export function timed(command: string, args: string[], options: TimedOptions = {}): Timed {
  const dir = mkdtempSync(join(tmpdir(), 'mcsync-bench-'));
  const rssFile = join(dir, 'rss');
  const load = Math.round(loadavg()[0]! * 10) / 10;
  const started = performance.now();
  const result = spawnSync('/usr/bin/time', ['-f', '%U %S %M', '-o', rssFile, command, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    maxBuffer: 512 * 1024 * 1024,
    timeout: options.timeoutMs ?? 60 * 60 * 1000,
  });
  const seconds = (performance.now() - started) / 1000;
  const rssText = readFileSync(rssFile, { encoding: 'utf8', flag: 'a+' });
  rmSync(dir, { recursive: true, force: true });
  const [user, system, rssKb] = (/([\d.]+) ([\d.]+) (\d+)\s*$/.exec(rssText) ?? []).slice(1).map(Number);
  return {
    seconds,
    load,
    cpuSeconds: (user ?? 0) + (system ?? 0),
    rssMb: Math.round((rssKb ?? 0) / 1024),
    status: result.status,
    stdout: result.stdout ?? '',
    stderr: result.stderr ?? '',
    recap: parseRecap(result.stdout ?? ''),
  };
}

/** Throws with the output's tail unless the command exited 0 and no host failed or was unreachable. */
export function mustSucceed(what: string, run: Timed): Timed {
  const bad = Object.entries(run.recap).filter(([, host]) => host.failed > 0 || host.unreachable > 0);
  if (run.status === 0 && bad.length === 0) return run;
  const tail = `${run.stdout}\n${run.stderr}`.trim().split('\n').slice(-40).join('\n');
  throw new Error(
    `${what} exited ${run.status}${bad.length ? ` (failed hosts: ${bad.map(([h]) => h).join(', ')})` : ''}\n${tail}`,
  );
}

/**
 * `mcsync-play ARGS` under /usr/bin/time, plain output: bin/mcsync-play.js run as a command, as
 * npm's bin link runs it (its first lines choose Node's flags), with this Node first on PATH.
 */
export function mcsyncPlay(args: string[], options: TimedOptions & { cpuProfDir?: string } = {}): Timed {
  return timed(mcsyncPlayCommand, ['--output', 'plain', ...args], {
    ...options,
    env: {
      ...withThisNode(),
      ...(options.cpuProfDir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${options.cpuProfDir}` } : {}),
      ...options.env,
    },
  });
}

/** The command users run as `mcsync-play`. */
export const mcsyncPlayCommand = join(root, 'bin/mcsync-play.js');

/** PATH with this process's Node first: the `node` that bin/mcsync-play.js starts. */
export function withThisNode(): { PATH: string } {
  return { PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` };
}

/** `ansible-playbook ARGS` under /usr/bin/time with bench/ansible/ansible.cfg. */
export function ansiblePlaybook(args: string[], options: TimedOptions = {}): Timed {
  return timed('ansible-playbook', args, {
    ...options,
    env: { ANSIBLE_CONFIG: join(root, 'bench/ansible/ansible.cfg'), ANSIBLE_NOCOLOR: '1', ...options.env },
  });
}

/** The first line of `command args`' output, or '' when it cannot run (for the versions table). */
export function versionOf(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return (result.stdout ?? '').trim().split('\n')[0] ?? '';
}
