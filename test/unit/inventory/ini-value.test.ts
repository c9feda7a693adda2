import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseIniValue } from '../../../src/inventory/ini-value.ts';

describe('INI values are typed like Ansible (Python literal_eval, else the raw text)', () => {
  it('reads integers, floats, signs and underscores as numbers', () => {
    assert.equal(parseIniValue('8443'), 8443);
    assert.equal(parseIniValue('-1'), -1);
    assert.equal(parseIniValue('1.5'), 1.5);
    assert.equal(parseIniValue('1e3'), 1000);
    assert.equal(parseIniValue('1_000'), 1000);
    assert.equal(parseIniValue('0x1F'), 31);
  });

  it('keeps leading-zero numbers such as 0755 as strings, as Python rejects them', () => {
    assert.equal(parseIniValue('0755'), '0755');
    assert.equal(parseIniValue('0'), 0);
  });

  it('reads Python True/False/None but keeps lowercase true and yes as strings', () => {
    assert.equal(parseIniValue('True'), true);
    assert.equal(parseIniValue('False'), false);
    assert.equal(parseIniValue('None'), null);
    assert.equal(parseIniValue('true'), 'true');
    assert.equal(parseIniValue('yes'), 'yes');
  });

  it('unquotes quoted strings with escapes and keeps URLs and paths as written', () => {
    assert.equal(parseIniValue('"abc"'), 'abc');
    assert.equal(parseIniValue("'it\\'s'"), "it's");
    assert.equal(parseIniValue('"8443"'), '8443');
    assert.equal(parseIniValue('https://east.example.com:8443'), 'https://east.example.com:8443');
    assert.equal(parseIniValue('/usr/bin/oc'), '/usr/bin/oc');
    assert.equal(parseIniValue('"unterminated'), '"unterminated');
  });

  it('reads lists, tuples and dicts of literals', () => {
    assert.deepEqual(parseIniValue("['a', 2]"), ['a', 2]);
    assert.deepEqual(parseIniValue('(1, 2)'), [1, 2]);
    assert.deepEqual(parseIniValue("{'k': [True]}"), { k: [true] });
    assert.equal(parseIniValue('[a, b]'), '[a, b]');
  });

  it('ignores a trailing Python comment after a literal but keeps text with one', () => {
    assert.equal(parseIniValue('42 # answer'), 42);
    assert.equal(parseIniValue('abc # note'), 'abc # note');
  });
});
