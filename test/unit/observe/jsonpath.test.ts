import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../../src/errors.ts';
import { compileGoTemplate } from '../../../src/observe/go-template.ts';
import { compileJsonPath } from '../../../src/observe/jsonpath.ts';

const stream = {
  metadata: {
    name: 'app',
    namespace: 'demo',
    annotations: { sync: 'me', 'mcsync.io/origin': 'east' },
    labels: { a: 'b' },
  },
  spec: {
    tags: [
      { name: 'v1', from: { name: 'img:1' } },
      { name: 'v2', from: { name: 'img:2' } },
      { name: 'latest' },
    ],
  },
  status: { replicas: 3, ready: true },
};
const render = (template: string, data: unknown = stream, allowMissingKeys = true): string =>
  compileJsonPath(template, { allowMissingKeys }).render(data);

describe('kubectl JSONPath templates', () => {
  it("renders the seed's '{ .metadata.annotations.sync }' to the annotation value", () => {
    assert.equal(render('{ .metadata.annotations.sync }'), 'me');
    assert.equal(render('{.metadata.annotations.sync}'), 'me');
  });

  it('renders a missing key as an empty string by default, and fails when missing keys are not allowed', () => {
    const bare = { metadata: { name: 'x' } };
    assert.equal(render('{ .metadata.annotations.sync }', bare), '');
    assert.throws(
      () => render('{ .metadata.annotations.sync }', bare, false),
      (e: Error) => {
        assert.ok(e instanceof UsageError);
        assert.match(e.message, /annotations is not found/);
        return true;
      },
    );
  });

  it('keeps literal text around actions and prints numbers, booleans and maps as kubectl does', () => {
    assert.equal(
      render('ns={.metadata.namespace} n={.status.replicas} r={.status.ready}'),
      'ns=demo n=3 r=true',
    );
    assert.equal(render('{.metadata.labels}'), '{"a":"b"}');
  });

  it('supports indexes, slices, wildcards, quoted keys with dots, and recursive descent', () => {
    assert.equal(render('{.spec.tags[0].name}'), 'v1');
    assert.equal(render('{.spec.tags[-1].name}'), 'latest');
    assert.equal(render('{.spec.tags[0:2].name}'), 'v1 v2');
    assert.equal(render('{.spec.tags[*].name}'), 'v1 v2 latest');
    assert.equal(render("{.metadata.annotations['mcsync.io/origin']}"), 'east');
    assert.equal(render('{..from.name}'), 'img:1 img:2');
  });

  it('supports filters and range … end with quoted separators', () => {
    assert.equal(render('{.spec.tags[?(@.name=="v2")].from.name}'), 'img:2');
    assert.equal(render('{.spec.tags[?(@.from)].name}'), 'v1 v2');
    assert.equal(render('{range .spec.tags[*]}{.name}{"\\n"}{end}'), 'v1\nv2\nlatest\n');
  });

  it('rejects broken templates with a UsageError that quotes the template', () => {
    assert.throws(() => compileJsonPath('{.a'), /error parsing jsonpath \{\.a/);
    assert.throws(() => compileJsonPath('{range .a[*]}{.b}'), /missing \{end\}/);
    assert.throws(() => compileJsonPath('{end}'), /not in range/);
  });
});

describe('go-template (the simple forms)', () => {
  it('renders field paths and index actions; a missing key prints <no value> as Go does', () => {
    const tpl = compileGoTemplate(
      '{{.metadata.name}}/{{ index .metadata.annotations "mcsync.io/origin" }}/{{.nope}}',
    );
    assert.equal(tpl.render(stream), 'app/east/<no value>');
  });

  it('points at -o jsonpath for anything else', () => {
    assert.throws(() => compileGoTemplate('{{ range .items }}{{ end }}'), /use -o jsonpath/);
  });
});
