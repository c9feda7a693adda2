// `mcsync init` as a user runs it (bin/mcsync.js): flags, what it prints, exit codes, and a
// generated project whose playbooks load with the examples uncommented.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { describe, it } from 'node:test';
import { KUBECONFIG_SECRETS, kubeconfigFor, uncommentExamples } from '../../support/init-project.ts';
import { runCli } from './run-cli.ts';

/** A fake home with ~/.kube/config holding `contexts`. */
async function home(t: TestContext, contexts: readonly string[], current?: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mcsync-init-cli-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, '.kube'));
  await writeFile(join(dir, '.kube', 'config'), kubeconfigFor(contexts, current));
  return dir;
}

const init = (args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): ReturnType<typeof runCli> =>
  runCli(['init', ...args], { bin: 'mcsync.js', cwd, env: { HOME: cwd, KUBECONFIG: '', ...env } });

describe('mcsync init', () => {
  it('init --from-kubeconfig reads ~/.kube/config, or the FILE given, and says what it wrote', async (t) => {
    const dir = await home(t, ['east', 'west', 'south'], 'east');
    const run = await init(['--from-kubeconfig', '--dir', 'clusters'], dir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Wrote a project for 3 cluster\(s\) from .*\.kube\/config in clusters:$/m);
    assert.match(run.stdout, /^ {2}inventory\/hosts\.yml$/m);
    assert.match(run.stdout, /^master: east$/m);
    assert.match(run.stdout, /^slaves: west, south$/m);
    assert.match(run.stdout, /^ {2}cd clusters\n {2}mcsync-play playbooks\/sync\.yml --check --diff/m);
    const hosts = await readFile(join(dir, 'clusters', 'inventory', 'hosts.yml'), 'utf8');
    assert.match(hosts, /kubeconfig: ~\/\.kube\/config/);
    for (const secret of KUBECONFIG_SECRETS) assert.ok(!(run.stdout + run.stderr + hosts).includes(secret));

    await writeFile(join(dir, 'other.yaml'), kubeconfigFor(['default/api-crc:6443/admin']));
    const given = await init(['--from-kubeconfig=other.yaml', '--dir', 'crc'], dir);
    assert.equal(given.code, 0, given.stderr);
    assert.match(given.stdout, /^master: crc \(context default\/api-crc:6443\/admin\)$/m);
    assert.match(given.stdout, /^slaves: \(none: only one context\)$/m);
  });

  it('--master chooses the master; --dir is created; without --from-kubeconfig it exits 5', async (t) => {
    const dir = await home(t, ['east', 'west'], 'east');
    const run = await init(['--from-kubeconfig', '--master', 'west', '--dir', 'a/b'], dir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^master: west$/m);
    assert.ok(existsSync(join(dir, 'a', 'b', 'mcsync.yaml')));
    const bare = await init([], dir);
    assert.equal(bare.code, 5);
    assert.match(bare.stderr, /mcsync init needs --from-kubeconfig/);
    const unknown = await init(['--from-kubeconfig', '--master', 'nowhere'], dir);
    assert.equal(unknown.code, 5);
    assert.match(unknown.stderr, /--master nowhere: no such context/);
  });

  it('refuses to overwrite (exit 5, nothing written) unless --force', async (t) => {
    const dir = await home(t, ['east', 'west'], 'east');
    await mkdir(join(dir, 'inventory'));
    await writeFile(join(dir, 'inventory', 'hosts.yml'), 'all: {}\n');
    const refused = await init(['--from-kubeconfig'], dir);
    assert.equal(refused.code, 5);
    assert.match(refused.stderr, /already has inventory\/hosts\.yml; nothing was written\. Pass --force/);
    assert.equal(existsSync(join(dir, 'mcsync.yaml')), false);
    const forced = await init(['--from-kubeconfig', '--force'], dir);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, /^ {2}inventory\/hosts\.yml {3}\(overwritten\)$/m);
    assert.match(await readFile(join(dir, 'inventory', 'hosts.yml'), 'utf8'), /context: west/);
  });

  it('a kubeconfig without contexts exits 4 naming the file', async (t) => {
    const dir = await home(t, []);
    const run = await init(['--from-kubeconfig'], dir);
    assert.equal(run.code, 4);
    assert.match(run.stderr, /kubeconfig .*\.kube\/config has no contexts/);
  });

  it('--help lists the flags, and mcsync --help lists init and completion', async (t) => {
    const dir = await home(t, ['east']);
    const help = await init(['--help'], dir);
    assert.equal(help.code, 0);
    for (const flag of ['--from-kubeconfig [FILE]', '--master CONTEXT', '--dir DIR', '--force'])
      assert.ok(help.stdout.includes(flag), flag);
    const main = await runCli(['--help'], { bin: 'mcsync.js' });
    assert.match(main.stdout, /^ {2}init {6}write a project from a kubeconfig/m);
    assert.match(main.stdout, /^ {2}completion {2}print a bash or zsh completion script/m);
  });

  it('the generated project passes --syntax-check with every example uncommented', async (t) => {
    const dir = await home(t, ['east', 'west'], 'east');
    assert.equal((await init(['--from-kubeconfig'], dir)).code, 0);
    for (const name of ['create.yml', 'sync.yml']) {
      const file = join(dir, 'vars', name);
      await writeFile(file, uncommentExamples(await readFile(file, 'utf8')));
    }
    const check = await runCli(['playbooks/sync.yml', '--syntax-check'], { cwd: dir });
    assert.equal(check.code, 0, check.stdout + check.stderr);
    const hosts = await runCli(['playbooks/sync.yml', '--list-hosts'], { cwd: dir });
    // The project's copy of the playbook runs (so its vars/ are read), not the shipped one.
    assert.ok(hosts.stdout.includes(`playbook: ${join(dir, 'playbooks', 'sync.yml')}`), hosts.stdout);
    assert.match(
      hosts.stdout,
      /Sync from the master to the slaves.*\n.*pattern.*\n\s+hosts \(1\):\n\s+west\n/,
    );
  });
});
