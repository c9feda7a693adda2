// Ansible Vault through the CLI, as a user runs it: fixtures made by the real ansible-vault
// (test/fixtures/vault/README.md), decrypted at load, values masked in every output.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot, runPlay, tempProject } from '../../support/play.ts';

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'vault');
const fixture = (name: string): string => path.join(fixtures, name);
const TOKEN = 'sha256~vaulted-cluster-token-0123456789';
const DB_PASSWORD = 'hunter2-vaulted-db-password';
const PROD_KEY = 'prod-api-key-dddddddd';

/**
 * The `key: !vault |` block of inline.yml (made by encrypt_string), renamed to `as` and indented
 * by `indent` spaces (a play's vars by default).
 */
function vaultBlock(key: string, options: { as?: string; indent?: number } = {}): string {
  const lines = readFileSync(fixture('inline.yml'), 'utf8').split('\n');
  const start = lines.indexOf(`${key}: !vault |`);
  const end = lines.findIndex((line, i) => i > start && !line.startsWith(' '));
  const pad = ' '.repeat(options.indent ?? 4);
  const body = lines.slice(start + 1, end).map((line) => `${pad}${line}`);
  return [`${pad}${options.as ?? key}: !vault |`, ...body].join('\n');
}

const play = (vars: string, tasks: string, extra = ''): string =>
  `- hosts: localhost\n${extra}  vars:\n${vars}\n  tasks:\n${tasks}\n`;

const PLAYBOOK = play(
  vaultBlock('db_password'),
  [
    '    - debug: {msg: "token has {{ length cluster_token }} characters, db password {{ length db_password }}"}',
    '    - debug: {msg: "token={{ cluster_token }} db={{ db_password }} pass={{ registry_password }}"}',
  ].join('\n'),
  `  vars_files: [${fixture('secrets.yml')}]\n`,
);

