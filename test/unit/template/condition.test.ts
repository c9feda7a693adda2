import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TemplateError } from '../../../src/errors.ts';
import { createTemplar } from '../../../src/template/index.ts';
import type { Condition } from '../../../src/model/playbook.ts';

const where = { task: 'sync secrets', location: { file: 'sync.yml', line: 12, column: 9 } };
const templar = createTemplar({ env: {} });
const vars = {
  item: { kind: 'Secret', name: 'pull' },
  skip: false,
  answer: 'yes',
  word: 'FALSE',
  count: 2,
  list: [1],
};
const holds = (cond: Condition | Condition[]): boolean => templar.condition(cond, vars, where);

describe('conditions', () => {
  it('accept a template in braces', () => {
    assert.equal(holds("{{ and (eq item.kind 'Secret') (not skip) }}"), true);
    assert.equal(holds("{{ eq item.kind 'ConfigMap' }}"), false);
  });

  it('accept a bare Handlebars expression or variable name', () => {
    assert.equal(holds("eq item.kind 'Secret'"), true);
    assert.equal(holds("and (eq item.kind 'Secret') skip"), false);
    assert.equal(holds('skip'), false);
    assert.equal(holds('not skip'), true);
    assert.equal(holds('  gt count 1  '), true);
  });

  it('accept literal booleans and boolean words', () => {
    assert.equal(holds(true), true);
    assert.equal(holds(false), false);
    assert.equal(holds('true'), true);
    assert.equal(holds('No'), false);
    assert.equal(holds('{{ true }}'), true);
  });

  it('accept rendered strings true/false/yes/no in any case', () => {
    assert.equal(holds('answer'), true);
    assert.equal(holds('{{ word }}'), false);
  });

  it('need every condition of a list to hold', () => {
    assert.equal(holds(["eq item.kind 'Secret'", 'not skip', true]), true);
    assert.equal(holds(["eq item.kind 'Secret'", 'skip']), false);
    assert.equal(holds([]), true);
  });

  it('stop at the first false condition of a list', () => {
    assert.equal(holds(['skip', 'undefined_variable']), false);
  });

  it('reject values that are not boolean-like, saying what they got', () => {
    assert.throws(
      () => holds('count'),
      (error: unknown) =>
        error instanceof TemplateError &&
        /^condition 'count' must be true or false, got number 2 in task 'sync secrets' \(sync\.yml:12:9\)/.test(
          error.message,
        ),
    );
    assert.throws(() => holds('item.name'), /got 'pull'/);
    assert.throws(() => holds('list'), /got list \[1\]/);
    assert.throws(() => holds('{{ item.kind }} and more'), /got 'Secret and more'/);
  });

  it('report undefined variables with the task and location', () => {
    assert.throws(
      () => holds('missing'),
      /^TemplateError: undefined variable 'missing' in task 'sync secrets' \(sync\.yml:12:9\)/,
    );
    assert.throws(
      () => holds("eq item.knd 'Secret'"),
      /undefined variable 'item\.knd'.*did you mean 'item\.kind'/,
    );
  });

  it('let default and defined guard optional variables', () => {
    assert.equal(holds('default missing false'), false);
    assert.equal(holds('and (defined missing) missing.enabled'), false);
    assert.equal(holds('defined item'), true);
  });

  it('reject a condition that is neither string nor boolean', () => {
    assert.throws(
      () => holds(3 as unknown as Condition),
      /condition must be a string or boolean, got number 3/,
    );
  });

  it('explain Jinja2 comparisons', () => {
    assert.throws(() => holds("item.kind == 'Secret'"), /write it as \{\{ eq item\.kind 'Secret' \}\}/);
    assert.throws(() => holds('item is defined'), /write it as \{\{ defined item \}\}/);
  });
});
