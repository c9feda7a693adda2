import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { findJinja, jinjaMessage, templateProblem } from '../../../src/template/index.ts';

/** The Handlebars the message tells the user to write for `source`. */
function suggestion(source: string, condition = false): string | undefined {
  const findings = findJinja(source, { condition });
  assert.equal(findings.length, 1, `one finding for ${source}: ${JSON.stringify(findings)}`);
  return findings[0]?.suggestion;
}

/** Jinja2 as Ansible users write it → the Handlebars form mcsync suggests. */
const TEMPLATES: [string, string][] = [
  ['{{ x | upper }}', '{{ upper x }}'],
  ['{{ x|lower }}', '{{ lower x }}'],
  ["{{ x | default('y') }}", "{{ default x 'y' }}"],
  ["{{ x | d('y') }}", "{{ default x 'y' }}"],
  ["{{ x | default('a', true) }}", "{{ default x 'a' true }}"],
  ['{{ users | length }}', '{{ length users }}'],
  ['{{ users | count }}', '{{ length users }}'],
  ["{{ users | join(',') }}", "{{ join users ',' }}"],
  ["{{ item.role | lower | replace(':', '-') }}", "{{ replace (lower item.role) ':' '-' }}"],
  ["{{ s | regex_replace('^a(.*)', '\\\\1') }}", "{{ regex_replace s '^a(.*)' '\\1' }}"],
  ['{{ x | int > 3 }}', '{{ gt (int x) 3 }}'],
  ['{{ x | to_nice_json }}', '{{ to_json x 4 }}'],
  ['{{ spec | to_nice_yaml(indent=4) }}', '{{ to_nice_yaml spec 4 }}'],
  ['{{ a | combine(b) }}', '{{ combine a b }}'],
  ['{{ a | combine(b, recursive=True) }}', '{{ merge a b }}'],
  ['{{ d | dict2items }}', '{{ dict2items d }}'],
  ['{{ d.items() | list }}', '{{ dict2items d }}'],
  ["{{ image.split(':') | last }}", "{{ last (split image ':') }}"],
  ["{{ lookup('env', 'HOME') }}", "{{ env 'HOME' }}"],
  ["{{ lookup('file', 'ca.crt') }}", "{{ lookup_file 'ca.crt' }}"],
  ["{{ item['my-key'] }}", '{{ item.[my-key] }}'],
  ["{{ item['name'] }}", '{{ item.name }}'],
  ['{{ results[0] }}', '{{ results.0 }}'],
  ['{{ results[-1] }}', '{{ last results }}'],
  ["{{ groups['master'][0] }}", '{{ groups.master.0 }}'],
  ['{{ hostvars[host].token }}', "{{ lookup (lookup hostvars host) 'token' }}"],
  ["{{ a ~ '-' ~ b }}", '{{ a }}-{{ b }}'],
  ['{{ a + b }}', '{{ add a b }}'],
  ['{{ replicas - 1 }}', '{{ sub replicas 1 }}'],
  ['{{ replicas * 2 }}', '{{ mul replicas 2 }}'],
  ['{{ memory // 1024 }}', '{{ int (div memory 1024) }}'],
  ['{{ x == 1 }}', '{{ eq x 1 }}'],
  ["{{ 'a' if x else 'b' }}", '{{#if x}}a{{else}}b{{/if}}'],
  ["{{ x | ternary('on', 'off') }}", '{{#if x}}on{{else}}off{{/if}}'],
  ['{{ True }}', '{{ true }}'],
  ['{{- name -}}', '{{~ name ~}}'],
  ["{{#if kind == 'Secret'}}s{{/if}}", "{{#if (eq kind 'Secret')}}"],
  ['{{#each users | default([]) as |u|}}{{ u }}{{/each}}', '{{#each (default users (list)) as |u|}}'],
  ['{# a note #}', '{{!-- a note --}}'],
];

