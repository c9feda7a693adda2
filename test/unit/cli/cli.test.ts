import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { access, mkdtemp, readFile, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, runCli } from './run-cli.ts';

async function workspace(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mcsync-cli-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

const RECAP =
  /^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)\s+rescued=(\d+)\s+ignored=(\d+)\s*$/m;

describe('mcsync-play: README examples', () => {
  it('every `npx mcsync-play playbooks/examples/...` line of the README runs and exits 0', async () => {
    const readme = await readFile(join(repoRoot, 'README.md'), 'utf8');
    const commands = [...readme.matchAll(/^npx mcsync-play (playbooks\/examples\/\S+\.yml)$/gm)].map(
      (m) => m[1]!,
    );
    assert.ok(commands.length >= 4, 'the README lists the examples');
    for (const playbook of commands) {
      const run = await runCli([playbook]);
      assert.equal(run.code, 0, `${playbook}: ${run.stdout}${run.stderr}`);
      assert.match(run.stdout, RECAP);
      assert.match(run.stdout, /failed=0/);
    }
  });
});

describe('mcsync-play: exit codes and errors', () => {
  it('a failing task exits 2 and the recap counts it', async () => {
    const dir = await workspace({
      'p.yml':
        '- hosts: localhost\n  tasks:\n    - fail: {msg: broken on purpose}\n    - debug: {msg: never}\n',
    });
    const run = await runCli(['p.yml'], { cwd: dir });
    assert.equal(run.code, 2);
    assert.match(run.stdout, /fatal: \[localhost\]: FAILED!.*broken on purpose/);
    assert.match(run.stdout, /localhost\s+: ok=0\s+changed=0\s+unreachable=0\s+failed=1/);
  });

  it('a load error exits 4 naming file:line:column and the key, with no stack trace', async () => {
    const dir = await workspace({
      'p.yml': '- hosts: localhost\n  tasks:\n    - debug: {msg: hi}\n      whn: true\n',
    });
    const run = await runCli(['p.yml'], { cwd: dir });
    assert.equal(run.code, 4);
    assert.match(run.stderr, /p\.yml:4:7: .*'whn'.*did you mean 'when'/);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  });

  it('-vvv adds the stack trace to an error', async () => {
    const dir = await workspace({
      'p.yml': '- hosts: localhost\n  tasks:\n    - debug: {msg: hi}\n      whn: true\n',
    });
    const run = await runCli(['p.yml', '-vvv'], { cwd: dir });
    assert.equal(run.code, 4);
    assert.match(run.stderr, /\n\s+at /);
  });

  it('--syntax-check validates roles and vars files and runs nothing', async () => {
    const dir = await workspace({
      'p.yml':
        '- hosts: localhost\n  vars_files: [vars/missing.yml]\n  tasks:\n    - command: {argv: [touch, ran]}\n',
    });
    const run = await runCli(['p.yml', '--syntax-check'], { cwd: dir });
    assert.equal(run.code, 4);
    assert.match(run.stderr, /missing\.yml/);
    const good = await workspace({
      'p.yml': '- hosts: localhost\n  tasks:\n    - command: {argv: [touch, ran]}\n',
    });
    const ok = await runCli(['p.yml', '--syntax-check'], { cwd: good });
    assert.equal(ok.code, 0);
    await assert.rejects(readFile(join(good, 'ran')));
  });

  it('bad options exit 5: unknown flag, malformed -e, bad --forks, no playbook', async () => {
    for (const args of [['--bogus', 'x.yml'], ['x.yml', '-e', 'not a pair'], ['x.yml', '-f', 'zero'], []]) {
      const run = await runCli(args);
      assert.equal(run.code, 5, `${args.join(' ')} → ${run.stderr}`);
      assert.match(run.stderr, /^ERROR! /);
    }
  });

  it('a missing playbook exits 4 and lists where it looked', async () => {
    const run = await runCli(['nope.yml']);
    assert.equal(run.code, 4);
    assert.match(run.stderr, /nope\.yml.*not found; looked in .*playbooks\/nope\.yml/);
  });

  it('SIGINT lets the task in flight finish, prints the recap and exits 99', async () => {
    let interrupted = false;
    const dir = await workspace({
      'p.yml':
        '- hosts: localhost\n  tasks:\n    - command: {argv: [sleep, "1"]}\n    - debug: {msg: second}\n',
    });
    const run = await runCli(['p.yml'], {
      cwd: dir,
      onStdout: (soFar, pid) => {
        // Interrupt once the sleep task has started, so the signal lands mid-task.
        if (soFar.includes('TASK [command]') && !interrupted) {
          interrupted = true;
          process.kill(pid, 'SIGINT');
        }
      },
    });
    assert.equal(run.code, 99);
    assert.match(run.stdout, /PLAY RECAP/);
    assert.doesNotMatch(run.stdout, /second/);
  });

  it('a reader that goes away (`| head`) does not stop the play: it runs to the end and exits 0', async () => {
    const dir = await workspace({
      'p.yml':
        '- hosts: localhost\n  tasks:\n    - debug: {msg: first}\n' +
        '    - command: {argv: [sleep, "0.3"]}\n    - command: {argv: [touch, done]}\n',
    });
    const child = spawn(process.execPath, [join(repoRoot, 'bin/mcsync-play.js'), 'p.yml'], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Like `head -1`: read the first chunk, then close the pipe while the play still writes.
    child.stdout.once('data', () => child.stdout.destroy());
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => child.on('close', resolve));
    assert.equal(code, 0, stderr);
    assert.equal(stderr, '');
    await access(join(dir, 'done'));
  });
});

