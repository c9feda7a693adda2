/**
 * The vault flags `mcsync play` and `mcsync observe --playbook` share, with ansible-playbook's
 * names and aliases. src/project/project-vault.ts turns them (and mcsync.yaml) into an open Vault.
 */
import type { VaultFlags } from '../project/project-vault.ts';

export type { VaultFlags };

/** node:util parseArgs definitions of the vault flags. */
export const VAULT_PARSE_OPTIONS = {
  'vault-id': { type: 'string', multiple: true },
  'vault-password-file': { type: 'string', multiple: true },
  'vault-pass-file': { type: 'string', multiple: true },
  'ask-vault-pass': { type: 'boolean' },
  'ask-vault-password': { type: 'boolean' },
} as const;

/** The lines of --help that describe them (same column layout as the other options). */
export const VAULT_HELP = `      --vault-password-file FILE
                           vault password: FILE's content, or its output when FILE is executable
      --vault-id [LABEL@]SOURCE
                           a vault secret for LABEL (default 'default'); SOURCE is a file, an
                           executable or 'prompt' (repeatable)
      --ask-vault-pass     ask for the vault password on the terminal`;

interface VaultValues {
  'vault-id'?: string[] | undefined;
  'vault-password-file'?: string[] | undefined;
  'vault-pass-file'?: string[] | undefined;
  'ask-vault-pass'?: boolean | undefined;
  'ask-vault-password'?: boolean | undefined;
}

/** The vault flags out of parseArgs values. */
export function vaultFlags(values: VaultValues): VaultFlags {
  return {
    vaultIds: values['vault-id'] ?? [],
    vaultPasswordFiles: [...(values['vault-password-file'] ?? []), ...(values['vault-pass-file'] ?? [])],
    askVaultPass: (values['ask-vault-pass'] ?? false) || (values['ask-vault-password'] ?? false),
  };
}
