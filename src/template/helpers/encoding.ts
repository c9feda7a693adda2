/** Serialisation, encodings and digests. */
import { createHash } from 'node:crypto';
import { stringify as toYamlText, parse as parseYamlText } from 'yaml';
import { TemplateError } from '../../errors.ts';
import type { HelperTable } from '../types.ts';
import { stringify, toNumber, toText } from '../values.ts';

const HASHES = ['md5', 'sha1', 'sha256', 'sha512'];

function parseWith(name: string, text: unknown, parse: (t: string) => unknown): unknown {
  const source = toText(text, name);
  try {
    return parse(source);
  } catch (error) {
    const first = (error as Error).message.split('\n')[0] ?? '';
    throw new TemplateError(
      `${name}: cannot parse ${source.length > 40 ? `${source.slice(0, 37)}...` : `'${source}'`}: ${first}`,
    );
  }
}

export const encodingHelpers: HelperTable = {
  to_json: {
    min: 1,
    max: 2,
    summary: 'JSON text (compact, or indented by the second argument)',
    example: '{{ to_json labels }}',
    fn: ([value, indent]) =>
      JSON.stringify(value ?? null, null, indent === undefined ? undefined : toNumber(indent, 'to_json')),
  },
  from_json: {
    min: 1,
    max: 1,
    summary: 'parses JSON text',
    example: '{{ from_json result.stdout }}',
    fn: ([text]) => parseWith('from_json', text, (t) => JSON.parse(t) as unknown),
  },
  to_yaml: {
    min: 1,
    max: 1,
    summary: 'YAML text (block style, ends with a newline)',
    example: '{{ to_yaml spec }}',
    fn: ([value]) => toYamlText(value ?? null),
  },
  to_nice_yaml: {
    min: 1,
    max: 2,
    summary: 'YAML text with sorted keys, indented by the second argument (default 2)',
    example: '{{ to_nice_yaml spec 4 }}',
    fn: ([value, indent]) =>
      toYamlText(value ?? null, {
        indent: indent === undefined ? 2 : toNumber(indent, 'to_nice_yaml'),
        sortMapEntries: true,
      }),
  },
  from_yaml: {
    min: 1,
    max: 1,
    summary: 'parses YAML text',
    example: '{{ from_yaml (lookup_file "values.yml") }}',
    fn: ([text]) => parseWith('from_yaml', text, (t) => parseYamlText(t) as unknown),
  },
  b64encode: {
    min: 1,
    max: 1,
    summary: 'Base64 of the UTF-8 text',
    example: "{{ b64encode (add user ':' password) }}",
    fn: ([text]) => Buffer.from(toText(text, 'b64encode'), 'utf8').toString('base64'),
  },
  b64decode: {
    min: 1,
    max: 1,
    summary: 'UTF-8 text from Base64',
    example: '{{ b64decode secret.data.token }}',
    fn: ([text]) => Buffer.from(toText(text, 'b64decode'), 'base64').toString('utf8'),
  },
  hash: {
    min: 1,
    max: 2,
    summary: `hex digest: ${HASHES.join(', ')} (default sha256); lists and mappings are hashed as JSON`,
    example: "{{ hash (to_json spec) 'sha1' }}",
    fn: ([value, algorithm = 'sha256']) => {
      const name = toText(algorithm, 'hash').toLowerCase();
      if (!HASHES.includes(name)) {
        throw new TemplateError(`hash: unknown algorithm '${name}'; expected one of ${HASHES.join(', ')}`);
      }
      return createHash(name).update(stringify(value), 'utf8').digest('hex');
    },
  },
};
