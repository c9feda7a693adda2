import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  decryptEnvelope,
  isVaultText,
  parseVaultEnvelope,
  VaultFormatError,
} from '../../../src/vault/index.ts';
import { repoRoot } from '../../support/play.ts';

const fixtures = join(repoRoot, 'test', 'fixtures', 'vault');
const read = (name: string): string => readFileSync(join(fixtures, name), 'utf8');
const password = (name: string): Buffer => Buffer.from(read(name).trim(), 'utf8');

/** The `!vault |` block of `key` in inline.yml, as encrypt_string printed it (indentation removed). */
function inlineCiphertext(key: string): string {
  const text = read('inline.yml').replace(/!vault \|/g, '|');
  return (parse(text) as Record<string, string>)[key]!;
}

describe('vault format: files and strings made by ansible-vault 2.14', () => {
  it('decrypts a 1.1 file encrypted with a password file, UTF-8 and multi-line values intact', () => {
    const envelope = parseVaultEnvelope(read('secrets.yml'));
    assert.equal(envelope.version, '1.1');
    assert.equal(envelope.cipher, 'AES256');
    assert.equal(envelope.vaultId, 'default');
    const plain = decryptEnvelope(envelope, password('password.txt'))!.toString('utf8');
    const vars = parse(plain) as Record<string, unknown>;
    assert.equal(vars['cluster_token'], 'sha256~vaulted-cluster-token-0123456789');
    assert.equal(vars['registry_password'], 'pässwörd ✓');
    assert.equal(vars['replicas'], 3);
    assert.match(String(vars['ca_bundle']), /^-----BEGIN CERTIFICATE-----\n.*\n-----END CERTIFICATE-----\n$/);
  });

  it('reads the vault id of 1.2 headers and decrypts each with its own password', () => {
    const dev = parseVaultEnvelope(read('dev.yml'));
    const prod = parseVaultEnvelope(read('prod.yml'));
    assert.deepEqual([dev.version, dev.vaultId, prod.version, prod.vaultId], ['1.2', 'dev', '1.2', 'prod']);
    assert.equal(decryptEnvelope(dev, password('dev.pass'))!.toString(), 'env_token: dev-token-aaaaaaaa\n');
    assert.equal(
      decryptEnvelope(prod, password('prod.pass'))!.toString(),
      'env_token: prod-token-bbbbbbbb\n',
    );
  });

  it('decrypts encrypt_string values, with and without a vault id', () => {
    const db = parseVaultEnvelope(inlineCiphertext('db_password'));
    assert.equal(decryptEnvelope(db, password('password.txt'))!.toString(), 'hunter2-vaulted-db-password');
    const key = parseVaultEnvelope(inlineCiphertext('prod_api_key'));
    assert.equal(key.vaultId, 'prod');
    assert.equal(decryptEnvelope(key, password('prod.pass'))!.toString(), 'prod-api-key-dddddddd');
  });

  it('a wrong password fails the HMAC check: no plaintext at all', () => {
    const envelope = parseVaultEnvelope(read('secrets.yml'));
    assert.equal(decryptEnvelope(envelope, password('wrong.pass')), undefined);
    assert.equal(decryptEnvelope(parseVaultEnvelope(read('prod.yml')), password('dev.pass')), undefined);
  });

  it('changed ciphertext fails the HMAC check even with the right password', () => {
    const envelope = parseVaultEnvelope(read('secrets.yml'));
    const inner = Buffer.from(envelope.body, 'hex').toString('latin1').split('\n');
    const cipher = inner[2]!;
    inner[2] = (cipher[0] === '0' ? '1' : '0') + cipher.slice(1);
    const tampered = { ...envelope, body: Buffer.from(inner.join('\n'), 'latin1').toString('hex') };
    assert.equal(decryptEnvelope(tampered, password('password.txt')), undefined);
  });

  it('refuses what is not vault data, unknown ciphers and bad hex with a format error', () => {
    assert.equal(isVaultText('plain: yaml\n'), false);
    assert.equal(isVaultText(read('secrets.yml')), true);
    assert.throws(() => parseVaultEnvelope('$ANSIBLE_VAULT;1.1;AES\n00\n'), /cipher 'AES' is not supported/);
    assert.throws(() => parseVaultEnvelope('$ANSIBLE_VAULT\n00\n'), VaultFormatError);
    const bad = parseVaultEnvelope('$ANSIBLE_VAULT;1.1;AES256\nzz\n');
    assert.throws(() => decryptEnvelope(bad, Buffer.from('x')), /body is not hexadecimal/);
    const twoParts = parseVaultEnvelope(
      `$ANSIBLE_VAULT;1.1;AES256\n${Buffer.from('00\n00').toString('hex')}\n`,
    );
    assert.throws(() => decryptEnvelope(twoParts, Buffer.from('x')), /three lines/);
  });

  it('accepts CRLF line ends, as Python splitlines does', () => {
    const envelope = parseVaultEnvelope(read('dev.yml').replace(/\n/g, '\r\n'));
    assert.equal(
      decryptEnvelope(envelope, password('dev.pass'))!.toString(),
      'env_token: dev-token-aaaaaaaa\n',
    );
  });
});
