/**
 * A playbook written in Jinja2 is refused by `mcsync-play` before anything runs: exit 4, each
 * mistake at file:line:col with its key and the Handlebars form to write.
 */
import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runPlay, tempProject } from '../../support/play.ts';

const JINJA_PLAYBOOK = `- hosts: localhost
  tasks:
    - debug:
        msg: "{{ x | upper }}"
      when: x == 'a'
`;

describe('mcsync-play refuses Jinja2 at load time', () => {
  it('--syntax-check exits 4 naming file:line:col, the key and the Handlebars form', async (t) => {
    const dir = await tempProject(t, { 'p.yml': JINJA_PLAYBOOK });
    const run = await runPlay([join(dir, 'p.yml'), '--syntax-check'], { fromSources: true });
    assert.equal(run.code, 4, run.stderr);
    assert.ok(
      run.stderr.includes(
        `${join(dir, 'p.yml')}:4:14: debug.msg: Jinja2 expression "{{ x | upper }}" is not mcsync's template syntax; write it as {{ upper x }}`,
      ),
      run.stderr,
    );
    assert.ok(
      run.stderr.includes(
        `${join(dir, 'p.yml')}:5:13: when: Jinja2 expression "x == 'a'" is not mcsync's template syntax; write it as {{ eq x 'a' }}`,
      ),
      run.stderr,
    );
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
  });

  it('a run refuses the whole playbook: the task before the Jinja2 one never runs', async (t) => {
    const marker = 'ran-before-the-jinja-task';
    const dir = await tempProject(t, {
      'p.yml': `- hosts: localhost
  tasks:
    - command: {argv: [touch, ${marker}], chdir: "{{ playbook_dir }}"}
- hosts: localhost
  tasks:
    - debug: {msg: "{{ users | map(attribute='name') | join(',') }}"}
`,
    });
    const run = await runPlay([join(dir, 'p.yml')], { fromSources: true });
    assert.equal(run.code, 4, run.stderr);
    assert.match(run.stderr, /p\.yml:6:20: debug\.msg: Jinja2 expression .*mcsync has no helper 'map'/);
    assert.doesNotMatch(run.stdout, /TASK|PLAY RECAP/);
    await assert.rejects(access(join(dir, marker)), 'the first task did not run');
  });

  it('the same playbook in Handlebars passes --syntax-check and runs', async (t) => {
    const marker = 'ran-before-the-handlebars-task';
    const dir = await tempProject(t, {
      'p.yml': `- hosts: localhost
  vars: {x: a}
  tasks:
    - command: {argv: [touch, ${marker}], chdir: "{{ playbook_dir }}"}
    - debug:
        msg: "{{ upper x }}"
      when: eq x 'a'
`,
    });
    const check = await runPlay([join(dir, 'p.yml'), '--syntax-check'], { fromSources: true });
    assert.equal(check.code, 0, check.stderr);
    const run = await runPlay([join(dir, 'p.yml')], { fromSources: true });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /"msg": "A"|msg: A/);
    await access(join(dir, marker));
  });
});
