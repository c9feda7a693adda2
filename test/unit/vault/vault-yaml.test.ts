import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LoadError } from '../../../src/errors.ts';
import { loadInventory } from '../../../src/inventory/index.ts';
import { loadVarsFile } from '../../../src/load/index.ts';
import { parseYaml } from '../../../src/shared/yaml-source.ts';
import { Vault } from '../../../src/vault/index.ts';
import type { VaultSecret } from '../../../src/vault/index.ts';
import { repoRoot } from '../../support/play.ts';

const fixtures = join(repoRoot, 'test', 'fixtures', 'vault');
const read = (name: string): string => readFileSync(join(fixtures, name), 'utf8');
const secret = (vaultId: string, file: string): VaultSecret => ({
  vaultId,
  password: Buffer.from(read(file).trim()),
  source: file,
});
/** Matches a LoadError as users see it: `file:line:col: message`. */
const describes =
  (pattern: RegExp) =>
  (error: unknown): boolean =>
    error instanceof LoadError && pattern.test(error.describe());
const keyring = (): Vault => new Vault([secret('default', 'password.txt'), secret('prod', 'prod.pass')]);

describe('vault in YAML: inline !vault values', () => {
  it('decrypts every !vault value in place as a string and leaves plain values alone', () => {
    const source = parseYaml(read('inline.yml'), 'inline.yml', { vault: keyring() });
    assert.deepEqual(source.value, {
      db_user: 'app_admin',
      db_password: 'hunter2-vaulted-db-password',
      prod_api_key: 'prod-api-key-dddddddd',
      db_host: 'db.internal',
    });
  });

  it('works nested in lists and mappings, through anchors, and with the !vault-encrypted tag', () => {
    const block = read('inline.yml').split('db_password: !vault |\n')[1]!.split('prod_api_key')[0]!;
    const text = `play:\n  users:\n    - name: a\n      password: &pw !vault-encrypted |\n${block.replace(/^ {10}/gm, '          ')}  again: *pw\n`;
    const vault = keyring();
    const value = parseYaml(text, 'nested.yml', { vault }).value as {
      play: { users: { password: string }[]; again: string };
    };
    assert.equal(value.play.users[0]!.password, 'hunter2-vaulted-db-password');
    assert.equal(value.play.again, 'hunter2-vaulted-db-password');
    assert.ok(vault.revealed().includes('hunter2-vaulted-db-password'));
  });

  it('a wrong password names file:line and the key of the value', () => {
    const vault = new Vault([secret('default', 'wrong.pass'), secret('prod', 'prod.pass')]);
    assert.throws(
      () => parseYaml(read('inline.yml'), 'group_vars/all.yml', { vault }),
      (error: LoadError) =>
        error instanceof LoadError &&
        error.key === 'db_password' &&
        /^group_vars\/all\.yml:3:\d+: cannot decrypt the vaulted value of 'db_password': wrong vault password/.test(
          error.describe(),
        ),
    );
  });

  it('a value whose vault id has no secret names the id, the key and the line', () => {
    const vault = new Vault([secret('default', 'password.txt')]);
    assert.throws(
      () => parseYaml(read('inline.yml'), 'inline.yml', { vault }),
      describes(
        /^inline\.yml:10:\d+: cannot decrypt the vaulted value of 'prod_api_key': it is encrypted for vault id 'prod'/,
      ),
    );
  });

  it('without a vault, a !vault value is a load error, not its ciphertext', () => {
    assert.throws(
      () => parseYaml(read('inline.yml'), 'inline.yml'),
      describes(/inline\.yml:3:\d+: .*no vault secret was given/),
    );
  });

  it('!vault on a mapping is refused; an untagged $ANSIBLE_VAULT string stays a plain string', () => {
    assert.throws(
      () => parseYaml('a: !vault {b: 1}\n', 'x.yml', { vault: keyring() }),
      describes(/x\.yml:1:\d+: 'a': !vault must tag a string/),
    );
    const plain = parseYaml('a: "$ANSIBLE_VAULT;1.1;AES256 not really"\n', 'x.yml').value as { a: string };
    assert.equal(plain.a, '$ANSIBLE_VAULT;1.1;AES256 not really');
  });
});

describe('vault in YAML: whole files', () => {
  it('a vaulted vars file loads as its plaintext, and every string in it becomes a secret', async () => {
    const vault = keyring();
    const vars = await loadVarsFile(join(fixtures, 'secrets.yml'), vault);
    assert.equal(vars['cluster_token'], 'sha256~vaulted-cluster-token-0123456789');
    assert.equal(vars['replicas'], 3);
    assert.ok(vault.revealed().includes('sha256~vaulted-cluster-token-0123456789'));
    assert.ok(vault.revealed().includes('pässwörd ✓'));
  });

  it('a vaulted vars file without a password is refused at file:1', async () => {
    await assert.rejects(loadVarsFile(join(fixtures, 'secrets.yml')), (error: LoadError) =>
      /secrets\.yml:1:1: cannot decrypt this vault-encrypted file: no vault secret/.test(error.describe()),
    );
  });

  it('a vaulted inventory and a vaulted group_vars file beside it load as in Ansible', async () => {
    const vault = keyring();
    const inventory = await loadInventory([join(fixtures, 'inventory.yml')], { vault });
    assert.deepEqual(inventory.hostNames(), ['east']);
    const vars = inventory.hostVars('east');
    assert.equal(vars['token'], 'group-vars-token-cccccccc');
    assert.equal(vars['clusterhost'], 'https://api.vaulted.example:6443');
    assert.ok(vault.revealed().includes('group-vars-token-cccccccc'));
  });

  it('a vaulted INI inventory is decrypted before its format is detected', async () => {
    const vault = keyring();
    const inventory = await loadInventory([join(fixtures, 'hosts')], { vault });
    assert.equal(inventory.hostVars('east')['token'], 'ini-secret-token-eeee');
    assert.ok(vault.revealed().includes('ini-secret-token-eeee'));
  });
});
