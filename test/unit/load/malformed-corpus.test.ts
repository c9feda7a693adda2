/**
 * The malformed-input corpus: every file under test/fixtures/load/bad states in its header the
 * error it must produce (`# expect: line:col message`, `# key: key`, and `# file: path` when the
 * error is in another file, such as a role's). Loading must fail with exactly that first error.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { LoadError, LoadErrors } from '../../../src/errors.ts';
import { loadPlaybook } from '../../../src/load/index.ts';
import { fakeRegistry } from './fake-modules.ts';

const BAD = 'test/fixtures/load/bad';

interface Expectation {
  line: number;
  column: number;
  message: string;
  key?: string;
  file?: string;
}

function expectationOf(file: string): Expectation {
  const text = readFileSync(file, 'utf8');
  const expect = /^# expect: (\d+):(\d+) (.+)$/m.exec(text);
  assert.ok(expect, `${file} has no '# expect:' header`);
  const [, line, column, message] = expect as unknown as [string, string, string, string];
  const key = /^# key: (.+)$/m.exec(text)?.[1];
  const other = /^# file: (.+)$/m.exec(text)?.[1];
  return {
    line: Number(line),
    column: Number(column),
    message,
    ...(key ? { key } : {}),
    ...(other ? { file: other } : {}),
  };
}

async function firstError(file: string): Promise<LoadError> {
  try {
    await loadPlaybook(file, { modules: fakeRegistry(), rolesPath: [] });
  } catch (error) {
    assert.ok(error instanceof LoadErrors, `expected LoadErrors, got ${String(error)}`);
    const [first] = error.errors;
    assert.ok(first instanceof LoadError);
    return first;
  }
  assert.fail(`${file} loaded without errors`);
}

const files = readdirSync(BAD)
  .filter((name) => name.endsWith('.yml'))
  .sort();

test('the corpus holds at least 35 malformed inputs', () => {
  assert.ok(files.length >= 35, `only ${files.length} files`);
});

for (const name of files) {
  test(`${name} fails with the error its header states`, async () => {
    const file = join(BAD, name);
    const expected = expectationOf(file);
    const error = await firstError(file);
    assert.ok(error.location, 'error has a location');
    assert.ok(error.message.includes(expected.message), `message: ${error.message}`);
    assert.equal(resolve(error.location.file), resolve(BAD, expected.file ?? name));
    assert.equal(`${error.location.line}:${error.location.column}`, `${expected.line}:${expected.column}`);
    assert.equal(error.key, expected.key);
    assert.ok(!error.describe().includes('    at '), 'no stack trace in the message');
  });
}
