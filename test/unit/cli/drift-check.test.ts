// `mcsync-play --check --detailed-exitcode` and `--junit` as a CI job runs them (built CLI, no
// cluster: localhost tasks whose change is forced with changed_when). The same on sandbox
// clusters is in test/integration/roles/drift-check.test.ts.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { JsonDocument } from '../../../src/report/json-renderer.ts';
import { childrenNamed, parseXml } from '../../support/xml.ts';
import { runCli } from './run-cli.ts';

async function workspace(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mcsync-drift-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

/** A play whose first task changes when `change` is true and whose second fails when `fail` is. */
const playbook = `- hosts: localhost
  tasks:
    - name: settings
      debug: {msg: "would write settings"}
      changed_when: "{{ default change false }}"
    - name: broken
      fail: {msg: broken on purpose}
      when: "{{ default fail false }}"
`;

/** Leaves a file `ran` behind when it runs: shows that a refused command ran nothing. */
const touch = `- hosts: localhost
  tasks:
    - command: {argv: [touch, ran]}
`;

describe('mcsync-play --check --detailed-exitcode', () => {
  it('--detailed-exitcode without --check is refused at option parsing, naming both flags', async () => {
    const dir = await workspace({ 'p.yml': touch });
    const run = await runCli(['p.yml', '--detailed-exitcode'], { cwd: dir });
    assert.equal(run.code, 5);
    assert.match(run.stderr, /--detailed-exitcode needs --check/);
    await assert.rejects(readFile(join(dir, 'ran')), 'nothing ran');
    const listing = await runCli(['p.yml', '--check', '--detailed-exitcode', '--list-tasks'], { cwd: dir });
    assert.equal(listing.code, 5);
    assert.match(listing.stderr, /--detailed-exitcode has no effect with --list-tasks/);
  });

  it('exits 0 when nothing would change and 6 when a host would, 2 when a host fails', async () => {
    const dir = await workspace({ 'p.yml': playbook });
    const converged = await runCli(['p.yml', '--check', '--detailed-exitcode'], { cwd: dir });
    assert.equal(converged.code, 0, converged.stdout + converged.stderr);
    const pending = await runCli(['p.yml', '--check', '--detailed-exitcode', '-e', 'change=true'], {
      cwd: dir,
    });
    assert.equal(pending.code, 6, pending.stdout + pending.stderr);
    const plain = await runCli(['p.yml', '--check', '-e', 'change=true'], { cwd: dir });
    assert.equal(plain.code, 0, 'without --detailed-exitcode pending changes exit 0 as before');
    const failed = await runCli(
      ['p.yml', '--check', '--detailed-exitcode', '-e', 'change=true', '-e', 'fail=true'],
      {
        cwd: dir,
      },
    );
    assert.equal(failed.code, 2, 'a failed host keeps its code over pending changes');
  });

  it('--output json prints only the document on stdout, with the plan naming the changed task', async () => {
    const dir = await workspace({ 'p.yml': playbook });
    const run = await runCli(
      ['p.yml', '--check', '--detailed-exitcode', '--output', 'json', '-e', 'change=true'],
      { cwd: dir },
    );
    assert.equal(run.code, 6, run.stderr);
    const doc = JSON.parse(run.stdout) as JsonDocument;
    assert.equal(doc.formatVersion, 1);
    assert.equal(doc.check, true);
    assert.equal(doc.plan.changed, true);
    assert.deepEqual(
      doc.plan.hosts['localhost']?.tasks.map((task) => [task.task, task.status]),
      [['settings', 'changed']],
    );
  });

  it('--junit writes the report beside a normal run, and a missing folder is refused before the run', async () => {
    const dir = await workspace({ 'p.yml': playbook, 'touch.yml': touch });
    const run = await runCli(['touch.yml', '--junit', 'out/report.xml'], { cwd: dir });
    assert.equal(run.code, 5);
    assert.match(run.stderr, /--junit out\/report\.xml: folder .*out does not exist/);
    await assert.rejects(readFile(join(dir, 'ran')), 'refused before anything ran');
    const ok = await runCli(['p.yml', '--check', '--junit', 'report.xml', '-e', 'fail=true'], { cwd: dir });
    assert.equal(ok.code, 2);
    const root = parseXml(await readFile(join(dir, 'report.xml'), 'utf8'));
    const cases = childrenNamed(childrenNamed(root, 'testsuite')[0]!, 'testcase');
    assert.deepEqual(
      cases.map((c) => c.attributes['name']),
      ['localhost / settings', 'localhost / broken'],
    );
    assert.equal(childrenNamed(cases[1]!, 'failure')[0]?.attributes['message'], 'broken on purpose');
  });

  it('--help documents both flags and exit code 6', async () => {
    const run = await runCli(['--help']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /--detailed-exitcode {2}with --check: exit 6 when any host would change/);
    assert.match(run.stdout, /--junit FILE {9}also write a JUnit XML report/);
    assert.match(run.stdout, /6 changes pending \(only with --check --detailed-exitcode\)/);
  });
});
