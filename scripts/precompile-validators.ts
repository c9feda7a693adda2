/**
 * Part of `npm run build`: compiles the JSON Schemas mcsync validates with (playbook parts; every
 * shipped module's arguments, once as loaded and once as rendered) to ajv's standalone code, into
 * DIR (default dist/generated/), with each schema's fingerprint. The built process then
 * loads them instead of compiling at start (src/shared/precompiled-validators.ts).
 *
 *   node scripts/precompile-validators.ts [DIR]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import type { AnySchema } from 'ajv';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { LOAD_SCHEMAS } from '../src/load/validate.ts';
import { kubeModules } from '../src/modules/kube/index.ts';
import { createModuleRegistry } from '../src/modules/registry.ts';
import {
  FINGERPRINTS_FILE,
  schemaFingerprint,
  VALIDATOR_SETS,
  validatorFile,
} from '../src/shared/precompiled-validators.ts';
import type { ValidatorSet } from '../src/shared/precompiled-validators.ts';

// A CommonJS module: under Node's ESM its default import is `module.exports`, whose `default` is the function.
type StandaloneCode = (ajv: Ajv, refs: Record<string, string>) => string;
const standaloneCode = ((standaloneModule as unknown as { default?: StandaloneCode }).default ??
  standaloneModule) as unknown as StandaloneCode;
const dir = resolve(process.argv[2] ?? join(import.meta.dirname, '..', 'dist', 'generated'));
const moduleSchemas = Object.fromEntries(
  createModuleRegistry(kubeModules)
    .definitions()
    .map((m) => [m.name, m.argsSchema as AnySchema]),
);
const schemas: Record<ValidatorSet, Record<string, AnySchema>> = {
  load: LOAD_SCHEMAS,
  'load-args': moduleSchemas,
  'engine-args': moduleSchemas,
};

mkdirSync(dir, { recursive: true });
const fingerprints: Record<string, string> = {};
for (const [set, options] of Object.entries(VALIDATOR_SETS) as [
  ValidatorSet,
  (typeof VALIDATOR_SETS)[ValidatorSet],
][]) {
  const ajv = new Ajv({ ...options, code: { source: true } });
  const names = Object.keys(schemas[set]);
  for (const name of names) {
    ajv.addSchema(schemas[set][name] as AnySchema, name);
    fingerprints[`${set}:${name}`] = schemaFingerprint(schemas[set][name]);
  }
  const code = standaloneCode(ajv, Object.fromEntries(names.map((name) => [name, name])));
  writeFileSync(join(dir, validatorFile(set)), code);
}
writeFileSync(join(dir, FINGERPRINTS_FILE), `${JSON.stringify(fingerprints, null, 2)}\n`);
process.stdout.write(`precompiled ${Object.keys(fingerprints).length} validators into ${dir}\n`);
