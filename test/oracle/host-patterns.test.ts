/**
 * Host patterns and --limit against the real Ansible: every pattern is a play's `hosts:` in one
 * mcsync `--list-hosts` run and one ansible-playbook `--list-hosts` run; the order comes from
 * `ansible PATTERN --list-hosts` (Ansible's own CLI.get_host_list, batched by list-hosts.py and
 * spot-checked against the command itself). ansible-playbook prints a play's hosts from a Python
 * set, so only the ad hoc listing has an order to compare.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ansibleAdHoc, ansibleListHosts, ansiblePlaybook } from './support/ansible.ts';
import type { HostsAnswer, HostsCase } from './support/ansible.ts';
import { describeRun, expectExit, mapBounded, PARALLEL_RUNS, unmatchedTerms } from './support/compare.ts';
import { parseAdHocHosts, parseListing } from './support/listing.ts';
import type { ListedPlay } from './support/listing.ts';
import { mcsyncPlay } from './support/mcsync.ts';
import type { ProcessRun } from './support/processes.ts';
import { localInventory, writeProject } from './support/project.ts';
import type { Project } from './support/project.ts';

/**
 * Nested children (prod → regions → east/west), a range, overlapping groups (web02 in web and
 * db, web01 in web, east and edge), a group with hosts and children, an ungrouped host. At most
 * one group per generation has children, so Ansible's walk over a generation (a Python set)
 * has one order.
 */
const INVENTORY = localInventory(`
ctl1

[web]
web[01:04]

[db]
db1
db2
web02

[east]
web01
db1

[west]
web03
db2

[south]
web04

[regions]
cache1

[regions:children]
east
west

[prod:children]
regions
db

[edge]
proxy.example.com
web01
node-[a:c]
`);

const PATTERNS: readonly string[] = [
  'all',
  '*',
  'web',
  'prod',
  'regions',
  'ungrouped',
  'db:web',
  'web:db',
  'web,db',
  'web, db',
  'web:&db',
  'web:!db',
  '!db:web',
  '&db:web',
  'web,&east',
  'web,!east',
  '!east,web',
  '!east:!west',
  'all:!prod',
  'prod:&edge',
  'prod:!east:&db',
  'east:west:&db',
  'db,!web02,&prod',
  '*:&edge:!web*',
  '&web',
  '!web',
  '!all',
  'web:!web',
  'east:&west',
  '~web0[13]',
  '~(db|cache)',
  '~^n',
  '!~web',
  '~web.*,&east',
  'web*',
  '*.example.com',
  'node-?',
  'node-[ab]',
  'node-[a:b]',
  'Web*',
  'web[0]',
  'web[-1]',
  'web[1:]',
  'web[0:2]',
  'web[1-2]',
  'nosuch[0]',
  'web[2:1]',
  'web[01:02]',
  'prod[1:]',
  'prod[-1]',
  'all[-1]',
  'all[0:0]',
  'web[0],web[-1]',
  'web[1:2]:!web03',
  'web01:db1',
  'db1,web01',
  'web01,web01',
  'web01:22',
  'web:ctl1',
  'db:&db1',
  'localhost',
  'localhost,web01',
  'nomatch',
  'WEB',
  'nomatch:web',
];

/** Limits, each tried with the plays of LIMITED_PLAYS; `@` files are in the project. */
const LIMITS: readonly string[] = [
  'web,!web02',
  'nosuch,web01',
  'prod,&edge',
  '!east,!west',
  'all,!prod,&web',
  '!west,prod',
  'web:db,!east',
  'east:west',
  'web[0:1]',
  'web[-1],db[0]',
  '~^db',
  'edge:web',
  '@hosts.limit',
  '@groups.limit',
  '@hosts.limit,web03',
  'nomatch',
];

const LIMITED_PLAYS: readonly string[] = ['all', 'web:db', 'prod:!east'];

const LIMIT_FILES = {
  'hosts.limit': 'web01\n\ndb2\n',
  'groups.limit': 'prod\n!east\n',
};

function playsFor(patterns: readonly string[]): unknown {
  return patterns.map((hosts) => ({ hosts, gather_facts: false, tasks: [] }));
}

function hostsOf(answer: HostsAnswer | undefined): string[] {
  if (!answer) throw new Error('the driver gave no answer');
  return answer.hosts;
}

function playAt(plays: readonly ListedPlay[], index: number, run: ProcessRun): ListedPlay {
  const play = plays[index];
  if (!play) throw new Error(`no play #${index + 1} in the listing${describeRun(run)}`);
  return play;
}

describe('hosts: patterns select what ansible selects, in its order', () => {
  let project: Project;
  let mcsync: ProcessRun;
  let mcsyncPlays: ListedPlay[];
  let answers: HostsAnswer[];
  let playbook: ProcessRun;

  before(async () => {
    project = await writeProject({
      'hosts.ini': INVENTORY,
      'patterns.yml': playsFor(PATTERNS),
      'unmatched.yml': playsFor(['nomatch', 'nomatch:web', 'web01:22,WEB', 'Web*:!nosuch', '&nosuch']),
    });
    const args = ['-i', 'hosts.ini', '--list-hosts', 'patterns.yml'];
    [mcsync, answers, playbook] = await Promise.all([
      mcsyncPlay(project, args),
      ansibleListHosts(
        project,
        'hosts.ini',
        PATTERNS.map((pattern) => ({ pattern })),
      ),
      ansiblePlaybook(project, args, { json: false }),
    ]);
    expectExit(mcsync, 0);
    expectExit(playbook, 0);
    mcsyncPlays = parseListing(mcsync.stdout);
  });
  after(() => project.remove());

  for (const [index, pattern] of PATTERNS.entries()) {
    it(`hosts: '${pattern}'`, () => {
      assert.deepEqual(playAt(mcsyncPlays, index, mcsync).hosts, hostsOf(answers[index]));
    });
  }

  it('ansible-playbook --list-hosts lists the same hosts for every play (as sets: it prints a set)', () => {
    const sorted = (plays: ListedPlay[]): string[][] => plays.map((play) => [...play.hosts].sort());
    assert.equal(mcsyncPlays.length, PATTERNS.length);
    assert.deepEqual(sorted(mcsyncPlays), sorted(parseListing(playbook.stdout)));
  });

  it('warns about the same unmatched pattern terms when the plays run', async () => {
    // mcsync's --list-hosts does not print these warnings (see docs/playbook-language.md).
    const [ansible, ours] = await Promise.all([
      ansiblePlaybook(project, ['-i', 'hosts.ini', 'unmatched.yml']),
      mcsyncPlay(project, ['-i', 'hosts.ini', 'unmatched.yml']),
    ]);
    expectExit(ansible, 0);
    expectExit(ours, 0);
    assert.deepEqual(unmatchedTerms(ours.stdout + ours.stderr), unmatchedTerms(ansible.stderr));
  });
});

