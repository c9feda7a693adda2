import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Handlebars from 'handlebars';
import { TemplateError } from '../../../src/errors.ts';
import { createTemplar, isTemplate } from '../../../src/template/index.ts';
import type { RenderContext } from '../../../src/template/index.ts';

const where: RenderContext = {
  task: 'create projects',
  location: { file: 'roles/create/tasks/main.yml', line: 7, column: 3 },
};
const templar = createTemplar({ env: {} });
const render = (value: unknown, vars: Record<string, unknown> = {}): unknown =>
  templar.render(value, vars, where);

describe('native types', () => {
  const vars = { flag: true, count: 3, nothing: null, list: [1, 'two'], obj: { a: { b: 1 } }, text: 'hi' };

  it('a single expression keeps the type of its value', () => {
    assert.equal(render('{{ flag }}', vars), true);
    assert.equal(render('{{ count }}', vars), 3);
    assert.equal(render('{{ nothing }}', vars), null);
    assert.deepEqual(render('{{ list }}', vars), [1, 'two']);
    assert.deepEqual(render('{{ obj }}', vars), { a: { b: 1 } });
    assert.equal(render('{{ text }}', vars), 'hi');
  });

  it('surrounding whitespace still counts as a single expression', () => {
    assert.deepEqual(render('  {{ list }}\n', vars), [1, 'two']);
    assert.equal(render('{{count}}', vars), 3);
  });

  it('helper results keep their type too', () => {
    assert.deepEqual(render('{{ dict2items obj }}', vars), [{ key: 'a', value: { b: 1 } }]);
    assert.equal(render('{{ add count 1 }}', vars), 4);
    assert.equal(render('{{ eq count 3 }}', vars), true);
    assert.deepEqual(render("{{ list 'a' count }}", vars), ['a', 3]);
  });

  it('literals in a single expression are values, not variable names', () => {
    assert.equal(render('{{ true }}'), true);
    assert.equal(render('{{ 42 }}'), 42);
    assert.equal(render("{{ 'text' }}"), 'text');
    assert.equal(render('{{ null }}'), null);
  });

  it('text around an expression makes the result a string, printed as YAML would', () => {
    assert.equal(render('n={{ count }}', vars), 'n=3');
    assert.equal(render('on: {{ flag }}', vars), 'on: true');
    assert.equal(render('[{{ nothing }}]', vars), '[]');
    assert.equal(render('{{ count }}{{ count }}', vars), '33');
  });

  it('lists and mappings inside a string render as JSON', () => {
    assert.equal(render('list={{ list }}', vars), 'list=[1,"two"]');
    assert.equal(render('obj={{ obj }}', vars), 'obj={"a":{"b":1}}');
  });

  it('does not escape HTML', () => {
    assert.equal(render('<{{ text }}>&"\'', { text: '<b>&' }), '<<b>&>&"\'');
  });
});

describe('recursion', () => {
  it('renders strings inside nested lists and mappings and leaves keys and non-strings alone', () => {
    const input = {
      '{{ key }}': '{{ v }}',
      n: 1,
      b: false,
      nested: [{ x: 'a-{{ v }}' }, null, 2],
      d: new Date(0),
    };
    const out = render(input, { v: 'V', key: 'K' }) as Record<string, unknown>;
    assert.deepEqual(out, {
      '{{ key }}': 'V',
      n: 1,
      b: false,
      nested: [{ x: 'a-V' }, null, 2],
      d: new Date(0),
    });
  });

  it('never mutates its input', () => {
    const input = { a: ['{{ v }}'], b: { c: '{{ v }}' } };
    const copy = structuredClone(input);
    render(input, { v: 1 });
    assert.deepEqual(input, copy);
  });

  it('returns strings without {{ unchanged', () => {
    assert.equal(render('plain text with } and {'), 'plain text with } and {');
  });

  it('isTemplate finds {{ at any depth', () => {
    assert.equal(isTemplate('a {{ b }}'), true);
    assert.equal(isTemplate({ a: [1, { b: '{{ c }}' }] }), true);
    assert.equal(isTemplate({ a: [1, { b: 'c' }] }), false);
    assert.equal(isTemplate(3), false);
    assert.equal(templar.isTemplate(['x', '{{y}}']), true);
  });
});