/** Conditions as Ansible's `when:` takes them → the Handlebars form. */
const CONDITIONS: [string, string][] = [
  ["x == 'a'", "{{ eq x 'a' }}"],
  ['x != 1', '{{ ne x 1 }}'],
  ['n > 2', '{{ gt n 2 }}'],
  ['n <= 2', '{{ lte n 2 }}'],
  ['a and b', '{{ and a b }}'],
  ['a and b and c', '{{ and a b c }}'],
  ['a or b', '{{ or a b }}'],
  ['a and not b', '{{ and a (not b) }}'],
  ['not a or b', '{{ or (not a) b }}'],
  ['x in list', '{{ contains list x }}'],
  ["'b' in list", "{{ contains list 'b' }}"],
  ['x not in list', '{{ not (contains list x) }}'],
  ["inventory_hostname in groups['master']", '{{ contains groups.master inventory_hostname }}'],
  ['x is defined', '{{ defined x }}'],
  ['x is not defined', '{{ not (defined x) }}'],
  ['x is undefined', '{{ not (defined x) }}'],
  ['x is none', '{{ eq x null }}'],
  ['x is defined and x', '{{ and (defined x) x }}'],
  ['result is failed', '{{ result.failed }}'],
  ['result is succeeded', '{{ not result.failed }}'],
  ['result is changed', '{{ result.changed }}'],
  ['result.rc == 0', '{{ eq result.rc 0 }}'],
  ['x | bool', '{{ bool x }}'],
  ['(x | int) >= 4', '{{ gte (int x) 4 }}'],
  ["{{ x }} == 'a'", "{{ eq x 'a' }}"],
  ["{{ x == 'a' }}", "{{ eq x 'a' }}"],
  ['x == True', '{{ eq x true }}'],
];

/** Valid mcsync Handlebars that must never be reported, whatever it contains. */
const HANDLEBARS: string[] = [
  '{{#each list as |item|}}{{ item }}{{/each}}',
  '{{#each users as |u i|}}{{ i }}={{ u.name }}{{/each}}',
  "{{ split x '|' }}",
  "{{ join users ' | ' }}",
  "{{ eq x 'a == b' }}",
  "{{ eq x 'a' }}",
  '{{ add x -1 }}',
  '{{ labels.[app.kubernetes.io/name] }}',
  '{{ [my-key] }}',
  '{{ item.[my-key].value }}',
  '{{ resources.[0].data.token }}',
  '{{ item.0.role }}',
  '{{ results.0.stdout }}',
  "{{ dict name=item.name ns='default' }}",
  "{{#if (lookup (lookup @root.hostvars item) 'ca_file')}}x{{/if}}",
  '{{ ../outer }}',
  "{{ lookup . 'k' }}",
  '{{ this }}',
  '{{~ x ~}}',
  '{{{ raw_text }}}',
  '\\{{ x | y }}',
  '{{!-- a | b and c --}}',
  '{{! x == y }}',
  '{{ not (defined x) }}',
  "{{ default x 'y' }}",
  '{{ to_json (default users (list)) }}',
  '{{ and (eq item.kind "Secret") (not skip) }}',
  '{{ or force (ne current desired) }}',
  '{{ mod @index 2 }}',
  '{{#unless @last}},{{/unless}}',
  '{{#if x}}a{{else if y}}b{{else}}c{{/if}}',
  '{{ my-var }}',
  'echo ${#arr[@]} and ${#name}',
  'plain text with | pipes and == signs',
  'a {% not a jinja keyword %} b',
];

const VALID_CONDITIONS = [
  'not a',
  'skip',
  'item.enabled',
  "eq x 'a'",
  'defined token',
  'true',
  'no',
  'and a b',
];