describe('--limit narrows every play as ansible does', () => {
  let project: Project;
  let runs: ProcessRun[];
  let answers: HostsAnswer[];
  const cases: HostsCase[] = LIMITS.flatMap((limit) => LIMITED_PLAYS.map((pattern) => ({ pattern, limit })));

  before(async () => {
    project = await writeProject({
      'hosts.ini': INVENTORY,
      'limited.yml': playsFor(LIMITED_PLAYS),
      ...LIMIT_FILES,
    });
    [runs, answers] = await Promise.all([
      mapBounded(LIMITS, PARALLEL_RUNS, (limit) =>
        mcsyncPlay(project, ['-i', 'hosts.ini', '--list-hosts', '-l', limit, 'limited.yml']),
      ),
      ansibleListHosts(project, 'hosts.ini', cases),
    ]);
  });
  after(() => project.remove());

  for (const [index, limit] of LIMITS.entries()) {
    it(`-l '${limit}'`, () => {
      const run = runs[index] as ProcessRun;
      const expected = LIMITED_PLAYS.map((_, play) => answers[index * LIMITED_PLAYS.length + play]);
      // ansible-playbook checks the limit once, against `all` (LIMITED_PLAYS[0]).
      if (expected[0]?.error !== undefined) {
        // Ansible: "Specified inventory, host pattern and/or --limit leaves us with no hosts to
        // target." (exit 1); mcsync exits 5, its code for a bad option (see docs).
        assert.notEqual(run.code, 0, describeRun(run));
        assert.match(run.stderr, /leave no hosts to target/, describeRun(run));
        return;
      }
      expectExit(run, 0);
      const listed = parseListing(run.stdout);
      LIMITED_PLAYS.forEach((pattern, play) => {
        assert.deepEqual(
          playAt(listed, play, run).hosts,
          hostsOf(expected[play]),
          `play hosts: '${pattern}' with -l '${limit}'`,
        );
      });
    });
  }
});

describe('the batched answers are what the ansible command prints', () => {
  const SAMPLE: readonly HostsCase[] = [
    { pattern: 'prod' },
    { pattern: 'nomatch' },
    { pattern: 'all', limit: 'nosuch,web01,!db' },
    { pattern: 'web:db', limit: '@groups.limit' },
  ];
  let project: Project;

  before(async () => {
    project = await writeProject({ 'hosts.ini': INVENTORY, ...LIMIT_FILES });
  });
  after(() => project.remove());

  it('for a sample of patterns and limits', async () => {
    const [answers, runs] = await Promise.all([
      ansibleListHosts(project, 'hosts.ini', SAMPLE),
      mapBounded(SAMPLE, PARALLEL_RUNS, (entry) =>
        ansibleAdHoc(project, [
          entry.pattern,
          '-i',
          'hosts.ini',
          ...(entry.limit === undefined ? [] : ['-l', entry.limit]),
          '--list-hosts',
        ]),
      ),
    ]);
    SAMPLE.forEach((entry, index) => {
      const run = runs[index] as ProcessRun;
      expectExit(run, 0);
      assert.deepEqual(parseAdHocHosts(run.stdout), hostsOf(answers[index]), JSON.stringify(entry));
    });
  });
});

describe('a single subscript past the hosts of a group', () => {
  let project: Project;

  before(async () => {
    project = await writeProject({
      'hosts.ini': INVENTORY,
      'before.yml': playsFor(['web']),
      'past.yml': playsFor(['web', 'web[5]']),
    });
  });
  after(() => project.remove());

  const CASES: readonly { name: string; args: string[]; pattern: string }[] = [
    { name: "in a play's hosts", args: ['past.yml'], pattern: 'web[5]' },
    { name: 'in --limit', args: ['-l', 'db,web[4]', 'before.yml'], pattern: 'web[4]' },
  ];
  for (const { name, args, pattern } of CASES) {
    it(`${name} stops the listing with ansible's message`, async () => {
      const full = ['-i', 'hosts.ini', '--list-hosts', ...args];
      const [ansible, mcsync] = await Promise.all([
        ansiblePlaybook(project, full, { json: false }),
        mcsyncPlay(project, full),
      ]);
      const message = `No hosts matched the subscripted pattern '${pattern}'`;
      assert.equal(ansible.code, 1, describeRun(ansible));
      assert.ok(ansible.stderr.includes(message), describeRun(ansible));
      // mcsync exits 4, its code for bad input (Ansible uses 1 for every ERROR!).
      assert.equal(mcsync.code, 4, describeRun(mcsync));
      assert.ok(mcsync.stderr.includes(message), describeRun(mcsync));
    });
  }
});
