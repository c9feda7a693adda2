// The contract between the YAML reader, modules that read files at run time (include_vars) and
// the vault keyring in src/vault, which implements it.
import type { SourceLocation } from '../errors.ts';

/** Where vault data was found: the whole file (its first line) or a `!vault` value and its key. */
export interface VaultWhere {
  location: SourceLocation;
  /** The dotted key of an inline value (`vars.db_password`); absent for a whole file. */
  key?: string;
}

/** What the YAML reader needs: decrypt vault text, and register values read from it as secrets. */
export interface VaultDecrypter {
  /**
   * The plaintext of vault text found at `where`; a LoadError there when no secret opens it. The
   * caller registers what it reads from the plaintext with `conceal`.
   */
  decrypt(text: string, where: VaultWhere): string;
  /** Registers every string inside `value` (a decrypted value or file) as a secret. */
  conceal(value: unknown): void;
}