describe('mcsync-play: variables and output', () => {
  it('-e key=value, @file and JSON merge with extra vars winning over play vars', async () => {
    const dir = await workspace({
      'p.yml':
        '- hosts: localhost\n  vars: {a: play, b: play, c: play}\n  tasks:\n    - debug: {msg: "{{ a }}-{{ b }}-{{ c }}"}\n',
      'extra.yml': 'b: file\n',
    });
    const run = await runCli(['p.yml', '-e', 'a=kv', '-e', '@extra.yml', '-e', '{"c": "json"}'], {
      cwd: dir,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /"msg": "kv-file-json"/);
  });

  it('--output json prints one JSON document with every result and the recap', async () => {
    const run = await runCli(['playbooks/examples/blocks.yml', '--output', 'json']);
    assert.equal(run.code, 0);
    const doc = JSON.parse(run.stdout) as {
      plays: { tasks: { name: string }[] }[];
      recap: Record<string, { rescued: number }>;
    };
    assert.equal(doc.recap['localhost']!.rescued, 1);
    assert.ok(doc.plays[0]!.tasks.some((task) => task.name === 'Recover'));
  });

  it('no_log hides a task result, and a secret token from the inventory never prints', async () => {
    const dir = await workspace({
      'inv.ini': '[clusters]\nlocalhost token=s3cr3t-t0ken-value\n',
      'p.yml':
        '- hosts: localhost\n  tasks:\n    - debug: {msg: "token is {{ token }}"}\n      no_log: true\n    - set_fact: {x: 1}\n',
    });
    const run = await runCli(['p.yml', '-i', 'inv.ini', '-vvv'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stdout + run.stderr, /s3cr3t-t0ken-value/);
  });

  it('--list-hosts, --list-tasks and --list-tags describe the run without running it', async () => {
    const dir = await workspace({
      'inv.ini': '[master]\neast\n[slaves]\nwest\nsouth\n',
      'p.yml': '- hosts: slaves\n  tasks:\n    - name: copy\n      debug: {msg: x}\n      tags: [sync]\n',
    });
    const hosts = await runCli(['p.yml', '-i', 'inv.ini', '--list-hosts', '--limit', '!south'], { cwd: dir });
    assert.equal(hosts.code, 0, hosts.stderr);
    assert.match(hosts.stdout, /hosts \(1\):\n\s+west/);
    const tasks = await runCli(['p.yml', '-i', 'inv.ini', '--list-tasks', '--list-tags'], { cwd: dir });
    assert.match(tasks.stdout, /copy\tTAGS: \[sync\]/);
    assert.match(tasks.stdout, /TASK TAGS: \[sync\]/);
  });

  it('--limit with commas keeps exclusions and intersections, as ansible-playbook does', async () => {
    const dir = await workspace({
      'inv.ini': '[master]\neast\n[slaves]\nwest\nsouth\nnorth\n[eu]\nwest\nnorth\n',
      'p.yml': '- hosts: all\n  tasks:\n    - debug: {msg: "{{ inventory_hostname }}"}\n',
    });
    const cases: [string, string[]][] = [
      ['slaves,!west', ['south', 'north']],
      ['!west,!south', ['east', 'north']],
      ['slaves,&eu', ['west', 'north']],
      ['all,!eu,&slaves', ['south']],
    ];
    for (const [limit, expected] of cases) {
      const run = await runCli(['p.yml', '-i', 'inv.ini', '-l', limit], { cwd: dir });
      assert.equal(run.code, 0, run.stderr);
      // The recap lists hosts sorted by name, as ansible-playbook's does.
      const ran = [...run.stdout.matchAll(new RegExp(RECAP.source, 'gm'))].map((m) => m[1]);
      assert.deepEqual(ran, [...expected].sort(), `-l '${limit}'`);
    }
  });

  it('--limit given twice, or matching no host, exits 5 before anything runs', async () => {
    const dir = await workspace({
      'inv.ini': '[master]\neast\n[slaves]\nwest\n',
      'p.yml': '- hosts: all\n  tasks:\n    - debug: {msg: ran}\n',
    });
    const twice = await runCli(['p.yml', '-i', 'inv.ini', '-l', 'slaves', '-l', '!west'], { cwd: dir });
    assert.equal(twice.code, 5);
    assert.match(twice.stderr, /--limit given 2 times; give one pattern, e.g. --limit 'slaves,!west'/);
    const none = await runCli(['p.yml', '-i', 'inv.ini', '-l', 'nosuch'], { cwd: dir });
    assert.equal(none.code, 5);
    assert.match(none.stderr, /Could not match supplied host pattern, ignoring: nosuch/);
    assert.match(none.stderr, /leave no hosts to target/);
    assert.doesNotMatch(none.stdout, /ran/);
  });

  it('mcsync.yaml supplies the default inventory', async () => {
    const dir = await workspace({
      'mcsync.yaml': 'inventory: clusters.ini\nforks: 2\n',
      'clusters.ini': '[all]\none\ntwo\n',
      'p.yml': '- hosts: all\n  tasks:\n    - debug: {msg: "{{ inventory_hostname }}"}\n',
    });
    const run = await runCli(['p.yml'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /one\s+: ok=1/);
    assert.match(run.stdout, /two\s+: ok=1/);
  });
});