describe('Jinja2 in templates: the Handlebars form to write', () => {
  for (const [jinja, handlebars] of TEMPLATES) {
    it(`${jinja} → ${handlebars}`, () => {
      assert.equal(suggestion(jinja), handlebars);
    });
  }

  it('every suggested form compiles as mcsync Handlebars', () => {
    for (const [, handlebars] of [...TEMPLATES, ...CONDITIONS]) {
      if (/^\{\{(#|!)/.test(handlebars)) continue;
      assert.equal(templateProblem(handlebars), undefined, handlebars);
    }
  });

  it('an if/else/endif statement becomes #if, else and /if in one message', () => {
    const findings = findJinja("{% if x == 'a' %}yes{% else %}no{% endif %}");
    assert.deepEqual(
      findings.map((f) => f.suggestion),
      ["{{#if (eq x 'a')}}", '{{else}}', '{{/if}}'],
    );
    assert.equal(
      jinjaMessage(findings),
      `Jinja2 syntax is not mcsync's template syntax; write "{% if x == 'a' %}" as {{#if (eq x 'a')}}, "{% else %}" as {{else}}, "{% endif %}" as {{/if}}`,
    );
  });

  it('{% if not x %} becomes #unless and its endif /unless; for loops become #each', () => {
    assert.deepEqual(
      findJinja('{% if not x %}a{% endif %}').map((f) => f.suggestion),
      ['{{#unless x}}', '{{/unless}}'],
    );
    assert.deepEqual(
      findJinja('{% for u in users %}{{ u }}{% endfor %}').map((f) => f.suggestion),
      ['{{#each users as |u|}}', '{{/each}}'],
    );
    assert.deepEqual(
      findJinja('{% for k, v in labels.items() %}{{ k }}{% endfor %}').map((f) => f.suggestion),
      ['{{#each labels as |v k|}}', '{{/each}}'],
    );
  });

  it('what has no Handlebars form gets advice instead: omit, map, set, raw', () => {
    const advice = (source: string): string => jinjaMessage(findJinja(source));
    assert.match(advice('{{ x | default(omit) }}'), /there is no 'omit': leave the argument out/);
    assert.match(advice("{{ users | map(attribute='name') }}"), /no helper 'map'.*#each/);
    assert.match(advice('{% set x = 1 %}'), /set the variable in 'vars:' or with set_fact/);
    assert.match(advice('{% raw %}{{ x }}{% endraw %}'), /\\\{\{/);
    assert.match(advice('{{ x | uniq }}'), /no helper 'uniq'/);
    assert.match(advice('{{ x | to_jsonn }}'), /no helper 'to_jsonn' \(the nearest helper is 'to_json'\)/);
    assert.match(advice('{{ x | default(omit) }}'), /see "Coming from Jinja2" in docs\/templates\.md/);
  });

  for (const source of HANDLEBARS) {
    it(`valid Handlebars is not reported: ${source}`, () => {
      assert.deepEqual(findJinja(source), []);
    });
  }
});

describe('Jinja2 in conditions (when:, until:, assert that:)', () => {
  for (const [jinja, handlebars] of CONDITIONS) {
    it(`when: ${jinja} → ${handlebars}`, () => {
      assert.equal(suggestion(jinja, true), handlebars);
    });
  }

  it('the message quotes the condition and shows the form to write', () => {
    assert.equal(
      jinjaMessage(findJinja("x == 'a'", { condition: true })),
      `Jinja2 expression "x == 'a'" is not mcsync's template syntax; write it as {{ eq x 'a' }}`,
    );
  });

  for (const condition of VALID_CONDITIONS) {
    it(`a Handlebars condition is not reported: ${condition}`, () => {
      assert.deepEqual(findJinja(condition, { condition: true }), []);
    });
  }
});

describe('the "Coming from Jinja2" table of docs/templates.md', () => {
  it('shows, for every Jinja2 row, what the error message suggests', async () => {
    const docs = await readFile('docs/templates.md', 'utf8');
    const section = docs.split('## Coming from Jinja2')[1]?.split('\n## ')[0] ?? '';
    const rows = [...section.matchAll(/^\| (`.+?) \| (`.+?) \|$/gm)];
    assert.ok(rows.length >= 30, `the table has ${rows.length} rows`);
    const pieces = (cell: string): string[] =>
      [...cell.matchAll(/`([^`]+)`/g)].map((m) => (m[1] ?? '').replaceAll('\\|', '|'));
    for (const [, left = '', right = ''] of rows) {
      const jinja = pieces(left);
      const handlebars = pieces(right);
      const pairs =
        jinja.length === handlebars.length
          ? jinja.map((j, i) => [j, [handlebars[i]]])
          : [[jinja[0], handlebars]];
      for (const [source = '', expected] of pairs as [string, string[]][]) {
        const condition = source.startsWith('when: ');
        const findings = findJinja(condition ? source.slice(6) : source, { condition });
        assert.ok(findings.length > 0, `the detector reports ${source}`);
        const message = jinjaMessage(findings);
        for (const form of expected)
          assert.ok(message.includes(form), `${source}: the message shows ${form}: ${message}`);
      }
    }
  });
});
