import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LoadError } from '../../../src/errors.ts';
import { loadVarsFile } from '../../../src/load/index.ts';

async function file(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mcsync-vars-'));
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

test('a YAML vars file loads as a mapping', async () => {
  assert.deepEqual(await loadVarsFile(await file('v.yml', 'a: 1\nb: [x]\n')), { a: 1, b: ['x'] });
});

test('a JSON vars file loads too', async () => {
  assert.deepEqual(await loadVarsFile(await file('v.json', '{"token": "abc", "n": 2}')), {
    token: 'abc',
    n: 2,
  });
});

test('an empty vars file is an empty mapping', async () => {
  assert.deepEqual(await loadVarsFile(await file('v.yml', '# nothing yet\n')), {});
});

test('a list at the top level is a LoadError with the location', async () => {
  const path = await file('v.yml', '- a\n- b\n');
  await assert.rejects(loadVarsFile(path), (error: unknown) => {
    assert.ok(error instanceof LoadError);
    assert.match(error.message, /vars file must be a mapping/);
    assert.deepEqual(error.location, { file: path, line: 1, column: 1 });
    return true;
  });
});

test('a missing vars file names the path', async () => {
  await assert.rejects(
    loadVarsFile('/nonexistent/vars.yml'),
    /cannot read \/nonexistent\/vars\.yml: file not found/,
  );
});
