/**
 * The Ansible Vault text format and its AES256 cipher, decryption only, byte for byte as
 * ansible-core's `lib/ansible/parsing/vault/__init__.py` reads it:
 *
 *     $ANSIBLE_VAULT;1.1;AES256            (1.2 adds `;<vault-id>`)
 *     hex( hex(salt) "\n" hex(hmac) "\n" hex(ciphertext) ), in lines of 80
 *
 * Keys: PBKDF2-HMAC-SHA256(password, salt, 10000 iterations, 80 bytes) = AES key (32) + HMAC key
 * (32) + CTR counter block (16). The HMAC-SHA256 of the ciphertext is checked (constant time)
 * before AES-256-CTR decrypts it; PKCS#7 padding is then removed.
 */
import { createDecipheriv, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';

export const VAULT_HEADER = '$ANSIBLE_VAULT';

/** The vault id of a 1.1 envelope, of `--vault-password-file` and of `--ask-vault-pass`. */
export const DEFAULT_VAULT_ID = 'default';

const CIPHERS = new Set(['AES256']);
const ITERATIONS = 10000;
const KEY_LENGTH = 32;
const IV_LENGTH = 16;

/** A vault envelope with its header read and its body still hex. */
export interface VaultEnvelope {
  /** `1.1` or `1.2` (as written; Ansible does not check it). */
  version: string;
  cipher: string;
  /** The 1.2 header's id; `default` for 1.1. Not authenticated: only a hint which secret fits. */
  vaultId: string;
  /** The outer hex, lines joined. */
  body: string;
}

/** The text is not a well-formed vault (not a password problem: no password can open it). */
export class VaultFormatError extends Error {}

/** True when `text` is vault data: it starts with `$ANSIBLE_VAULT`, as Ansible's `is_encrypted`. */
export function isVaultText(text: string): boolean {
  return text.startsWith(VAULT_HEADER);
}

/** Reads the header line and joins the body lines (Ansible's `parse_vaulttext_envelope`). */
export function parseVaultEnvelope(text: string): VaultEnvelope {
  if (!isVaultText(text)) throw new VaultFormatError(`does not start with ${VAULT_HEADER}`);
  const lines = text.split(/\r\n|\r|\n/);
  const header = (lines[0] ?? '').trim().split(';');
  const version = header[1]?.trim();
  const cipher = header[2]?.trim();
  if (!version || !cipher) throw new VaultFormatError(`header '${lines[0]}' lacks a version or a cipher`);
  if (!CIPHERS.has(cipher)) throw new VaultFormatError(`cipher '${cipher}' is not supported (only AES256)`);
  const vaultId = header.length >= 4 ? (header[3] ?? '').trim() : DEFAULT_VAULT_ID;
  return { version, cipher, vaultId, body: lines.slice(1).join('') };
}

/**
 * Decrypts an envelope with one password. Returns the plaintext, or `undefined` when the HMAC
 * does not match (the wrong password, or changed data). Throws VaultFormatError for bad hex or
 * structure, whatever the password.
 */
export function decryptEnvelope(envelope: VaultEnvelope, password: Buffer): Buffer | undefined {
  const { salt, hmac, ciphertext } = splitBody(envelope.body);
  const derived = pbkdf2Sync(password, salt, ITERATIONS, 2 * KEY_LENGTH + IV_LENGTH, 'sha256');
  const cipherKey = derived.subarray(0, KEY_LENGTH);
  const hmacKey = derived.subarray(KEY_LENGTH, 2 * KEY_LENGTH);
  const iv = derived.subarray(2 * KEY_LENGTH);
  const actual = createHmac('sha256', hmacKey).update(ciphertext).digest();
  if (actual.length !== hmac.length || !timingSafeEqual(actual, hmac)) return undefined;
  const decipher = createDecipheriv('aes-256-ctr', cipherKey, iv);
  return unpad(Buffer.concat([decipher.update(ciphertext), decipher.final()]));
}

/** Ansible's `_parse_vaulttext`: unhex the body, split it in three, unhex each part. */
function splitBody(body: string): { salt: Buffer; hmac: Buffer; ciphertext: Buffer } {
  const inner = unhex(body, 'body').toString('latin1');
  const first = inner.indexOf('\n');
  const second = first < 0 ? -1 : inner.indexOf('\n', first + 1);
  if (second < 0) throw new VaultFormatError('body is not salt, hmac and ciphertext on three lines');
  return {
    salt: unhex(inner.slice(0, first), 'salt'),
    hmac: unhex(inner.slice(first + 1, second), 'hmac'),
    ciphertext: unhex(inner.slice(second + 1), 'ciphertext'),
  };
}

/** Strict hex, as Python's `unhexlify`: even length, hex digits only (no spaces). */
function unhex(text: string, part: string): Buffer {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text))
    throw new VaultFormatError(`${part} is not hexadecimal`);
  return Buffer.from(text, 'hex');
}

/** Removes PKCS#7 padding (block 16), checking it as `cryptography`'s unpadder does. */
function unpad(padded: Buffer): Buffer {
  const count = padded[padded.length - 1] ?? 0;
  const valid =
    padded.length % IV_LENGTH === 0 &&
    count >= 1 &&
    count <= IV_LENGTH &&
    padded.subarray(padded.length - count).every((byte) => byte === count);
  if (!valid) throw new VaultFormatError('invalid padding after decryption');
  return padded.subarray(0, padded.length - count);
}
