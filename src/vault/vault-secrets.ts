/**
 * Where vault passwords come from, read as ansible-core 2.14's `setup_vault_secrets` reads them:
 * `vault_identity_list`, then each `--vault-id`, then each `--vault-password-file`, then
 * mcsync.yaml's `vault_password_file`, then `--ask-vault-pass`. A source is `prompt`, a file (its
 * content, whitespace stripped) or an executable (run with no arguments; its stdout is the
 * password). An executable named `*-client` (or `*-client.EXT`) is a client script: it is run with
 * `--vault-id LABEL` and exit code 2 means it knows no password for that label. Passwords never go
 * on a command line. A file or script that fails is a warning while another source works, as in
 * Ansible; a prompt that fails is an error.
 */
import { spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, extname, resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import { Vault } from './vault.ts';
import type { VaultSecret } from './vault.ts';
import { DEFAULT_VAULT_ID, isVaultText } from './vault-format.ts';

/** Every password source of a run, as written (paths relative to `cwd`). */
export interface VaultSources {
  /** `[label@]source` entries: mcsync.yaml's `vault_identity_list` first, then each `--vault-id`. */
  vaultIds: readonly string[];
  /** `--vault-password-file` values, then mcsync.yaml's `vault_password_file`. */
  passwordFiles: readonly string[];
  askVaultPass: boolean;
  /** mcsync.yaml's `vault_id_match`. */
  idMatch?: boolean;
}

/** Output of a password script. */
export interface ScriptOutput {
  exitCode: number;
  stdout: Buffer;
  stderr: string;
}

export interface VaultSecretsIO {
  cwd: string;
  /** Warnings about sources that could not be read go here. */
  stderr: NodeJS.WritableStream;
  /** Asks for a password without echo (see vault-prompt.ts); rejects when there is no terminal. */
  prompt(question: string): Promise<string>;
  /** Runs a password script; defaults to spawning it (stderr to the terminal unless captured). */
  runScript?: (argv: readonly string[], cwd: string, captureStderr: boolean) => Promise<ScriptOutput>;
}

const PROMPTS = new Set(['prompt', 'prompt_ask_vault_pass']);

/**
 * Reads every source and returns the keyring (empty when no source is given). Throws UsageError
 * (exit 5) when a prompt fails or when sources were given and none of them could be read.
 */
export async function openVault(sources: VaultSources, io: VaultSecretsIO): Promise<Vault> {
  const slugs = [
    ...sources.vaultIds,
    ...sources.passwordFiles.map((file) => `${DEFAULT_VAULT_ID}@${file}`),
    ...(sources.askVaultPass ? [`${DEFAULT_VAULT_ID}@prompt_ask_vault_pass`] : []),
  ];
  const secrets: VaultSecret[] = [];
  let lastError: UsageError | undefined;
  for (const slug of slugs) {
    const { label, source } = splitVaultId(slug);
    if (PROMPTS.has(source)) {
      secrets.push(await promptSecret(label, source, io));
      continue;
    }
    try {
      secrets.push(await fileSecret(label, resolve(io.cwd, expandHome(source)), io, secrets));
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      io.stderr.write(`[WARNING]: vault id '${label}': ${error.message}\n`);
      lastError = error;
    }
  }
  if (lastError && secrets.length === 0) throw lastError;
  return new Vault(secrets, { idMatch: sources.idMatch ?? false });
}

/**
 * A leading `~` or `~/` is the home directory, as Ansible's `unfrackpath` reads password files (a
 * shell does not expand the `~` of `--vault-id prod@~/.vault/prod`).
 */
export function expandHome(path: string): string {
  return path.replace(/^~(?=\/|$)/, homedir());
}

/** `label@source` (split at the first `@`); a bare source is the `default` id. */
export function splitVaultId(slug: string): { label: string; source: string } {
  const at = slug.indexOf('@');
  if (at < 0) return { label: DEFAULT_VAULT_ID, source: slug };
  return { label: slug.slice(0, at) || DEFAULT_VAULT_ID, source: slug.slice(at + 1) };
}

async function promptSecret(label: string, source: string, io: VaultSecretsIO): Promise<VaultSecret> {
  const question = source === 'prompt_ask_vault_pass' ? 'Vault password: ' : `Vault password (${label}): `;
  const answer = (await io.prompt(question)).trim();
  if (answer === '') throw new UsageError(`vault id '${label}': an empty vault password was entered`);
  return { vaultId: label, password: Buffer.from(answer, 'utf8'), source: 'prompt' };
}

/** A password file, or an executable that prints the password (Ansible's `get_file_vault_secret`). */
async function fileSecret(
  label: string,
  file: string,
  io: VaultSecretsIO,
  earlier: readonly VaultSecret[],
): Promise<VaultSecret> {
  const info = await stat(file).catch(() => undefined);
  if (!info) throw new UsageError(`the vault password file ${file} was not found`);
  if (info.isFile() && (info.mode & 0o111) !== 0) return scriptSecret(label, file, io);
  let content: Buffer;
  try {
    content = await readFile(file);
  } catch (error) {
    throw new UsageError(`could not read vault password file ${file}: ${(error as Error).message}`);
  }
  let password = stripWhitespace(content);
  // A password file may itself be vaulted with a secret given before it.
  if (isVaultText(password.toString('latin1'))) {
    const where = { location: { file, line: 1, column: 1 } };
    password = Buffer.from(new Vault(earlier).decrypt(password.toString('utf8'), where), 'utf8');
  }
  password = stripNewlines(password);
  if (password.length === 0) throw new UsageError(`the vault password file ${file} is empty`);
  return { vaultId: label, password, source: `file ${file}` };
}

async function scriptSecret(label: string, file: string, io: VaultSecretsIO): Promise<VaultSecret> {
  const client = isClientScript(file);
  const argv = client ? [file, '--vault-id', label] : [file];
  const run = io.runScript ?? spawnScript;
  let output: ScriptOutput;
  try {
    output = await run(argv, io.cwd, client);
  } catch (error) {
    throw new UsageError(
      `problem running vault password script ${file} (${(error as Error).message});` +
        ' if it is not a script, remove its executable bit',
    );
  }
  const stderr = output.stderr.trim();
  if (client && output.exitCode === 2)
    throw new UsageError(
      `vault password client script ${file} has no secret for vault id '${label}': ${stderr}`,
    );
  if (output.exitCode !== 0)
    throw new UsageError(
      `vault password script ${file} exited ${output.exitCode}${stderr === '' ? '' : `: ${stderr}`}`,
    );
  const password = stripNewlines(output.stdout);
  if (password.length === 0) throw new UsageError(`vault password script ${file} printed no password`);
  return { vaultId: label, password, source: `script ${file}` };
}

/** `name-client` or `name-client.sh`: Ansible decides by the file name alone. */
function isClientScript(file: string): boolean {
  const name = basename(file);
  return name.slice(0, name.length - extname(name).length).endsWith('-client');
}

/** Runs a script with no shell; stdin and (unless captured) stderr stay the terminal's, so it can prompt. */
function spawnScript(argv: readonly string[], cwd: string, captureStderr: boolean): Promise<ScriptOutput> {
  return new Promise((resolvePromise, reject) => {
    const [command, ...args] = argv;
    const child = spawn(command ?? '', args, {
      cwd,
      stdio: ['inherit', 'pipe', captureStderr ? 'pipe' : 'inherit'],
    });
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolvePromise({ exitCode: code ?? (signal ? 128 : 1), stdout: Buffer.concat(stdout), stderr }),
    );
  });
}

/** Python's `bytes.strip()`: ASCII whitespace off both ends. */
function stripWhitespace(bytes: Buffer): Buffer {
  return trimBytes(bytes, (byte) => byte === 0x20 || (byte >= 0x09 && byte <= 0x0d));
}

/** Python's `bytes.strip(b'\r\n')`. */
function stripNewlines(bytes: Buffer): Buffer {
  return trimBytes(bytes, (byte) => byte === 0x0a || byte === 0x0d);
}

function trimBytes(bytes: Buffer, strip: (byte: number) => boolean): Buffer {
  let start = 0;
  let end = bytes.length;
  while (start < end && strip(bytes[start] ?? 0)) start++;
  while (end > start && strip(bytes[end - 1] ?? 0)) end--;
  return bytes.subarray(start, end);
}
