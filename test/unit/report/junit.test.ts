// The `--junit FILE` report: parsed back with a strict XML reader, one case per host × task, the
// verdict elements CI systems read, escaping, masking, and the atomic write.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import type { EngineEvent, TaskRef } from '../../../src/model/events.ts';
import { emptyRecap } from '../../../src/model/result.ts';
import { escapeXml } from '../../../src/report/junit.ts';
import { JunitReport } from '../../../src/report/junit-report.ts';
import { hostResult } from '../../support/engine-events.ts';
import { childrenNamed, parseXml, textOf } from '../../support/xml.ts';
import type { XmlElement } from '../../support/xml.ts';
import { driftEvents, PASSWORD, TOKEN } from './drift-events.ts';

async function folder(t: TestContext): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mcsync-junit-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function report(t: TestContext, events: EngineEvent[]): Promise<{ xml: string; root: XmlElement }> {
  const file = path.join(await folder(t), 'report.xml');
  const junit = new JunitReport(file, { shownAs: 'report.xml', baseDir: '/work/project' });
  junit.addSecret(TOKEN);
  for (const event of events) junit.emit(event);
  await junit.close();
  const xml = await readFile(file, 'utf8');
  return { xml, root: parseXml(xml) };
}

const property = (node: XmlElement, name: string): string | undefined =>
  childrenNamed(childrenNamed(node, 'properties')[0]!, 'property').find((p) => p.attributes['name'] === name)
    ?.attributes['value'];

