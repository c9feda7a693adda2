/** Helpers that read the outside world: environment variables and files beside the playbook. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { TemplateError } from '../../errors.ts';
import type { HelperTable } from '../types.ts';
import { toText } from '../values.ts';
import { isVaultText } from '../../vault/vault-format.ts';

/** A file's text; a file made by `ansible-vault encrypt` is refused, never returned as ciphertext. */
function readRelative(file: string, baseDir: string | undefined): string {
  const path = resolve(baseDir ?? process.cwd(), file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8').replace(/(\r?\n)+$/, '');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : (error as Error).message;
    throw new TemplateError(`lookup_file: cannot read '${file}' (${path}): ${why}`);
  }
  if (isVaultText(text))
    throw new TemplateError(
      `lookup_file: '${file}' is encrypted with Ansible Vault and lookup_file does not decrypt;` +
        ' keep the secret in a vaulted vars file or a !vault value instead',
    );
  return text;
}

export const systemHelpers: HelperTable = {
  env: {
    min: 1,
    max: 2,
    summary: 'an environment variable of the mcsync process; the default (empty) when unset',
    example: "{{ env 'KUBECONFIG' '/root/.kube/config' }}",
    fn: ([name, fallback = ''], { env }) => env[toText(name, 'env')] ?? fallback,
  },
  lookup_file: {
    min: 1,
    max: 1,
    summary: "a file's text, relative to the playbook or role directory, without its trailing newline",
    example: "{{ lookup_file 'files/ca.crt' }}",
    fn: ([file], { where }) => readRelative(toText(file, 'lookup_file'), where.baseDir),
  },
};
