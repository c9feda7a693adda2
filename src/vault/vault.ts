/**
 * The vault keyring of one run: the secrets given on the command line and in mcsync.yaml, the rule
 * that picks which of them may open a vault, and the plaintexts it revealed, which are secrets
 * themselves (renderers mask them, error messages are masked with them).
 */
import { LoadError, LoadErrors } from '../errors.ts';
import { maskSecrets } from '../report/mask.ts';
import { decryptEnvelope, parseVaultEnvelope, VaultFormatError } from './vault-format.ts';
import type { VaultEnvelope } from './vault-format.ts';
import type { VaultDecrypter, VaultWhere } from '../model/vault-decrypter.ts';

/** One vault secret: a password and the vault id (label) it was given for. */
export interface VaultSecret {
  vaultId: string;
  password: Buffer;
  /** Where it came from, for messages: `file /path`, `script /path`, `prompt`. Never the password. */
  source: string;
}

export type { VaultDecrypter, VaultWhere } from '../model/vault-decrypter.ts';

export interface VaultOptions {
  /** Ansible's `vault_id_match`: try only the secret whose id the 1.2 header names. */
  idMatch?: boolean;
}

/**
 * Strings shorter than this are not masked: masking `on` or `42` everywhere would garble every
 * line of output, and a value that short protects nothing.
 */
const MIN_SECRET_LENGTH = 4;

const HOW_TO_GIVE =
  'give one with --vault-password-file FILE, --vault-id LABEL@SOURCE or --ask-vault-pass' +
  ' (or vault_password_file / vault_identity_list in mcsync.yaml)';

/** The keyring. Without secrets it still reads plain YAML; vault data then fails to load. */
export class Vault implements VaultDecrypter {
  readonly #secrets: readonly VaultSecret[];
  readonly #idMatch: boolean;
  readonly #revealed = new Set<string>();
  readonly #listeners: ((secret: string) => void)[] = [];

  constructor(secrets: readonly VaultSecret[] = [], options: VaultOptions = {}) {
    this.#secrets = secrets;
    this.#idMatch = options.idMatch ?? false;
  }

  /** The vault ids given, in the order they are tried. */
  ids(): string[] {
    return this.#secrets.map((secret) => secret.vaultId);
  }

  decrypt(text: string, where: VaultWhere): string {
    const what =
      where.key === undefined ? 'this vault-encrypted file' : `the vaulted value of '${where.key}'`;
    const fail = (why: string): LoadError =>
      new LoadError(`cannot decrypt ${what}: ${why}`, { location: where.location, key: where.key });
    let envelope: VaultEnvelope;
    try {
      envelope = parseVaultEnvelope(text);
    } catch (error) {
      throw fail(`malformed vault data: ${(error as Error).message}`);
    }
    if (this.#secrets.length === 0) throw fail(`no vault secret was given; ${HOW_TO_GIVE}`);
    const candidates = this.#candidates(envelope.vaultId);
    if (candidates.length === 0)
      throw fail(
        `no secret for vault id '${envelope.vaultId}' (given: ${this.ids().join(', ')});` +
          ' vault_id_match is on, so no other secret is tried',
      );
    for (const secret of candidates) {
      let plain: Buffer | undefined;
      try {
        plain = decryptEnvelope(envelope, secret.password);
      } catch (error) {
        if (error instanceof VaultFormatError) throw fail(`malformed vault data: ${error.message}`);
        throw error;
      }
      if (plain !== undefined) return plain.toString('utf8');
    }
    throw fail(this.#whyNone(envelope.vaultId, candidates));
  }

  conceal(value: unknown): void {
    if (typeof value === 'string') this.#reveal(value);
    else if (Array.isArray(value)) for (const item of value) this.conceal(item);
    else if (typeof value === 'object' && value !== null)
      for (const item of Object.values(value)) this.conceal(item);
  }

  /** Calls `listener` with every secret revealed so far and with each one revealed later. */
  onSecret(listener: (secret: string) => void): void {
    for (const secret of this.#revealed) listener(secret);
    this.#listeners.push(listener);
  }

  /** The plaintexts revealed so far (and their parts that are masked on their own). */
  revealed(): string[] {
    return [...this.#revealed];
  }

  /** `text` with every revealed secret replaced by `********`. */
  mask(text: string): string {
    return this.#revealed.size === 0 ? text : maskSecrets(text, this.revealed());
  }

  /** Masks every revealed secret in an error's message (and in each error of a LoadErrors). */
  maskError<T>(error: T): T {
    if (this.#revealed.size === 0 || !(error instanceof Error)) return error;
    error.message = this.mask(error.message);
    if (error instanceof LoadErrors)
      for (const inner of error.errors) inner.message = this.mask(inner.message);
    return error;
  }

  /**
   * Ansible's order: with a header id, the secrets of that id first, then (unless `idMatch`) every
   * other secret in the order given. The id is not authenticated, so any secret that passes the
   * HMAC check is the right one.
   */
  #candidates(vaultId: string): VaultSecret[] {
    const matching = this.#secrets.filter((secret) => secret.vaultId === vaultId);
    if (this.#idMatch) return matching;
    return [...matching, ...this.#secrets.filter((secret) => secret.vaultId !== vaultId)];
  }

  #whyNone(vaultId: string, tried: readonly VaultSecret[]): string {
    const ids = [...new Set(tried.map((secret) => secret.vaultId))].join(', ');
    if (!tried.some((secret) => secret.vaultId === vaultId))
      return (
        `it is encrypted for vault id '${vaultId}', no secret was given for that id and none of` +
        ` the others (${ids}) opens it; give it with --vault-id ${vaultId}@SOURCE`
      );
    return `wrong vault password: none of the given secrets (tried ids: ${ids}) opens it`;
  }

  #reveal(value: string): void {
    const parts = [value, value.trim(), ...value.split(/\r?\n/).map((line) => line.trim())];
    const base64 = Buffer.from(value.trim(), 'utf8').toString('base64');
    for (const part of [...parts, base64]) {
      if (part.length < MIN_SECRET_LENGTH || this.#revealed.has(part)) continue;
      this.#revealed.add(part);
      for (const listener of this.#listeners) listener(part);
    }
  }
}
