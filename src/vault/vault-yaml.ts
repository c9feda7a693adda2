/**
 * Vault data inside YAML: a whole file made by `ansible-vault encrypt`, and `!vault` (or
 * `!vault-encrypted`) scalars made by `ansible-vault encrypt_string`. Both are decrypted at load,
 * so a missing or wrong password fails before anything runs, at the file and line of the value.
 * An untagged string that merely starts with `$ANSIBLE_VAULT` stays a string, as in Ansible.
 */
import { isMap, isPair, isScalar, isSeq, visit } from 'yaml';
import type { Document, Node } from 'yaml';
import { LoadError } from '../errors.ts';
import type { SourceLocation } from '../errors.ts';
import type { VaultDecrypter } from './vault.ts';

const VAULT_TAGS = new Set(['!vault', '!vault-encrypted']);

/**
 * Replaces the value of every `!vault` scalar of `doc` by its plaintext (a string, whatever it
 * looks like, as Ansible's AnsibleVaultEncryptedUnicode). `at` turns an offset into a location.
 */
export function decryptVaultedScalars(
  doc: Document,
  vault: VaultDecrypter,
  at: (offset: number) => SourceLocation,
): void {
  visit(doc, (_key, node, path) => {
    if (!isVaultTagged(node)) return undefined;
    const location = at(node.range?.[0] ?? 0);
    const key = dottedKey(path, node);
    if (!isScalar(node) || typeof node.value !== 'string') {
      throw new LoadError(
        `'${key || '!vault'}': !vault must tag a string made by ansible-vault encrypt_string`,
        {
          location,
          key,
        },
      );
    }
    node.value = vault.decrypt(node.value, { location, ...(key === '' ? {} : { key }) });
    vault.conceal(node.value);
    node.tag = undefined;
    return undefined;
  });
}

function isVaultTagged(node: unknown): node is Node {
  return (isScalar(node) || isMap(node) || isSeq(node)) && node.tag !== undefined && VAULT_TAGS.has(node.tag);
}

/**
 * `vars.db_password` or `users[1].password`: the keys and indexes from the document root down,
 * without the leading index of a list at the root (a playbook's play, a task file's task).
 */
function dottedKey(path: readonly unknown[], node: unknown): string {
  let key = '';
  const chain = [...path, node];
  for (let i = 0; i < chain.length - 1; i++) {
    const parent = chain[i];
    const child = chain[i + 1];
    if (isPair(parent) && child === parent.value) {
      const name = isScalar(parent.key) ? String(parent.key.value) : '?';
      key = key === '' ? name : `${key}.${name}`;
    } else if (isSeq(parent)) {
      key = `${key}[${parent.items.indexOf(child as never)}]`;
    }
  }
  return key.replace(/^\[\d+\]\.?/, '');
}