describe('the JUnit report (--junit)', () => {
  it('has one suite per host and one case per host × task, with totals CI systems read', async (t) => {
    const { root } = await report(t, driftEvents());
    assert.equal(root.name, 'testsuites');
    assert.deepEqual(
      { ...root.attributes, time: undefined },
      { name: 'mcsync-play', tests: '6', failures: '0', errors: '1', skipped: '0', time: undefined },
    );
    const suites = childrenNamed(root, 'testsuite');
    assert.deepEqual(
      suites.map((s) => [s.attributes['name'], s.attributes['tests'], s.attributes['errors']]),
      [
        ['east', '1', '0'],
        ['west', '4', '0'],
        ['south', '1', '1'],
      ],
    );
    assert.equal(property(suites[0]!, 'check'), 'true');
    const west = childrenNamed(suites[1]!, 'testcase');
    assert.deepEqual(
      west.map((c) => [c.attributes['classname'], c.attributes['name'], c.attributes['line']]),
      [
        ['west', 'apply / apply : settings', '4'],
        ['west', 'sync / copy objects', '9'],
        ['west', 'sync / one map per team', '14'],
        ['west', 'sync / hidden', '20'],
      ],
    );
  });

  it('shows changed in properties and system-out, naming each object the task would change', async (t) => {
    const { root } = await report(t, driftEvents());
    const west = childrenNamed(childrenNamed(root, 'testsuite')[1]!, 'testcase');
    const settings = west[0]!;
    assert.equal(property(settings, 'status'), 'changed');
    assert.equal(property(settings, 'changed'), 'true');
    assert.equal(property(settings, 'module'), 'k8s');
    const out = textOf(childrenNamed(settings, 'system-out')[0]!);
    assert.match(out, /^changed: 2 object\(s\)$/m);
    assert.match(out, /^ {2}update v1\/ConfigMap demo\/settings \(\+1 -1\)$/m);
    assert.match(out, /^ {2}create v1\/Secret demo\/creds/m);
    const east = childrenNamed(childrenNamed(root, 'testsuite')[0]!, 'testcase')[0]!;
    assert.equal(property(east, 'changed'), 'false');
    assert.deepEqual(childrenNamed(east, 'failure'), []);
  });

  it('failed → <failure>, unreachable → <error>, skipped → <skipped/>, ignored passes', async (t) => {
    const task = (name: string, line: number): TaskRef => ({
      name,
      module: 'command',
      location: { file: 'p.yml', line, column: 7 },
    });
    const [broken, skipped, ignored, probe] = [
      task('broken', 1),
      task('later', 2),
      task('tolerated', 3),
      task('probe', 4),
    ];
    const result = (t: TaskRef, host: string, status: 'failed' | 'skipped' | 'ignored' | 'unreachable') =>
      hostResult(
        t,
        host,
        status,
        status === 'skipped'
          ? { skipped: true, changed: false, msg: 'Conditional result was False' }
          : { failed: true, msg: `${t.name} went wrong\nsecond line` },
        1500,
      );
    const events: EngineEvent[] = [
      { type: 'playbook_start', file: 'p.yml', check: false },
      { type: 'play_start', name: 'p', hosts: ['a', 'b'] },
      { type: 'task_start', task: broken, hosts: ['a'] },
      result(broken, 'a', 'failed'),
      { type: 'task_start', task: skipped, hosts: ['b'] },
      result(skipped, 'b', 'skipped'),
      { type: 'task_start', task: ignored, hosts: ['b'] },
      result(ignored, 'b', 'ignored'),
      { type: 'task_start', task: probe, hosts: ['b'] },
      result(probe, 'b', 'unreachable'),
      { type: 'recap', hosts: { a: emptyRecap(), b: emptyRecap() }, durationMs: 1, interrupted: true },
    ];
    const { root } = await report(t, events);
    assert.deepEqual(
      [
        root.attributes['tests'],
        root.attributes['failures'],
        root.attributes['errors'],
        root.attributes['skipped'],
      ],
      ['4', '1', '1', '1'],
    );
    const [a, b] = childrenNamed(root, 'testsuite');
    assert.equal(property(a!, 'interrupted'), 'true');
    assert.equal(property(a!, 'check'), 'false');
    const failure = childrenNamed(childrenNamed(a!, 'testcase')[0]!, 'failure')[0];
    assert.equal(failure?.attributes['message'], 'broken went wrong');
    assert.equal(failure?.attributes['type'], 'failed');
    assert.equal(textOf(failure!), 'broken went wrong\nsecond line');
    const [later, tolerated, unreachable] = childrenNamed(b!, 'testcase');
    assert.equal(childrenNamed(later!, 'skipped')[0]?.attributes['message'], 'Conditional result was False');
    assert.deepEqual(childrenNamed(later!, 'system-out'), [], 'the reason is said once');
    assert.equal(later?.attributes['time'], '1.500');
    assert.deepEqual(childrenNamed(tolerated!, 'failure'), []);
    assert.match(textOf(childrenNamed(tolerated!, 'system-out')[0]!), /^failed \(ignored\)$/m);
    assert.equal(childrenNamed(unreachable!, 'error')[0]?.attributes['type'], 'unreachable');
  });

  it('escapes markup, quotes and characters XML cannot carry; masks tokens; no Secret value', async (t) => {
    const nasty: TaskRef = {
      name: `<script>"x" & 'y'</script>`,
      module: 'debug',
      location: { file: 'a&b.yml', line: 1, column: 1 },
    };
    const msg = `bell\u0007 ]]> nul\u0000 ${TOKEN} "quoted"`;
    const events: EngineEvent[] = [
      { type: 'play_start', name: 'p & q', hosts: ['h<1>'] },
      { type: 'task_start', task: nasty, hosts: ['h<1>'] },
      hostResult(nasty, 'h<1>', 'failed', { failed: true, msg }, 1),
      { type: 'recap', hosts: {}, durationMs: 1, interrupted: false },
    ];
    const { xml, root } = await report(t, [...driftEvents(), ...events]);
    const suite = childrenNamed(root, 'testsuite').find((s) => s.attributes['name'] === 'h<1>')!;
    const testcase = childrenNamed(suite, 'testcase')[0]!;
    assert.equal(testcase.attributes['name'], `p & q / <script>"x" & 'y'</script>`);
    assert.equal(testcase.attributes['file'], 'a&b.yml');
    const message = childrenNamed(testcase, 'failure')[0]?.attributes['message'];
    assert.equal(message, 'bell\uFFFD ]]> nul\uFFFD ******** "quoted"');
    assert.ok(!xml.includes(TOKEN));
    assert.ok(!xml.includes(PASSWORD) && !xml.includes(Buffer.from(PASSWORD).toString('base64')));
    assert.equal(escapeXml('\uD800 lone'), '\uFFFD lone');
    assert.equal(escapeXml('😀'), '😀');
  });

  it('names task files under the working directory relative to it, others as they are', async (t) => {
    const inRoles: TaskRef = {
      name: 'in a role',
      module: 'debug',
      location: { file: '/work/project/roles/sync/tasks/main.yml', line: 3, column: 3 },
    };
    const elsewhere: TaskRef = {
      ...inRoles,
      name: 'elsewhere',
      location: { file: '/opt/roles/x.yml', line: 1, column: 3 },
    };
    const events: EngineEvent[] = [inRoles, elsewhere].flatMap((task): EngineEvent[] => [
      { type: 'task_start', task, hosts: ['h'] },
      { type: 'host_result', task, host: 'h', status: 'ok', result: {}, durationMs: 1 },
    ]);
    const { root } = await report(t, events);
    const cases = childrenNamed(childrenNamed(root, 'testsuite')[0]!, 'testcase');
    assert.deepEqual(
      cases.map((c) => [c.attributes['file'], property(c, 'location')]),
      [
        ['roles/sync/tasks/main.yml', 'roles/sync/tasks/main.yml:3:3'],
        ['/opt/roles/x.yml', '/opt/roles/x.yml:1:3'],
      ],
    );
  });

  it('replaces the file whole, leaving no temporary file, and names --junit when it cannot write', async (t) => {
    const dir = await folder(t);
    const file = path.join(dir, 'report.xml');
    await writeFile(file, 'old report');
    const junit = new JunitReport(file, { shownAs: 'report.xml', baseDir: '/work/project' });
    for (const event of driftEvents()) junit.emit(event);
    await junit.close();
    assert.ok(parseXml(await readFile(file, 'utf8')));
    assert.deepEqual(await readdir(dir), ['report.xml']);
    const nowhere = new JunitReport(path.join(dir, 'missing', 'r.xml'), { shownAs: 'missing/r.xml' });
    await assert.rejects(
      nowhere.close(),
      /^McsyncError: --junit missing\/r\.xml: cannot write the report: .*ENOENT/,
    );
    assert.deepEqual(await readdir(dir), ['report.xml']);
  });
});