describe('mcsync-play with Ansible Vault', () => {
  it('an encrypted vars file and an inline !vault value are used; the secrets are masked', async (t) => {
    const dir = await tempProject(t, { 'p.yml': PLAYBOOK });
    const run = await runPlay([path.join(dir, 'p.yml'), '--vault-password-file', fixture('password.txt')], {
      fromSources: true,
    });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /token has 39 characters, db password 27/);
    assert.match(run.stdout, /"msg": "token=\*{8} db=\*{8} pass=\*{8}"/);
    for (const secret of [TOKEN, DB_PASSWORD, 'pässwörd ✓']) assert.ok(!run.stdout.includes(secret), secret);
    assert.ok(!run.stdout.includes('$ANSIBLE_VAULT'), 'no ciphertext used as a value');
  });

  it('the JSON output masks the secrets too', async (t) => {
    const dir = await tempProject(t, { 'p.yml': PLAYBOOK });
    const run = await runPlay(
      [path.join(dir, 'p.yml'), '--vault-password-file', fixture('password.txt'), '--output', 'json'],
      { fromSources: true },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.doc, 'json parsed');
    for (const secret of [TOKEN, DB_PASSWORD]) assert.ok(!run.stdout.includes(secret), secret);
    assert.match(run.stdout, /token has 39 characters/);
  });

  it('a wrong password exits 4 naming the vaulted file, and nothing runs', async (t) => {
    const dir = await tempProject(t, {
      'p.yml': `- hosts: localhost\n  vars_files: [${fixture('secrets.yml')}]\n  tasks:\n    - debug: {msg: hi}\n`,
    });
    const run = await runPlay([path.join(dir, 'p.yml'), '--vault-password-file', fixture('wrong.pass')], {
      fromSources: true,
    });
    assert.equal(run.code, 4);
    assert.match(
      run.stderr,
      /secrets\.yml:1:1: cannot decrypt this vault-encrypted file: wrong vault password: none of the given secrets \(tried ids: default\) opens it/,
    );
    assert.doesNotMatch(run.stdout, /PLAY|TASK/);
  });

  it('a wrong password for an inline value names file:line and the key', async (t) => {
    const dir = await tempProject(t, { 'p.yml': PLAYBOOK });
    const run = await runPlay([path.join(dir, 'p.yml'), '--vault-password-file', fixture('wrong.pass')], {
      fromSources: true,
    });
    assert.equal(run.code, 4);
    assert.match(
      run.stderr,
      /p\.yml:4:\d+: cannot decrypt the vaulted value of 'vars\.db_password': wrong vault password/,
    );
    assert.doesNotMatch(run.stdout, /PLAY|TASK/);
  });

  it('no vault password at all exits 4 and says how to give one', async (t) => {
    const dir = await tempProject(t, { 'p.yml': PLAYBOOK });
    const run = await runPlay([path.join(dir, 'p.yml')], { fromSources: true });
    assert.equal(run.code, 4);
    assert.match(
      run.stderr,
      /p\.yml:4:\d+: .*no vault secret was given; give one with --vault-password-file/,
    );
  });

  it('a missing vault id is named with the key and line of the value', async (t) => {
    const dir = await tempProject(t, {
      'p.yml': play(vaultBlock('prod_api_key'), '    - debug: {msg: "{{ length prod_api_key }}"}'),
    });
    const run = await runPlay([path.join(dir, 'p.yml'), '--vault-id', `dev@${fixture('dev.pass')}`], {
      fromSources: true,
    });
    assert.equal(run.code, 4);
    assert.match(
      run.stderr,
      /p\.yml:3:\d+: cannot decrypt the vaulted value of 'vars\.prod_api_key': it is encrypted for vault id 'prod', no secret was given for that id .*--vault-id prod@SOURCE/,
    );
  });

  it('--vault-password-file runs an executable and uses what it prints', async (t) => {
    const dir = await tempProject(t, { 'p.yml': PLAYBOOK });
    const run = await runPlay(
      [path.join(dir, 'p.yml'), '--vault-password-file', fixture('password-script.sh')],
      {
        fromSources: true,
      },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /token has 39 characters/);
  });

  it('--vault-id is repeatable: each 1.2 vault opens with the secret of its id', async (t) => {
    const dir = await tempProject(t, {
      'p.yml': play(
        vaultBlock('prod_api_key'),
        '    - debug: {msg: "dev {{ length env_token }} prod {{ length prod_api_key }} {{ env_token }} {{ prod_api_key }}"}',
        `  vars_files: [${fixture('dev.yml')}]\n`,
      ),
    });
    const run = await runPlay(
      [
        path.join(dir, 'p.yml'),
        '--vault-id',
        `dev@${fixture('dev.pass')}`,
        '--vault-id',
        `prod@${fixture('vault-pass-client.sh')}`,
      ],
      { fromSources: true },
    );
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /"msg": "dev 18 prod 21 \*{8} \*{8}"/);
    assert.ok(!run.stdout.includes(PROD_KEY));
  });

  it("mcsync.yaml's vault_identity_list and vault_password_file are read, paths relative to it", async (t) => {
    const dir = await tempProject(t, {
      'mcsync.yaml':
        'vault_password_file: secrets/password.txt\nvault_identity_list: [prod@secrets/prod.pass]\n',
      'p.yml': play(
        vaultBlock('prod_api_key'),
        '    - debug: {msg: "prod {{ length prod_api_key }} token {{ length cluster_token }}"}',
        `  vars_files: [${fixture('secrets.yml')}]\n`,
      ),
    });
    await mkdir(path.join(dir, 'secrets'));
    await copyFile(fixture('password.txt'), path.join(dir, 'secrets', 'password.txt'));
    await copyFile(fixture('prod.pass'), path.join(dir, 'secrets', 'prod.pass'));
    const run = await runPlay(['p.yml'], { fromSources: true, cwd: dir });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /"msg": "prod 21 token 39"/);
  });

  it('a vaulted inventory, a vaulted group_vars file, -e @vaulted-file and include_vars all decrypt', async (t) => {
    const dir = await tempProject(t, {
      'p.yml': [
        '- hosts: localhost',
        '  tasks:',
        `    - include_vars: ${fixture('prod.yml')}`,
        '    - debug: {msg: "included {{ length env_token }} extra {{ length cluster_token }}"}',
        '- hosts: clusters',
        '  tasks:',
        '    - debug: {msg: "group token {{ length token }} at {{ clusterhost }}"}',
        '',
      ].join('\n'),
    });
    const run = await runPlay(
      [
        path.join(dir, 'p.yml'),
        '-i',
        fixture('inventory.yml'),
        '-e',
        `@${fixture('secrets.yml')}`,
        '--vault-password-file',
        fixture('password.txt'),
        '--vault-id',
        `prod@${fixture('prod.pass')}`,
      ],
      { fromSources: true },
    );
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /"msg": "included 19 extra 39"/);
    // Every string of a vaulted file is a secret, the cluster URL too: vault only the secret vars.
    assert.match(run.stdout, /ok: \[east\] => \{\n\s+"msg": "group token 25 at \*{8}"/);
  });

  it('--ask-vault-pass without a terminal exits 5 naming the alternatives', async (t) => {
    const dir = await tempProject(t, { 'p.yml': PLAYBOOK });
    const run = await runPlay([path.join(dir, 'p.yml'), '--ask-vault-pass'], { fromSources: true });
    assert.equal(run.code, 5);
    assert.match(
      run.stderr,
      /stdin is not a terminal; use --vault-password-file FILE or --vault-id LABEL@FILE/,
    );
  });

  it('a decrypted value never shows in an error message, at load or in a failed task', async (t) => {
    const dir = await tempProject(t, {
      'load.yml': `- hosts: localhost\n  tasks:\n    - k8s:\n${vaultBlock('db_password', { as: 'state', indent: 8 })}\n`,
      'run.yml': play(vaultBlock('db_password'), '    - fail: {msg: "db is {{ db_password }}"}'),
    });
    const password = ['--vault-password-file', fixture('password.txt')];
    const load = await runPlay([path.join(dir, 'load.yml'), ...password], { fromSources: true });
    assert.equal(load.code, 4);
    assert.match(
      load.stderr,
      /load\.yml:4:\d+: argument 'state' of module 'k8s' must be one of .*; got "\*{8}"/,
    );
    const run = await runPlay([path.join(dir, 'run.yml'), ...password], { fromSources: true });
    assert.equal(run.code, 2);
    assert.match(run.stdout, /db is \*{8}/);
    for (const output of [load.stdout, load.stderr, run.stdout, run.stderr])
      assert.ok(!output.includes(DB_PASSWORD));
  });

  it('--help lists the vault flags', async () => {
    const run = await runPlay(['--help'], { fromSources: true });
    for (const flag of ['--vault-password-file FILE', '--vault-id [LABEL@]SOURCE', '--ask-vault-pass'])
      assert.ok(run.stdout.includes(flag), flag);
  });
});
