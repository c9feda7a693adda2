import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTemplar, helperNames, HELPERS } from '../../../src/template/index.ts';

const templar = createTemplar({ env: { MCSYNC_TEST: 'from-env' } });
const vars = {
  s: 'Hello World',
  n: 7,
  ns: '12',
  list: ['a', 'b', 'c'],
  nums: [3, 1],
  obj: { a: 1, b: { c: 2 } },
  other: { b: { d: 3 }, e: [1] },
  pairs: [
    { key: 'x', value: 1 },
    { key: 'y', value: 2 },
  ],
  empty: [],
  image: 'quay.io/org/app:1.2.3',
};
const r = (template: string, extra: Record<string, unknown> = {}): unknown =>
  templar.render(template, { ...vars, ...extra }, { task: 't' });

describe('comparison and logic helpers', () => {
  it('eq and ne compare deeply without coercion', () => {
    assert.equal(r('{{ eq n 7 }}'), true);
    assert.equal(r("{{ eq n '7' }}"), false);
    assert.equal(r('{{ eq list (list "a" "b" "c") }}'), true);
    assert.equal(r('{{ ne s "x" }}'), true);
  });

  it('lt lte gt gte order numbers or strings, and refuse to mix them', () => {
    assert.equal(r('{{ lt 1 2 }}'), true);
    assert.equal(r('{{ lte 2 2 }}'), true);
    assert.equal(r('{{ gt n 7 }}'), false);
    assert.equal(r('{{ gte n 7 }}'), true);
    assert.equal(r("{{ lt 'a' 'b' }}"), true);
    assert.throws(
      () => r('{{ lt ns 20 }}'),
      /lt: cannot compare '12' with number 20; use int or string first/,
    );
    assert.equal(r('{{ lt (int ns) 20 }}'), true);
  });

  it('and/or are variadic with Python truthiness; not negates', () => {
    assert.equal(r('{{ and true 1 "x" }}'), true);
    assert.equal(r('{{ and true empty }}'), false);
    assert.equal(r('{{ or false 0 "" empty n }}'), true);
    assert.equal(r('{{ or false (dict) }}'), false);
    assert.equal(r('{{ not empty }}'), true);
    assert.equal(r('{{ not s }}'), false);
  });

  it('default replaces undefined (and falsy values when asked), defined tests existence', () => {
    assert.equal(r("{{ default missing 'fallback' }}"), 'fallback');
    assert.equal(r("{{ default s 'fallback' }}"), 'Hello World');
    assert.equal(r("{{ default '' 'fallback' }}"), '');
    assert.equal(r("{{ default '' 'fallback' true }}"), 'fallback');
    assert.equal(r('{{ default missing 3 }}'), 3);
    assert.equal(r('{{ defined missing }}'), false);
    assert.equal(r('{{ defined obj.b.c }}'), true);
  });

  it('bool reads Ansible-style truthy words', () => {
    assert.equal(r("{{ bool 'Yes' }}"), true);
    assert.equal(r("{{ bool 'off' }}"), false);
    assert.equal(r('{{ bool 1 }}'), true);
  });
});

describe('math helpers', () => {
  it('add sums numbers (numeric strings too), joins strings and concatenates lists', () => {
    assert.equal(r('{{ add n 1 2 }}'), 10);
    assert.equal(r('{{ add ns 1 }}'), 13);
    assert.equal(r("{{ add 'v' n }}"), 'v7');
    assert.deepEqual(r('{{ add list nums }}'), ['a', 'b', 'c', 3, 1]);
  });

  it('sub mul div mod compute; division by zero is an error', () => {
    assert.equal(r('{{ sub n 2 }}'), 5);
    assert.equal(r('{{ mul n 2 3 }}'), 42);
    assert.equal(r('{{ div n 2 }}'), 3.5);
    assert.equal(r('{{ mod n 4 }}'), 3);
    assert.throws(() => r('{{ div n 0 }}'), /div: division of number 7 by zero/);
    assert.throws(() => r("{{ mul n 'x' }}"), /mul: expected a number, got 'x'/);
  });

  it('int and float convert, falling back to the default', () => {
    assert.equal(r("{{ int '42' }}"), 42);
    assert.equal(r('{{ int 3.9 }}'), 3);
    assert.equal(r("{{ int 'abc' }}"), 0);
    assert.equal(r("{{ int 'abc' 5 }}"), 5);
    assert.equal(r("{{ float '2.5' }}"), 2.5);
  });

  it("range follows Python's range", () => {
    assert.deepEqual(r('{{ range 3 }}'), [0, 1, 2]);
    assert.deepEqual(r('{{ range 1 7 2 }}'), [1, 3, 5]);
    assert.deepEqual(r('{{ range 3 0 -1 }}'), [3, 2, 1]);
  });
});

