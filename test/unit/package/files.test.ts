// package.json `files` (what `npm pack` ships) checked statically: every entry exists, and every
// file the shipped playbooks reach through `../` (vars/, deploy/templates/) is shipped with them.
// test/integration/package/installed-tarball.test.ts installs the packed tarball and runs it.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

const root = path.resolve(import.meta.dirname, '../../..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  files: string[];
  bin: Record<string, string>;
  scripts: Record<string, string>;
};
const shipped = (file: string): boolean =>
  pkg.files.some((entry) => file === entry || file.startsWith(`${entry}/`));

describe('package.json files', () => {
  it('lists only paths that exist', () => {
    for (const entry of pkg.files) assert.ok(existsSync(path.join(root, entry)), `${entry} does not exist`);
  });

  it('ships the bins, the compiled CLI, the roles, and what the sandbox builds from', () => {
    for (const bin of Object.values(pkg.bin)) assert.ok(shipped(bin), bin);
    for (const file of [
      'dist/cli/main.js',
      'roles',
      'tools/sandbox-cluster/go.mod',
      'scripts/build-sandbox-cluster.sh',
    ])
      assert.ok(shipped(file), file);
  });

  it('ships every file the shipped playbooks load through ../', () => {
    const playbooks = readdirSync(path.join(root, 'playbooks'), { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.yml'),
    );
    const reached: string[] = [];
    for (const file of playbooks) {
      const text = readFileSync(path.join(root, 'playbooks', file), 'utf8');
      for (const [ref] of text.matchAll(/\.\.\/[\w./-]+/g)) {
        const target = path.relative(root, path.resolve(root, 'playbooks', path.dirname(file), ref));
        reached.push(target);
        assert.ok(existsSync(path.join(root, target)), `playbooks/${file}: ${ref} does not exist`);
        assert.ok(shipped(target), `playbooks/${file} loads ${target}, which package.json files leaves out`);
      }
    }
    assert.ok(reached.includes('vars/sync.yml') && reached.includes('deploy/templates/observer.yaml.hbs'));
  });

  it('builds dist/ in a clone only: the installed package has no tsconfig to build from', () => {
    assert.ok(!shipped('tsconfig.build.json'));
    assert.match(pkg.scripts.prepare ?? '', /^\[ ! -f tsconfig\.build\.json \] \|\| npm run build$/);
  });
});
