/**
 * `--list-tasks` and `--list-tags` against the real ansible-playbook: which tasks a tag
 * selection keeps (`always`, `never`, `tagged`, `untagged`, skip lists) and the tags each task
 * carries, inherited from its play, role, block and import. Dynamic includes are left out:
 * Ansible lists the include itself, mcsync expands a literal include_tasks at load time (see
 * "What still differs from Ansible" in docs/playbook-language.md).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ansiblePlaybook } from './support/ansible.ts';
import { describeRun, expectExit, mapBounded, PARALLEL_RUNS } from './support/compare.ts';
import { parseListing } from './support/listing.ts';
import type { ListedPlay } from './support/listing.ts';
import { mcsyncPlay } from './support/mcsync.ts';
import type { ProcessRun } from './support/processes.ts';
import { localInventory, writeProject } from './support/project.ts';
import type { Project } from './support/project.ts';

const say = (name: string, tags?: string[]): Record<string, unknown> => ({
  name,
  debug: { msg: name },
  ...(tags ? { tags } : {}),
});

const PLAYBOOK = [
  {
    name: 'tagged play',
    hosts: 'all',
    gather_facts: false,
    tags: ['play_tag'],
    pre_tasks: [say('pre task', ['pre'])],
    roles: [{ role: 'tagged_role', tags: ['role_tag'] }],
    tasks: [
      say('untagged task'),
      say('tagged a', ['a']),
      say('tagged b and a', ['b', 'a']),
      say('always task', ['always']),
      say('never task', ['never']),
      say('never and a', ['never', 'a']),
      {
        name: 'a block',
        tags: ['blk'],
        block: [say('in block', ['inner']), { block: [say('nested in block')] }],
        rescue: [say('in rescue')],
        always: [say('in always', ['always'])],
      },
      { import_tasks: 'imported.yml', tags: ['imp'] },
      { debug: { msg: 'an unnamed task' } },
    ],
    post_tasks: [say('post task')],
  },
  { name: 'untagged play', hosts: 'all', gather_facts: false, tasks: [say('second play task', ['a'])] },
];

/** Tag selections, each one listing run per tool. */
const FILTERS: readonly string[][] = [
  [],
  ['--tags', 'a,b'],
  ['--skip-tags', 'a'],
  ['--tags', 'never'],
  ['--tags', 'tagged', '--skip-tags', 'always'],
  ['--tags', 'untagged'],
  ['--tags', 'role_tag,imp'],
  ['--tags', 'all', '--skip-tags', 'play_tag'],
];

describe('--list-tasks and --list-tags show what ansible-playbook shows', () => {
  let project: Project;

  before(async () => {
    project = await writeProject({
      'hosts.ini': localInventory('h1'),
      'roles/tagged_role/tasks/main.yml': [say('role task', ['role_inner'])],
      'imported.yml': [say('imported task', ['x']), say('imported untagged')],
      'site.yml': PLAYBOOK,
    });
  });
  after(() => project.remove());

  const listBoth = async (args: string[]): Promise<[ProcessRun, ProcessRun]> => {
    const full = ['-i', 'hosts.ini', ...args, 'site.yml'];
    const [ansible, mcsync] = await Promise.all([
      ansiblePlaybook(project, full, { json: false }),
      mcsyncPlay(project, full),
    ]);
    expectExit(ansible, 0);
    expectExit(mcsync, 0);
    return [ansible, mcsync];
  };

  const tasksOf = (plays: ListedPlay[]): unknown =>
    plays.map((play) => ({ name: play.name, tags: play.tags, tasks: play.tasks }));

  it('for every tag selection', async () => {
    // Each listBoth starts two processes.
    const runs = await mapBounded(FILTERS, Math.max(1, PARALLEL_RUNS / 2), (filter) =>
      listBoth(['--list-tasks', ...filter]),
    );
    FILTERS.forEach((filter, index) => {
      const [ansible, mcsync] = runs[index] as [ProcessRun, ProcessRun];
      assert.deepEqual(
        tasksOf(parseListing(mcsync.stdout)),
        tasksOf(parseListing(ansible.stdout)),
        `--list-tasks ${filter.join(' ')}${describeRun(mcsync)}${describeRun(ansible)}`,
      );
    });
  });

  it('--list-tags lists the same tags per play', async () => {
    const [ansible, mcsync] = await listBoth(['--list-tags']);
    const tags = (plays: ListedPlay[]): unknown => plays.map((play) => [play.name, play.taskTags]);
    assert.deepEqual(tags(parseListing(mcsync.stdout)), tags(parseListing(ansible.stdout)));
  });
});
