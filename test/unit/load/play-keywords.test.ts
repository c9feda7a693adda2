import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LoadErrors } from '../../../src/errors.ts';
import { loadPlaybook } from '../../../src/load/index.ts';
import { options } from './support.ts';

async function playbook(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mcsync-play-'));
  const path = join(dir, 'play.yml');
  await writeFile(path, text);
  return path;
}

async function firstMessage(text: string): Promise<string> {
  const error = await loadPlaybook(await playbook(text), options()).catch((e: unknown) => e);
  assert.ok(error instanceof LoadErrors);
  return error.errors[0]?.message ?? '';
}

test('serial accepts a percentage or a template and explains a bad string', async () => {
  const book = await loadPlaybook(
    await playbook('- hosts: all\n  serial: "30%"\n- hosts: all\n  serial: "{{ n }}"\n'),
    options(),
  );
  assert.deepEqual(
    book.plays.map((p) => p.serial),
    ['30%', '{{ n }}'],
  );
  assert.match(
    await firstMessage('- hosts: all\n  serial: lots\n'),
    /'serial' must be a number of hosts, a percentage/,
  );
});

test('a play name defaults to its hosts pattern and empty sections are allowed', async () => {
  const book = await loadPlaybook(
    await playbook('- hosts: [east, west]\n  vars:\n  tasks:\n  handlers:\n'),
    options(),
  );
  const play = book.plays[0]!;
  assert.equal(play.name, 'east:west');
  assert.deepEqual([play.tasks, play.handlers, play.vars], [[], [], {}]);
});

test('an unsupported Ansible keyword on a task says mcsync does not support it and why', async () => {
  const message = await firstMessage('- hosts: all\n  tasks:\n    - debug: {msg: hi}\n      async: 10\n');
  assert.equal(
    message,
    "mcsync does not support 'async' in a task: modules manage their own waiting; use until/retries/delay instead",
  );
});

test('an include with a loop must be include_*, never import_*', async () => {
  assert.match(
    await firstMessage('- hosts: all\n  tasks:\n    - import_role: {name: x}\n      loop: [1]\n'),
    /import_role is expanded at load time and cannot loop; use include_role/,
  );
});
