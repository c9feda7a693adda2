/**
 * Opens the vault of a project run: the vault flags plus mcsync.yaml's keys, read in
 * ansible-playbook's order, and masks revealed secrets in the errors a run throws. `mcsync play`
 * and `mcsync observe --playbook` both open it here.
 */
import { promptHidden, openVault } from '../vault/index.ts';
import type { Vault, VaultSources } from '../vault/index.ts';
import type { ProjectConfig } from './project-config.ts';

/** The vault password sources as given on the command line (ansible-playbook's flags). */
export interface VaultFlags {
  /** `--vault-id [label@]source`, repeatable, in order. */
  vaultIds: string[];
  /** `--vault-password-file` / `--vault-pass-file`, repeatable. */
  vaultPasswordFiles: string[];
  /** `--ask-vault-pass` / `--ask-vault-password`. */
  askVaultPass: boolean;
}

export interface VaultIO {
  cwd: string;
  stderr: NodeJS.WritableStream;
  /** The terminal a prompt reads (default: process.stdin). */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
}

/** Runs `body`; an error it throws leaves with every revealed vault secret masked in its message. */
export async function withSecretsMasked<T>(vault: Vault, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    throw vault.maskError(error);
  }
}

/**
 * Reads every vault password source, in ansible-playbook's order: mcsync.yaml's
 * `vault_identity_list`, `--vault-id`, `--vault-password-file`, mcsync.yaml's
 * `vault_password_file`, `--ask-vault-pass`. No source at all gives an empty Vault.
 */
export async function openProjectVault(
  flags: VaultFlags,
  config: Pick<ProjectConfig, 'vaultPasswordFile' | 'vaultIdentityList' | 'vaultIdMatch'>,
  io: VaultIO,
): Promise<Vault> {
  const sources: VaultSources = {
    vaultIds: [...config.vaultIdentityList, ...flags.vaultIds],
    passwordFiles: [
      ...flags.vaultPasswordFiles,
      ...(config.vaultPasswordFile === undefined ? [] : [config.vaultPasswordFile]),
    ],
    askVaultPass: flags.askVaultPass,
    idMatch: config.vaultIdMatch ?? false,
  };
  const input = io.stdin ?? process.stdin;
  return openVault(sources, {
    cwd: io.cwd,
    stderr: io.stderr,
    prompt: (question) => promptHidden(question, { input, output: io.stderr }),
  });
}