describe('variable access', () => {
  it('follows dotted paths, list indexes and segment literals for hyphenated keys', () => {
    const vars = { item: { name: 'web' }, results: [{ stdout: 'ok' }], 'my-key': 'dash', m: { 'a-b': 1 } };
    assert.equal(render('{{ item.name }}', vars), 'web');
    assert.equal(render('{{ results.0.stdout }}', vars), 'ok');
    assert.equal(render('{{ [my-key] }}', vars), 'dash');
    assert.equal(render('{{ m.[a-b] }}', vars), 1);
    assert.equal(
      render('{{ labels.[app.kubernetes.io/name] }}', { labels: { 'app.kubernetes.io/name': 'web' } }),
      'web',
    );
  });

  it('reads Ansible-style numeric segments anywhere in a path (item.1, results.0)', () => {
    const vars = { item: [{ role: 'admin' }, 'ann'], results: [['a', 'b']] };
    assert.equal(render('{{ item.1 }}', vars), 'ann');
    assert.equal(render('{{ item.0.role }}/{{ item.1 }}', vars), 'admin/ann');
    assert.equal(render('{{ results.0.1 }}', vars), 'b');
    assert.equal(render('{{ upper item.1 }}', vars), 'ANN');
    assert.equal(render("{{ default (lookup item.0 'x') item.1 }}", vars), 'ann');
    assert.equal(render('{{ add 1.5 2 }}'), 3.5);
    assert.equal(render("{{ replace 'v.1' '.1' item.1 }}", vars), 'vann');
    assert.equal(render('version 1.2 of {{ item.1 }}', vars), 'version 1.2 of ann');
    assert.throws(
      () => render('{{ item.5 }}', vars),
      /undefined variable 'item\.5'.*'item' is a list without '5'/,
    );
  });

  it('a bare name is a variable even when a helper has that name', () => {
    assert.equal(render('{{ env }}', { env: 'production' }), 'production');
    assert.equal(render('{{ first }}', { first: 1 }), 1);
  });

  it('supports #each and #if blocks with @index and block params', () => {
    const vars = { users: [{ name: 'a' }, { name: 'b' }], on: true };
    assert.equal(render('{{#each users}}{{@index}}={{name}};{{/each}}', vars), '0=a;1=b;');
    assert.equal(render('{{#each users as |u|}}{{ upper u.name }}{{/each}}', vars), 'AB');
    assert.equal(render('{{#if on}}yes{{else}}no{{/if}}', vars), 'yes');
    assert.equal(render('{{#if missing}}yes{{else}}no{{/if}}', vars), 'no');
    assert.equal(render('{{#each users}}{{ name }}{{#unless @last}},{{/unless}}{{/each}}', vars), 'a,b');
  });
});

