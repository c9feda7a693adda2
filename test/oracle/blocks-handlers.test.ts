/**
 * block/rescue/always, handlers and the recap against the real Ansible: the order tasks and
 * handlers ran in per host, what they showed, the PLAY RECAP counts and the exit code. h1 has
 * `boom=True` (its tasks fail where the playbook says `when: boom`), h2 `boom=False` (Python
 * literals: Ansible's INI plugin keeps `false` a string, and a non-empty string is true to it).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { playBoth } from './support/oracle-run.ts';
import type { BothRuns } from './support/oracle-run.ts';
import { localInventory, writeProject } from './support/project.ts';
import type { Project } from './support/project.ts';
import { timeline } from './support/results.ts';
import type { RunRecord } from './support/results.ts';

const say = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  name,
  debug: { msg: name },
  ...extra,
});
const failIf = (name: string, when: string | boolean = 'boom'): Record<string, unknown> => ({
  name,
  fail: { msg: name },
  ...(when === true ? {} : { when }),
});
const notifying = (name: string, notify: string | string[], extra: Record<string, unknown> = {}) =>
  say(name, { changed_when: true, notify, ...extra });

const BLOCKS_PLAY = {
  name: 'blocks',
  hosts: 'all',
  gather_facts: false,
  handlers: [say('rescue handler')],
  tasks: [
    {
      name: 'rescued block',
      block: [say('block first'), failIf('block fails on h1'), say('block after failure')],
      rescue: [notifying('rescue runs', 'rescue handler')],
      always: [say('always after rescue')],
    },
    {
      name: 'nested blocks',
      block: [
        {
          block: [failIf('inner fails everywhere', true)],
          rescue: [failIf('inner rescue fails on h1')],
          always: [say('inner always')],
        },
        say('after inner block'),
      ],
      rescue: [say('outer rescue')],
      always: [say('outer always')],
    },
    say('after the blocks'),
    { ...failIf('ignored failure', true), ignore_errors: true },
    say('skipped on h2', { when: 'boom' }),
    {
      name: 'unrescued block',
      block: [failIf('fails on h1, no rescue')],
      always: [say('always without rescue')],
    },
    say('only h2 gets here'),
  ],
};

const HANDLERS_PLAY = {
  name: 'handlers',
  hosts: 'all',
  gather_facts: false,
  roles: ['with_handler'],
  handlers: [
    say('handler b'),
    say('handler a'),
    say('first listener', { listen: 'topic' }),
    say('second listener', { listen: 'topic' }),
    say('handler chained', { changed_when: true, notify: 'handler last' }),
    say('handler from rescue'),
    say('handler never'),
    say('handler last'),
  ],
  pre_tasks: [notifying('pre notifies a', 'handler a')],
  tasks: [
    notifying('notify a then b', ['handler a', 'handler b']),
    notifying('notify the role handler and b', ['role handler', 'handler b']),
    notifying('notify a topic', 'topic'),
    say('unchanged notify', { notify: 'handler never' }),
    notifying('notify a again on h1 only', 'handler a', { changed_when: 'boom' }),
    notifying('notify a chain', 'handler chained'),
    {
      name: 'rescue notifies',
      block: [failIf('fail to rescue on h1')],
      rescue: [notifying('rescue notifies a handler', 'handler from rescue')],
    },
  ],
  post_tasks: [notifying('post notifies b', 'handler b')],
};

const FAILED_HANDLERS_PLAY = {
  name: 'handlers of a failed host',
  hosts: 'all',
  gather_facts: false,
  handlers: [say('handler after failure')],
  tasks: [
    notifying('notify then fail on h1', 'handler after failure'),
    failIf('fail on h1 before the flush'),
  ],
};

function playOf(record: RunRecord, name: string): string[] {
  const play = record.plays.find((entry) => entry.name === name);
  if (!play) throw new Error(`no play '${name}' in ${record.plays.map((entry) => entry.name).join(', ')}`);
  return timeline(play);
}

describe('blocks, handlers and the recap are the same as ansible-playbook', () => {
  let project: Project;
  let runs: BothRuns;

  before(async () => {
    project = await writeProject({
      'hosts.ini': localInventory('h1 boom=True\nh2 boom=False'),
      'roles/with_handler/tasks/main.yml': [say('role task')],
      'roles/with_handler/handlers/main.yml': [say('role handler')],
      'blocks.yml': [BLOCKS_PLAY],
      'handlers.yml': [HANDLERS_PLAY, FAILED_HANDLERS_PLAY],
    });
    runs = await playBoth(project, ['-i', 'hosts.ini', 'blocks.yml']);
  });
  after(() => project.remove());

  it('runs block, rescue and always in the same order with the same results', () => {
    assert.deepEqual(playOf(runs.mcsync.record, 'blocks'), playOf(runs.ansible.record, 'blocks'));
  });

  it('counts ok, changed, failed, skipped, rescued and ignored the same way', () => {
    assert.deepEqual(runs.mcsync.record.recap, runs.ansible.record.recap);
  });

  it('exits with the same code when a host fails', () => {
    assert.equal(runs.mcsync.run.code, runs.ansible.run.code);
    assert.equal(runs.ansible.run.code, 2);
  });

  describe('handlers', () => {
    let handlerRuns: BothRuns;

    before(async () => {
      handlerRuns = await playBoth(project, ['-i', 'hosts.ini', 'handlers.yml']);
    });

    it('run in definition order at each flush, once per notified host, listen and chains included', () => {
      assert.deepEqual(
        playOf(handlerRuns.mcsync.record, 'handlers'),
        playOf(handlerRuns.ansible.record, 'handlers'),
      );
    });

    it('do not run on a host that failed before the flush', () => {
      const play = 'handlers of a failed host';
      assert.deepEqual(playOf(handlerRuns.mcsync.record, play), playOf(handlerRuns.ansible.record, play));
    });

    it('add up to the same recap and exit code', () => {
      assert.deepEqual(handlerRuns.mcsync.record.recap, handlerRuns.ansible.record.recap);
      assert.equal(handlerRuns.mcsync.run.code, handlerRuns.ansible.run.code);
    });
  });
});
