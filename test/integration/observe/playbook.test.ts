// `mcsync observe --playbook playbooks/watch.yml` on three sandbox clusters: an ImageStream
// annotated sync=me on the master (east) appears on every slave within a bound, a delete
// propagates, --when-annotation skips others, and --watch-files keeps the last valid playbook.
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  imageStreamStatus,
  observeImageStreams,
  observeSandbox,
  putImageStream,
  REPO,
  scripts,
  waitFor,
  waitForImageStream,
} from './helpers.ts';

const { sandbox, east, slaves } = await observeSandbox({ after });
const BOUND_MS = 5000;

describe('mcsync observe --playbook playbooks/watch.yml', () => {
  it('copies an ImageStream annotated sync=me to every slave within 5 s, and removes it when deleted', async (t) => {
    const { ns, obs } = await observeImageStreams(t, sandbox, slaves, {
      args: ['--when-annotation', 'sync=me'],
    });
    await putImageStream(east, ns, 'plain');
    const started = Date.now();
    await putImageStream(east, ns, 'app', { sync: 'me' });
    await waitForImageStream(slaves, ns, 'app', BOUND_MS);
    const latency = Date.now() - started;
    assert.ok(latency < BOUND_MS, `synced in ${latency} ms`);
    for (const c of slaves)
      assert.equal(await imageStreamStatus(c, ns, 'plain'), 404, 'not annotated: not synced');
    assert.match(
      obs.stdout(),
      new RegExp(`# \\S+ (Added|Updated) east/${ns}/app exit=0 \\d+ms ok=\\d+ changed=2 failed=0`),
    );
    assert.doesNotMatch(obs.stdout(), /\/plain exit=/, '--when-annotation skipped the plain stream');

    await east.admin.delete(`/apis/image.openshift.io/v1/namespaces/${ns}/imagestreams/app`);
    await waitForImageStream(slaves, ns, 'app', BOUND_MS, {
      status: 404,
      what: (c) => `app gone from ${c.name}`,
    });
    // The copies go in the run's last task; its line follows the recap.
    await waitFor('the Deleted run line', () =>
      new RegExp(`# \\S+ Deleted east/${ns}/app exit=0`).test(obs.stdout()),
    );
    obs.child.kill('SIGTERM');
    assert.equal(await obs.exited, 0, obs.stderr());
  });

  it('hands the playbook observed objects as data: a {{ … }} in an annotation is read as written', async (t) => {
    // A Go template in an annotation (Helm, Prometheus rules) is not mcsync's to render: it
    // failed the run as an invalid template before observed objects were marked as data.
    const dir = await mkdtemp(join(tmpdir(), 'mcsync-observed-data-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const playbook = join(dir, 'show.yml');
    await writeFile(
      playbook,
      [
        '- hosts: localhost',
        '  gather_facts: false',
        '  tasks:',
        '    - debug:',
        `        msg: "seen: {{ lookup observed.object.metadata.annotations 'example.com/go-template' }}"`,
        '      when: "{{ not (defined observed.batch) }}"',
        '',
      ].join('\n'),
    );
    const { ns, obs } = await observeImageStreams(t, sandbox, slaves, { playbook, args: ['-v'] });
    const template = '{{ .Values.image.tag }} on {{ $labels.instance }}';
    await putImageStream(east, ns, 'templated', { 'example.com/go-template': template });
    await waitFor('the run of templated', () =>
      new RegExp(`Added east/${ns}/templated exit=`).test(obs.stdout()),
    );
    assert.match(obs.stdout(), new RegExp(`# \\S+ Added east/${ns}/templated exit=0 `), obs.stdout());
    assert.ok(obs.stdout().includes(`"msg": "seen: ${template}"`), obs.stdout());
  });

  it('with --workers 4, every one of 30 ImageStreams created back to back reaches every slave', async (t) => {
    // Concurrent runs must not share a source list started before their own event.
    const { ns } = await observeImageStreams(t, sandbox, slaves, {
      args: ['--when-annotation', 'sync=me', '--workers', '4'],
    });
    const names = Array.from({ length: 30 }, (_, i) => `s${i}`);
    for (const name of names) await putImageStream(east, ns, name, { sync: 'me' });
    for (const c of slaves) for (const name of names) await waitForImageStream([c], ns, name, 30_000);
  });

  it('--watch-files reloads a changed playbook, and keeps the previous one when the change is invalid', async (t) => {
    const dir = await scripts({});
    const playbook = join(dir, 'watch.yml');
    await copyFile(join(REPO, 'playbooks/watch.yml'), playbook);
    const { ns, obs } = await observeImageStreams(t, sandbox, slaves, {
      playbook,
      args: ['--watch-files'],
      cwd: dir,
    });
    const good = await readFile(playbook, 'utf8');
    await writeFile(playbook, good.replace('hosts: slaves', 'hosts: slaves\n  bogus_key: 1'));
    await waitFor('the reload error', () =>
      /reload failed; still running the previous version:[\s\S]*watch\.yml:\d+:\d+/.test(obs.stderr()),
    );
    await putImageStream(east, ns, 'app', { sync: 'me' });
    await waitForImageStream(slaves, ns, 'app', BOUND_MS, {
      what: (c) => `app on ${c.name} with the previous playbook`,
    });
    await writeFile(playbook, good.replace('watch_value: me', 'watch_value: yes-please'));
    await waitFor('the reload', () => obs.stderr().includes(`reloaded ${playbook}`));
    await putImageStream(east, ns, 'second', { sync: 'yes-please' });
    await waitForImageStream(slaves, ns, 'second', BOUND_MS, {
      what: (c) => `second on ${c.name} with the new playbook`,
    });
    obs.child.kill('SIGTERM');
    assert.equal(await obs.exited, 0, obs.stderr());
  });
});
