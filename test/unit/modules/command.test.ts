import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ProcessRunner } from '../../../src/model/module.ts';
import { commandModule } from '../../../src/modules/builtin/command.module.ts';
import { shellModule } from '../../../src/modules/builtin/shell.module.ts';
import { splitShellWords } from '../../../src/modules/builtin/shell-words.ts';
import { moduleContext } from '../../support/module-context.ts';

describe('splitShellWords', () => {
  it('splits like a shell without interpreting anything', () => {
    assert.deepEqual(splitShellWords(`echo "a b" 'c d' e\\ f "x\\"y" '' $HOME|x`), [
      'echo',
      'a b',
      'c d',
      'e f',
      'x"y',
      '',
      '$HOME|x',
    ]);
    assert.deepEqual(splitShellWords('  '), []);
  });

  it('names an unterminated quote', () => {
    assert.throws(() => splitShellWords(`echo 'a`), /unterminated single quote/);
    assert.throws(() => splitShellWords('echo "a'), /unterminated double quote/);
  });
});

describe('command', () => {
  it('runs an argv list without a shell and reports changed with output', async () => {
    const result = await commandModule.run({ argv: ['echo', 'a b', '$HOME'] }, moduleContext());
    assert.equal(result.changed, true);
    assert.equal(result.failed, undefined);
    assert.equal(result['rc'], 0);
    assert.equal(result['stdout'], 'a b $HOME');
    assert.deepEqual(result['stdout_lines'], ['a b $HOME']);
    assert.deepEqual(result['cmd'], ['echo', 'a b', '$HOME']);
  });

  it('splits a free-form command line into words', async () => {
    const result = await commandModule.run(
      { _raw_params: `printf '%s-%s' "one two" three` },
      moduleContext(),
    );
    assert.equal(result['stdout'], 'one two-three');
  });

  it('fails on a non-zero exit code, keeping stderr', async () => {
    const result = await commandModule.run({ argv: ['sh', '-c', 'echo oops >&2; exit 3'] }, moduleContext());
    assert.equal(result.failed, true);
    assert.equal(result['rc'], 3);
    assert.equal(result['stderr'], 'oops');
    assert.equal(result.msg, 'non-zero return code');
  });

  it('fails with rc 2 when the program does not exist', async () => {
    const result = await commandModule.run({ argv: ['no-such-program-mcsync'] }, moduleContext());
    assert.equal(result.failed, true);
    assert.equal(result['rc'], 2);
    assert.match(String(result.msg), /cannot run no-such-program-mcsync/);
  });

  it('runs in chdir and feeds stdin', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mcsync-cmd-'));
    assert.equal((await commandModule.run({ argv: ['pwd'], chdir: dir }, moduleContext()))['stdout'], dir);
    assert.equal(
      (await commandModule.run({ argv: ['cat'], stdin: 'hello' }, moduleContext()))['stdout'],
      'hello',
    );
  });

  it('does not run when creates exists or removes is missing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mcsync-cmd-'));
    await writeFile(join(dir, 'done'), '');
    const calls: string[][] = [];
    const counting: ProcessRunner = {
      run: async (argv) => (calls.push([...argv]), { exitCode: 0, stdout: '', stderr: '' }),
    };
    const ctx = moduleContext({ baseDir: dir });
    ctx.services.processes = counting;
    const created = await commandModule.run({ argv: ['true'], creates: 'done' }, ctx);
    assert.equal(created.changed, false);
    assert.match(String(created.msg), /since 'done' exists/);
    const removed = await commandModule.run({ argv: ['true'], removes: 'absent' }, ctx);
    assert.equal(removed.changed, false);
    assert.equal(calls.length, 0);
    assert.equal((await commandModule.run({ argv: ['true'], creates: 'absent' }, ctx)).changed, true);
    assert.equal(calls.length, 1);
  });

  it('skips in check mode without running anything', async () => {
    const result = await commandModule.run({ argv: ['false'] }, moduleContext({ check: true }));
    assert.equal(result.skipped, true);
    assert.equal(result.failed, undefined);
  });

  it('needs exactly one way to give the command', async () => {
    assert.equal((await commandModule.run({}, moduleContext())).failed, true);
    assert.equal((await commandModule.run({ argv: ['true'], cmd: 'true' }, moduleContext())).failed, true);
  });
});

describe('shell', () => {
  it('runs through /bin/sh so pipes and variables work', async () => {
    const result = await shellModule.run({ _raw_params: 'X=1; echo "$X" | tr 1 2' }, moduleContext());
    assert.equal(result['stdout'], '2');
    assert.equal(result['cmd'], 'X=1; echo "$X" | tr 1 2');
    assert.equal(result.changed, true);
  });

  it('fails on a non-zero exit code', async () => {
    const result = await shellModule.run({ cmd: 'exit 4' }, moduleContext());
    assert.equal(result.failed, true);
    assert.equal(result['rc'], 4);
  });
});