describe('string helpers', () => {
  it('join and split', () => {
    assert.equal(r("{{ join list ',' }}"), 'a,b,c');
    assert.equal(r('{{ join nums }}'), '31');
    assert.deepEqual(r("{{ split image ':' }}"), ['quay.io/org/app', '1.2.3']);
    assert.deepEqual(r("{{ split '  a  b ' }}"), ['a', 'b']);
    assert.throws(() => r("{{ join s ',' }}"), /join: expected a list, got 'Hello World'/);
  });

  it('lower upper trim replace', () => {
    assert.equal(r('{{ lower s }}'), 'hello world');
    assert.equal(r('{{ upper s }}'), 'HELLO WORLD');
    assert.equal(r("{{ trim '  x \n' }}"), 'x');
    assert.equal(r("{{ replace 'a.b.c' '.' '-' }}"), 'a-b-c');
    assert.throws(() => r('{{ upper list }}'), /upper: expected a string, got list/);
  });

  it('regex_search returns the match, its first group, or null', () => {
    assert.equal(r("{{ regex_search image '[0-9.]+$' }}"), '1.2.3');
    assert.equal(r("{{ regex_search image ':(.+)$' }}"), '1.2.3');
    assert.equal(r("{{ regex_search image 'nomatch' }}"), null);
    assert.equal(r("x{{ regex_search image 'nomatch' }}x"), 'xx');
    assert.equal(r("{{ regex_search s 'hello' 'i' }}"), 'Hello');
    assert.equal(r("{{ regex_search s 'hello' ignorecase=true }}"), 'Hello');
    assert.throws(() => r("{{ regex_search s '(' }}"), /regex_search: invalid regular expression '\('/);
  });

  it('regex_replace replaces every match with Python-style backreferences', () => {
    assert.equal(r("{{ regex_replace 'a1b22' '[0-9]+' '#' }}"), 'a#b#');
    assert.equal(r("{{ regex_replace image '^(.*):(.*)$' '\\2@\\1' }}"), '1.2.3@quay.io/org/app');
    assert.equal(r("{{ regex_replace 'ab' '(?<x>a)' '\\g<x>$' }}"), 'a$b');
    assert.equal(r("{{ regex_replace 'https://h' '^https?://' }}"), 'h');
  });

  it('contains works on strings, lists and mapping keys', () => {
    assert.equal(r("{{ contains s 'World' }}"), true);
    assert.equal(r("{{ contains list 'b' }}"), true);
    assert.equal(r("{{ contains list 'z' }}"), false);
    assert.equal(r("{{ contains obj 'a' }}"), true);
  });

  it('quote makes shell-safe words and string prints any value', () => {
    assert.equal(r("{{ quote 'simple' }}"), 'simple');
    assert.equal(r('{{ quote "it\'s here" }}'), `'it'"'"'s here'`);
    assert.equal(r('{{ string n }}'), '7');
    assert.equal(r('{{ string obj }}'), '{"a":1,"b":{"c":2}}');
  });
});

describe('collection helpers', () => {
  it('length of strings, lists and mappings', () => {
    assert.equal(r('{{ length s }}'), 11);
    assert.equal(r('{{ length list }}'), 3);
    assert.equal(r('{{ length obj }}'), 2);
    assert.throws(() => r('{{ length n }}'), /length: expected a string, list or mapping, got number 7/);
  });

  it('keys values dict2items items2dict', () => {
    assert.deepEqual(r('{{ keys obj }}'), ['a', 'b']);
    assert.deepEqual(r('{{ values other }}'), [{ d: 3 }, [1]]);
    assert.deepEqual(r('{{ dict2items (dict a=1) }}'), [{ key: 'a', value: 1 }]);
    assert.deepEqual(r("{{ dict2items (dict a=1) key_name='k' value_name='v' }}"), [{ k: 'a', v: 1 }]);
    assert.deepEqual(r('{{ items2dict pairs }}'), { x: 1, y: 2 });
    assert.throws(() => r('{{ keys list }}'), /keys: expected a mapping, got list/);
  });

  it('merge deep-merges mappings, later wins, lists replaced; combine is an alias', () => {
    assert.deepEqual(r('{{ merge obj other }}'), { a: 1, b: { c: 2, d: 3 }, e: [1] });
    assert.deepEqual(r('{{ merge obj (dict a=2) }}'), { a: 2, b: { c: 2 } });
    assert.deepEqual(r('{{ combine obj (dict a=2) }}'), { a: 2, b: { c: 2 } });
  });

  it('merge does not let __proto__ keys touch prototypes', () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true}}') as unknown;
    const merged = r('{{ merge obj hostile }}', { hostile }) as Record<string, unknown>;
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    assert.equal(Object.getPrototypeOf(merged), Object.prototype);
  });

  it('list dict first last', () => {
    assert.deepEqual(r("{{ list 1 'two' n }}"), [1, 'two', 7]);
    assert.deepEqual(r('{{ dict name=s count=n }}'), { name: 'Hello World', count: 7 });
    assert.deepEqual(r("{{ dict 'my-key' 1 'other' n }}"), { 'my-key': 1, other: 7 });
    assert.equal(r('{{ first list }}'), 'a');
    assert.equal(r('{{ last list }}'), 'c');
    assert.equal(r('{{ first empty }}'), null);
    assert.equal(r('{{ last s }}'), 'd');
  });
});

