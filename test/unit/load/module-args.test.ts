import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { LoadErrors } from '../../../src/errors.ts';
import { loadTasksFile } from '../../../src/load/index.ts';
import { parseKeyValues } from '../../../src/load/module-args.ts';
import { options, tasksOf } from './support.ts';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';

async function tasksFile(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mcsync-args-'));
  const path = join(dir, 'tasks.yml');
  await writeFile(path, text);
  return path;
}

async function messages(text: string): Promise<string[]> {
  const error = await loadTasksFile(await tasksFile(text), options()).catch((e: unknown) => e);
  assert.ok(error instanceof LoadErrors, 'expected LoadErrors');
  return error.errors.map((e) => `${e.key}: ${e.message}`);
}

test('key=value strings become arguments; quoted values stay strings', () => {
  assert.deepEqual(parseKeyValues('msg="hello world" verbosity=2 quiet=true'), {
    msg: 'hello world',
    verbosity: 2,
    quiet: true,
  });
  assert.equal(parseKeyValues('just some words'), undefined);
});

test('a free-form module turns its string into _raw_params and merges args:', async () => {
  const tasks = await loadTasksFile(
    await tasksFile('- command: oc get is\n  args:\n    chdir: /tmp\n'),
    options(),
  );
  assert.deepEqual(tasksOf(tasks)[0]?.args, { chdir: '/tmp', _raw_params: 'oc get is' });
});

test('module aliases resolve to the canonical module name', async () => {
  const tasks = await loadTasksFile(
    await tasksFile('- kubernetes.core.k8s:\n    kind: Namespace\n    name: demo\n'),
    options(),
  );
  assert.equal(tasksOf(tasks)[0]?.module, 'k8s');
});

test('templated argument values are left for run time', async () => {
  const tasks = await loadTasksFile(
    await tasksFile('- k8s:\n    state: "{{ wanted }}"\n    wait: "{{ waiting }}"\n'),
    options(),
  );
  assert.deepEqual(tasksOf(tasks)[0]?.args, { state: '{{ wanted }}', wait: '{{ waiting }}' });
});

test('unknown argument names are reported even when values are templated', async () => {
  assert.deepEqual(await messages('- debug:\n    mgs: "{{ x }}"\n'), [
    "debug.mgs: unknown argument 'mgs' in module 'debug'; did you mean 'msg'?",
  ]);
});

test('literal arguments are validated: type, enum, required, nested keys', async () => {
  const found = await messages(
    [
      '- debug:',
      '    verbosity: high',
      '- k8s:',
      '    state: gone',
      '- assert:',
      '    quiet: true',
      '- k8s:',
      '    wait:',
      '      timout: 5',
    ].join('\n'),
  );
  assert.deepEqual(found, [
    "debug.verbosity: argument 'verbosity' of module 'debug' must be an integer, got string",
    "k8s.state: argument 'state' of module 'k8s' must be one of present, absent; got \"gone\"",
    "assert.that: module 'assert' needs 'that'",
    "k8s.wait.timout: unknown argument 'timout' in argument 'wait' of module 'k8s'; did you mean 'timeout'?",
  ]);
});
