/**
 * Ansible Vault, decryption only: the AES256 vault format (1.1 and 1.2 envelopes), the password
 * sources (`--vault-password-file`, `--vault-id`, `--ask-vault-pass`, mcsync.yaml) and the keyring
 * the YAML reader decrypts whole files and `!vault` values with. `ansible-vault` stays the tool
 * that encrypts.
 */
export { Vault } from './vault.ts';
export type { VaultDecrypter, VaultSecret, VaultWhere } from './vault.ts';
export { expandHome, openVault, splitVaultId } from './vault-secrets.ts';
export type { VaultSecretsIO, VaultSources } from './vault-secrets.ts';
export { promptHidden } from './vault-prompt.ts';
export { decryptVaultedScalars } from './vault-yaml.ts';
export {
  DEFAULT_VAULT_ID,
  decryptEnvelope,
  isVaultText,
  parseVaultEnvelope,
  VaultFormatError,
} from './vault-format.ts';
