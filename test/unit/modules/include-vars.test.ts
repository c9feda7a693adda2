import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { includeVarsModule } from '../../../src/modules/builtin/include-vars.module.ts';
import { moduleContext } from '../../support/module-context.ts';

describe('include_vars', () => {
  let base = '';
  before(async () => {
    base = await mkdtemp(join(tmpdir(), 'mcsync-include-vars-'));
    await mkdir(join(base, 'vars/more'), { recursive: true });
    await writeFile(join(base, 'vars/create.yml'), 'projects:\n  - name: demo\n');
    await writeFile(join(base, 'vars/more/b.json'), '{"b": 2}');
    await writeFile(join(base, 'vars/more/a.yaml'), 'a: 1\nb: 1\n');
    await writeFile(join(base, 'vars/more/notes.txt'), 'ignored');
    await writeFile(join(base, 'list.yml'), '- 1\n');
    await writeFile(join(base, 'broken.yml'), 'a: [\n');
  });

  it('loads a file relative to the base dir (free form)', async () => {
    const result = await includeVarsModule.run(
      { _raw_params: 'vars/create.yml' },
      moduleContext({ baseDir: base }),
    );
    assert.deepEqual(result.includedVars, { projects: [{ name: 'demo' }] });
  });

  it('also finds the file in a vars/ folder beside the base dir', async () => {
    const result = await includeVarsModule.run({ file: 'create.yml' }, moduleContext({ baseDir: base }));
    assert.deepEqual(result.includedVars, { projects: [{ name: 'demo' }] });
  });

  it('puts the variables under name when given', async () => {
    const result = await includeVarsModule.run(
      { file: 'vars/create.yml', name: 'conf' },
      moduleContext({ baseDir: base }),
    );
    assert.deepEqual(result.includedVars, { conf: { projects: [{ name: 'demo' }] } });
  });

  it('loads a directory in name order, YAML and JSON only', async () => {
    const result = await includeVarsModule.run({ dir: 'vars/more' }, moduleContext({ baseDir: base }));
    assert.deepEqual(result.includedVars, { a: 1, b: 2 });
  });

  it('fails naming the searched paths when the file is missing', async () => {
    const result = await includeVarsModule.run({ file: 'nope.yml' }, moduleContext({ baseDir: base }));
    assert.equal(result.failed, true);
    assert.match(String(result.msg), /could not find file 'nope.yml'; searched: .*nope.yml/);
  });

  it('fails on a file that is not a mapping or not valid YAML, with its location', async () => {
    const list = await includeVarsModule.run({ file: 'list.yml' }, moduleContext({ baseDir: base }));
    assert.match(String(list.msg), /expected a mapping/);
    const broken = await includeVarsModule.run({ file: 'broken.yml' }, moduleContext({ baseDir: base }));
    assert.match(String(broken.msg), /broken\.yml:\d+:\d+: invalid YAML/);
  });
});