describe('undefined variables', () => {
  const expectError = (fn: () => unknown, pattern: RegExp): void => {
    assert.throws(fn, (error: unknown) => {
      assert.ok(error instanceof TemplateError, `expected a TemplateError, got ${String(error)}`);
      assert.match(error.message, pattern);
      return true;
    });
  };

  it('name the variable, the task and the location', () => {
    expectError(
      () => render('{{ foo.bar }}', { foo: {} }),
      /^undefined variable 'foo\.bar' in task 'create projects' \(roles\/create\/tasks\/main\.yml:7:3\)/,
    );
  });

  it('are errors inside a larger string and as helper arguments', () => {
    expectError(() => render('x-{{ missing }}'), /undefined variable 'missing'/);
    expectError(() => render('{{ upper missing }}'), /undefined variable 'missing'/);
    expectError(() => render('{{ join (list a.b) "," }}'), /undefined variable 'a\.b'/);
    expectError(() => render('{{#each items}}{{/each}}'), /undefined variable 'items'/);
  });

  it('suggest the nearest name when one is close', () => {
    expectError(() => render('{{ itme.name }}', { item: { name: 'x' } }), /did you mean 'item'\?/);
    expectError(
      () => render('{{ item.nmae }}', { item: { name: 'x' } }),
      /'item' is a mapping without 'nmae'; did you mean 'item\.name'\?/,
    );
  });

  it('carry the variable as the error key and omit what `where` does not say', () => {
    assert.throws(
      () => templar.render('{{ a.b }}', {}, {}),
      (error: unknown) =>
        error instanceof TemplateError && error.key === 'a.b' && error.message === "undefined variable 'a.b'",
    );
  });

  it('default sees undefined values, even below a missing parent', () => {
    assert.equal(render("{{ default missing 'x' }}"), 'x');
    assert.equal(render("{{ default foo.bar.baz 'y' }}"), 'y');
    assert.equal(render("{{ default foo.bar 'y' }}", { foo: { bar: 0 } }), 0);
    assert.equal(render('{{ default missing }}'), '');
  });

  it('Handlebars strict mode alone would throw a TypeError for a helper argument with a missing parent', () => {
    // Why mcsync checks undefined variables itself instead of using `strict: true`.
    const hb = Handlebars.create();
    hb.registerHelper('default', (value: unknown, fallback: unknown) => value ?? fallback);
    const strict = hb.compile("{{default foo.bar 'x'}}", { strict: true });
    assert.throws(() => strict({}), TypeError);
    assert.equal(hb.compile("{{default missing 'x'}}", { strict: true })({}), 'x');
  });
});

describe('prototype access', () => {
  it('does not leak constructors or prototype methods', () => {
    assert.throws(() => render('{{ constructor.name }}', { a: 1 }), /undefined variable 'constructor\.name'/);
    assert.throws(() => render('{{ obj.toString }}', { obj: {} }), /undefined variable 'obj\.toString'/);
    assert.throws(() => render('{{ obj.__proto__ }}', { obj: {} }), /undefined variable/);
    assert.equal(render("{{ default obj.constructor 'safe' }}", { obj: {} }), 'safe');
  });
});

describe('template errors', () => {
  it('explain Jinja2 syntax in Handlebars terms', () => {
    assert.throws(
      () => render("{{ x | default('y') }}"),
      /invalid template .*Jinja2 expression "\{\{ x \| default\('y'\) \}\}" .*write it as \{\{ default x 'y' \}\}/,
    );
    assert.throws(
      () => render('{{ x == 1 }}'),
      /unexpected '=' after '\{\{ x'.*write it as \{\{ eq x 1 \}\}/,
    );
    assert.throws(() => render("{{ item['name'] }}"), /write it as \{\{ item\.name \}\}/);
    assert.throws(() => render('{% if x %}a{% endif %}{{ y | z }}'), /write ".*" as \{\{#if x\}\}/);
  });

  it('name an unknown helper with the nearest one', () => {
    assert.throws(
      () => render('{{ uppr name }}', { name: 'x' }),
      /unknown helper 'uppr'.*did you mean 'upper'\?/,
    );
    assert.throws(
      () => render('{{ a and b }}', { a: 1, b: 2 }),
      /unknown helper 'a'.*write it as \{\{ and a b \}\}/,
    );
  });

  it('reject partials and unknown blocks', () => {
    assert.throws(() => render('{{> part }}'), /partials .* not supported/);
    assert.throws(() => render('{{#items}}x{{/items}}', { items: [1] }), /unknown block '\{\{#items\}\}'/);
  });

  it('check the number of helper arguments', () => {
    assert.throws(
      () => render('{{ upper a b }}', { a: 'x', b: 'y' }),
      /upper: expected 1 argument, got 2 in task 'create projects'/,
    );
    assert.throws(() => render('{{ replace a }}', { a: 'x' }), /replace: expected 3 arguments, got 1/);
  });
});

describe('performance', () => {
  it('renders 10,000 templated strings', () => {
    const fresh = createTemplar({ env: {} });
    const vars = { item: { name: 'x', kind: 'Secret' }, n: 1 };
    for (let i = 0; i < 10_000; i++) {
      fresh.render(
        { name: 'obj-{{ item.name }}', kind: '{{ item.kind }}', n: `{{ add n ${i % 50} }}`, plain: 'text' },
        vars,
        where,
      );
    }
  });
});
