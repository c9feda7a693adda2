import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPainter } from '../../../src/report/color.ts';
import { banner, compactJson, dumpResult, profileLines, recapLine } from '../../../src/report/format.ts';
import { maskSecrets } from '../../../src/report/mask.ts';
import { unifiedDiff } from '../../../src/report/unified-diff.ts';
import { emptyRecap } from '../../../src/model/result.ts';

describe('maskSecrets', () => {
  it('replaces every occurrence in strings, nested values and keys, longest secret first', () => {
    const value = { token: 'abc', list: ['x abc y abcdef'], abc: 1, n: 3 };
    assert.deepEqual(maskSecrets(value, ['abc', 'abcdef', '']), {
      token: '********',
      list: ['x ******** y ********'],
      '********': 1,
      n: 3,
    });
    assert.equal(maskSecrets('nothing', []), 'nothing');
  });
});

describe('unifiedDiff', () => {
  it('prints a header and hunks with three lines of context', () => {
    const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].join('\n') + '\n';
    const after = ['a', 'b', 'c', 'd', 'E', 'f', 'g', 'h', 'i', 'j'].join('\n') + '\n';
    assert.deepEqual(unifiedDiff(before, after, 'v1/ConfigMap x'), [
      '--- before: v1/ConfigMap x',
      '+++ after: v1/ConfigMap x',
      '@@ -2,8 +2,9 @@',
      ' b',
      ' c',
      ' d',
      '-e',
      '+E',
      ' f',
      ' g',
      ' h',
      ' i',
      '+j',
    ]);
  });

  it('shows a new object as all added and equal texts as nothing', () => {
    assert.deepEqual(unifiedDiff('', 'a\nb\n'), ['--- before', '+++ after', '@@ -0,0 +1,2 @@', '+a', '+b']);
    assert.deepEqual(unifiedDiff('same', 'same'), []);
  });
});

describe('text formats', () => {
  it('fills banners with stars to 80 columns', () => {
    assert.equal(banner('PLAY [x]').length, 80);
    assert.equal(banner('TASK [' + 'n'.repeat(100) + ']').endsWith(' ***'), true);
  });

  it('colors only non-zero recap fields and the host by outcome', () => {
    const line = recapLine('east', { ...emptyRecap(), ok: 1, failed: 1 }, createPainter(true));
    assert.ok(line.startsWith('\u001b[0;31meast'));
    assert.ok(line.includes('\u001b[0;32mok=1   \u001b[0m'));
    assert.ok(line.includes(' changed=0    '));
  });

  it('dumps results like Python json.dumps with sorted keys, hiding internals', () => {
    assert.equal(compactJson({ b: [1, 'x'], a: null }), '{"a": null, "b": [1, "x"]}');
    const result = {
      msg: 'm',
      _internal: 1,
      diff: { before: '', after: '' },
      invocation: { module_args: {} },
    };
    assert.equal(dumpResult(result, { verbosity: 1 }), '{"msg": "m"}');
    assert.equal(dumpResult(result, { verbosity: 2 }), '{"invocation": {"module_args": {}}, "msg": "m"}');
  });

  it('lists the slowest tasks first, at most 20', () => {
    const timings = Array.from({ length: 25 }, (_, i) => ({ title: `t${i}`, durationMs: i * 10 }));
    const lines = profileLines(timings);
    assert.equal(lines.length, 21);
    assert.equal(lines[1], `t24 ${'-'.repeat(69)} 0.24s`);
    assert.equal(lines[1]?.length, 79);
  });
});