describe('encoding helpers', () => {
  it('to_json and from_json', () => {
    assert.equal(r('{{ to_json obj }}'), '{"a":1,"b":{"c":2}}');
    assert.equal(r('{{ to_json list 2 }}'), '[\n  "a",\n  "b",\n  "c"\n]');
    assert.deepEqual(r('{{ from_json \'{"k": [1, 2]}\' }}'), { k: [1, 2] });
    assert.throws(() => r("{{ from_json '{bad' }}"), /from_json: cannot parse '\{bad'/);
  });

  it('to_yaml, to_nice_yaml and from_yaml', () => {
    assert.equal(r('{{ to_yaml obj }}'), 'a: 1\nb:\n  c: 2\n');
    assert.equal(r('{{ to_nice_yaml other 4 }}'), 'b:\n    d: 3\ne:\n    - 1\n');
    assert.deepEqual(r("{{ from_yaml 'a: [1, 2]' }}"), { a: [1, 2] });
  });

  it('b64encode and b64decode round-trip UTF-8', () => {
    assert.equal(r("{{ b64encode 'user:pässword' }}"), Buffer.from('user:pässword').toString('base64'));
    assert.equal(r("{{ b64decode (b64encode 'héllo') }}"), 'héllo');
  });

  it('hash defaults to sha256 and accepts md5 sha1 sha512', () => {
    assert.equal(r("{{ hash 'abc' }}"), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(r("{{ hash 'abc' 'md5' }}"), '900150983cd24fb0d6963f7d28e17f72');
    assert.equal(r("{{ hash 'abc' 'SHA1' }}"), 'a9993e364706816aba3e25717850c26c9cd0d89d');
    assert.equal((r("{{ hash 'abc' 'sha512' }}") as string).length, 128);
    assert.throws(
      () => r("{{ hash 'abc' 'crc32' }}"),
      /hash: unknown algorithm 'crc32'; expected one of md5, sha1, sha256, sha512/,
    );
  });
});

describe('env and lookup_file', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mcsync-template-'));
    writeFileSync(join(dir, 'token'), 'secret-token\n\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('env reads the injected environment, with an optional default', () => {
    assert.equal(r("{{ env 'MCSYNC_TEST' }}"), 'from-env');
    assert.equal(r("{{ env 'MCSYNC_UNSET' }}"), '');
    assert.equal(r("{{ env 'MCSYNC_UNSET' 'dflt' }}"), 'dflt');
  });

  it('env defaults to process.env', () => {
    const fromProcess = createTemplar();
    assert.equal(fromProcess.render("{{ env 'PATH' }}", {}, {}), process.env['PATH']);
  });

  it('lookup_file reads relative to baseDir and trims trailing newlines', () => {
    assert.equal(templar.render("{{ lookup_file 'token' }}", {}, { baseDir: dir }), 'secret-token');
    assert.equal(templar.render(`{{ lookup_file '${join(dir, 'token')}' }}`, {}, {}), 'secret-token');
  });

  it('lookup_file names the missing file', () => {
    assert.throws(
      () => templar.render("{{ lookup_file 'nope.txt' }}", {}, { baseDir: dir, task: 'read' }),
      new RegExp(
        `lookup_file: cannot read 'nope\\.txt' \\(${join(dir, 'nope.txt').replace(/[.]/g, '\\.')}\\): file not found in task 'read'`,
      ),
    );
  });
});

describe('helperNames', () => {
  it('lists every required helper plus the block helpers, sorted', () => {
    const names = helperNames();
    const required =
      'eq ne lt lte gt gte and or not default length add sub mul div mod join split lower upper trim replace regex_search regex_replace contains keys values dict2items items2dict merge to_json from_json to_yaml from_yaml b64encode b64decode hash env lookup_file';
    for (const name of required.split(' ')) assert.ok(names.includes(name), `missing helper ${name}`);
    for (const name of ['if', 'each', 'with', 'unless', 'lookup']) assert.ok(names.includes(name));
    assert.deepEqual(names, [...names].sort());
    assert.ok(!names.some((n) => n.startsWith('__')));
  });

  it('every helper has a summary and a valid example that uses it', () => {
    for (const [name, spec] of Object.entries(HELPERS)) {
      assert.ok(spec.example.includes(name), `${name} example should use it`);
      assert.ok(spec.summary.length > 0);
      try {
        templar.render(spec.example, {}, {});
      } catch (error) {
        // Examples name variables that are not set here; anything else means a broken example.
        assert.doesNotMatch(
          String(error),
          /invalid template|unknown helper|expected \d/,
          `${name}: ${String(error)}`,
        );
      }
    }
  });

  it('docs/templates.md has a row for every helper', () => {
    const docs = readFileSync(new URL('../../../docs/templates.md', import.meta.url), 'utf8');
    const rows = docs.split('\n').filter((line) => line.startsWith('| `'));
    for (const name of helperNames()) {
      assert.ok(
        rows.some((row) => row.split('|')[1]?.includes(`\`${name}\``)),
        `docs/templates.md lacks ${name}`,
      );
    }
  });
});
