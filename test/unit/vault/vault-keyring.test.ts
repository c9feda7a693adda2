import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LoadError, LoadErrors } from '../../../src/errors.ts';
import { Vault } from '../../../src/vault/index.ts';
import type { VaultSecret } from '../../../src/vault/index.ts';
import { repoRoot } from '../../support/play.ts';

const fixtures = join(repoRoot, 'test', 'fixtures', 'vault');
const read = (name: string): string => readFileSync(join(fixtures, name), 'utf8');
const secret = (vaultId: string, file: string): VaultSecret => ({
  vaultId,
  password: Buffer.from(read(file).trim()),
  source: `file ${file}`,
});
const where = { location: { file: 'vars/prod.yml', line: 1, column: 1 } };

describe('vault keyring: which secret opens which vault (ansible-core 2.14 rules)', () => {
  it('opens a 1.2 vault with the secret of its id', () => {
    const vault = new Vault([secret('dev', 'dev.pass'), secret('prod', 'prod.pass')]);
    assert.equal(vault.decrypt(read('prod.yml'), where), 'env_token: prod-token-bbbbbbbb\n');
    assert.equal(vault.decrypt(read('dev.yml'), where), 'env_token: dev-token-aaaaaaaa\n');
  });

  it('tries every other secret when the id does not match (the id is only a hint)', () => {
    const vault = new Vault([secret('dev', 'dev.pass'), secret('ops', 'prod.pass')]);
    assert.equal(vault.decrypt(read('prod.yml'), where), 'env_token: prod-token-bbbbbbbb\n');
    assert.equal(
      new Vault([secret('dev', 'password.txt')]).decrypt(read('secrets.yml'), where).length > 0,
      true,
    );
  });

  it('with vault_id_match only the secret of the named id is tried', () => {
    const vault = new Vault([secret('ops', 'prod.pass')], { idMatch: true });
    assert.throws(
      () => vault.decrypt(read('prod.yml'), where),
      (error: LoadError) =>
        error instanceof LoadError &&
        /no secret for vault id 'prod' \(given: ops\); vault_id_match is on/.test(error.message),
    );
  });

  it('a missing id is named, with how to give it; the location is the file', () => {
    const vault = new Vault([secret('dev', 'dev.pass')]);
    assert.throws(
      () => vault.decrypt(read('prod.yml'), where),
      (error: LoadError) =>
        error.describe() ===
        "vars/prod.yml:1:1: cannot decrypt this vault-encrypted file: it is encrypted for vault id 'prod'," +
          ' no secret was given for that id and none of the others (dev) opens it; give it with --vault-id prod@SOURCE',
    );
  });

  it('a wrong password says so and names the ids tried; an inline value names its key', () => {
    const vault = new Vault([secret('default', 'wrong.pass')]);
    const inline = { location: { file: 'group_vars/all.yml', line: 7, column: 14 }, key: 'vars.db_password' };
    assert.throws(
      () => vault.decrypt(read('secrets.yml'), inline),
      (error: LoadError) =>
        error.key === 'vars.db_password' &&
        error.describe() ===
          "group_vars/all.yml:7:14: cannot decrypt the vaulted value of 'vars.db_password': wrong vault password:" +
            ' none of the given secrets (tried ids: default) opens it',
    );
  });

  it('without any secret, vault data is a load error saying how to give one', () => {
    assert.throws(
      () => new Vault().decrypt(read('secrets.yml'), where),
      /no vault secret was given; give one with --vault-password-file FILE, --vault-id LABEL@SOURCE or --ask-vault-pass/,
    );
  });

  it('malformed vault data is reported as such, whatever the password', () => {
    const vault = new Vault([secret('default', 'password.txt')]);
    assert.throws(
      () => vault.decrypt('$ANSIBLE_VAULT;1.1;AES256\nnot hex\n', where),
      /malformed vault data: body is not hexadecimal/,
    );
  });
});

describe('vault keyring: revealed values are secrets', () => {
  it('registers strings, their lines and their base64 form; numbers and short strings are not masked', () => {
    const vault = new Vault();
    const seen: string[] = [];
    vault.conceal({
      token: 'abcd-token',
      n: 42,
      flag: true,
      short: 'no',
      cert: '-----BEGIN-----\nMIIBfake\n',
    });
    vault.onSecret((value) => seen.push(value));
    vault.conceal(['later-secret']);
    for (const value of [
      'abcd-token',
      'MIIBfake',
      '-----BEGIN-----',
      Buffer.from('abcd-token').toString('base64'),
    ])
      assert.ok(vault.revealed().includes(value), value);
    assert.ok(!vault.revealed().includes('no'));
    assert.ok(!vault.revealed().includes('42'));
    assert.ok(seen.includes('abcd-token') && seen.includes('later-secret'), 'replayed, then live');
  });

  it('masks revealed secrets in error messages, nested load errors included', () => {
    const vault = new Vault();
    vault.conceal('sha256~token-value');
    const inner = new LoadError('ansible_port must be an integer, got sha256~token-value');
    const errors = vault.maskError(new LoadErrors([inner]));
    assert.equal(errors.message, 'ansible_port must be an integer, got ********');
    assert.equal(inner.message, 'ansible_port must be an integer, got ********');
    assert.equal(vault.mask('x sha256~token-value y'), 'x ******** y');
  });
});
