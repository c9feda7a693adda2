import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LoadError } from '../../../src/errors.ts';
import { collectObjects } from '../../../src/modules/kube/k8s-objects.ts';
import {
  definitionObjects,
  parseManifests,
  srcObjects,
  templateObjects,
} from '../../../src/modules/kube/manifest-sources.ts';
import { moduleContext } from '../../support/module-context.ts';

const names = (list: { object: { metadata?: { name?: string } } }[]): (string | undefined)[] =>
  list.map((s) => s.object.metadata?.name);

describe('parseManifests', () => {
  it('reads multi-document YAML, skips empty documents and expands List kinds', () => {
    const text = [
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}',
      '',
      'apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Secret, metadata: {name: b}}\n- {apiVersion: v1, kind: Secret, metadata: {name: c}}',
    ].join('\n---\n');
    const out = parseManifests(text, 'm.yaml');
    assert.deepEqual(names(out), ['a', 'b', 'c']);
    assert.equal(out[1]?.origin, 'm.yaml#3.items[0]');
  });

  it('reads JSON and reports YAML errors with file:line:column', () => {
    assert.deepEqual(
      names(parseManifests('{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"j"}}', 'x.json')),
      ['j'],
    );
    assert.throws(
      () => parseManifests('a: 1\n---\nkind: [x\n', 'bad.yaml'),
      (e: unknown) => e instanceof LoadError && e.location?.file === 'bad.yaml' && e.location.line >= 3,
    );
  });

  it('accepts a definition as object, list or YAML text', () => {
    assert.deepEqual(names(definitionObjects({ kind: 'X', metadata: { name: 'one' } })), ['one']);
    assert.deepEqual(names(definitionObjects([{ metadata: { name: 'a' } }, { metadata: { name: 'b' } }])), [
      'a',
      'b',
    ]);
    assert.deepEqual(names(definitionObjects('metadata: {name: t}\n---\nmetadata: {name: u}\n')), ['t', 'u']);
    assert.throws(() => definitionObjects(['x']), /definition\[0\]: expected a Kubernetes object/);
  });
});

describe('src and template files', () => {
  let dir: string;
  after(() => rm(dir, { recursive: true, force: true }));
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'k8s-src-'));
    await mkdir(path.join(dir, 'manifests'));
    await mkdir(path.join(dir, 'role', 'files'), { recursive: true });
    await writeFile(
      path.join(dir, 'manifests', 'b.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n',
    );
    await writeFile(
      path.join(dir, 'manifests', 'a.json'),
      '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}',
    );
    await writeFile(path.join(dir, 'manifests', 'notes.txt'), 'not a manifest');
    await writeFile(
      path.join(dir, 'role', 'files', 'ns.yaml'),
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: from-role}\n',
    );
    await writeFile(
      path.join(dir, 'cm.yaml.hbs'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ app }}-config\ndata:\n  replicas: "{{ replicas }}"\n',
    );
  });

  it('reads a directory (sorted, manifests only), a glob, and files from the search paths first', async () => {
    const ctx = moduleContext({ baseDir: dir, searchPaths: [path.join(dir, 'role', 'files')] });
    assert.deepEqual(names(await srcObjects(['manifests'], ctx)), ['a', 'b']);
    assert.deepEqual(names(await srcObjects(['manifests/*.yaml'], ctx)), ['b']);
    assert.deepEqual(names(await srcObjects(['ns.yaml'], ctx)), ['from-role']);
    await assert.rejects(
      srcObjects(['missing.yaml'], ctx),
      /src 'missing.yaml' not found \(searched .*role\/files, .*\)/,
    );
  });

  it('renders a template file with the task variables', async () => {
    const ctx = moduleContext({ baseDir: dir }, { app: 'web', replicas: 3 });
    const [cm] = await templateObjects(['cm.yaml.hbs'], ctx);
    assert.deepEqual(cm?.object, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'web-config' },
      data: { replicas: '3' },
    });
  });
});

describe('collectObjects', () => {
  it('builds one object from api_version, kind, name and namespace', async () => {
    const out = await collectObjects(
      { api_version: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'demo' },
      moduleContext(),
      'absent',
    );
    assert.deepEqual(out[0]?.object, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'demo' },
    });
  });

  it('fills in apiVersion and kind from the arguments and names the source of an incomplete object', async () => {
    const out = await collectObjects(
      { kind: 'ConfigMap', api_version: 'v1', definition: { metadata: { name: 'x' } } },
      moduleContext(),
      'present',
    );
    assert.equal(out[0]?.object.kind, 'ConfigMap');
    await assert.rejects(
      collectObjects(
        { definition: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'x-' } }] },
        moduleContext(),
        'present',
      ),
      /definition\[0\]: object to make present has no metadata.name \(generateName is not supported/,
    );
    await assert.rejects(
      collectObjects({}, moduleContext(), 'present'),
      /k8s needs definition, src or template/,
    );
  });
});
