/**
 * Part of `npm run build`: bundles the compiled CLI (DIST/cli/main.js, which bin/ runs) and the
 * packages it always loads into DIST/bundle/, one ES module for the start and a chunk for each
 * lazily imported part (observe, init, completion). Resolving and linking the ~300 modules of the
 * unbundled tree was the largest share of a short run's start-up (docs/BENCHMARKS.md).
 *
 *   node scripts/bundle.ts [DIST]
 *
 * DIST/bundle/ sits as deep as every other DIST/ folder, so the paths the code takes from
 * import.meta.url (the package root two levels up, DIST/generated/) are the same bundled or not.
 * Packages loaded only for some runs stay in node_modules: the kubeconfig client, the AWS SDK and
 * nodemailer (their own lazy imports keep them off the start).
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

/** Loaded with a dynamic import only when a run needs them; bundling them would gain nothing. */
export const UNBUNDLED_PACKAGES = ['@kubernetes/client-node', '@aws-sdk/*', 'nodemailer'];

const dist = resolve(process.argv[2] ?? join(import.meta.dirname, '..', 'dist'));
const outdir = join(dist, 'bundle');
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [join(dist, 'cli', 'main.js')],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22.22',
  external: UNBUNDLED_PACKAGES,
  // The packages come from this repository's node_modules, also when DIST is elsewhere (the
  // image build compiles into a cache outside the repository).
  nodePaths: [join(import.meta.dirname, '..', 'node_modules')],
  // No keepNames: it wraps every closure in a `__name()` call each time the closure is made,
  // about 1 ms of CPU per watch-mode run (docs/BENCHMARKS.md). Classes are emitted as
  // `var Name = class ...`, which names them anyway; only a name esbuild had to change to avoid
  // a collision would show, and for error classes (whose `name` is in messages) that is refused
  // below. Module names are strings in their definitions, not function names.
  keepNames: false,
  // CommonJS packages (handlebars, ajv, prom-client) call require() for Node's built-ins.
  banner: {
    js: "import { createRequire as __mcsyncCreateRequire } from 'node:module';\nconst require = __mcsyncCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
  legalComments: 'eof',
});

// An error class renamed to avoid a collision (`UsageError2`) would carry that name in messages.
const renamed = readdirSync(outdir)
  .filter((file) => file.endsWith('.js'))
  .flatMap((file) => [...readFileSync(join(outdir, file), 'utf8').matchAll(/\bvar (\w*Error\d+) = class\b/g)])
  .map((match) => match[1]);
if (renamed.length > 0) {
  throw new Error(
    `bundle: error classes renamed by esbuild (give them distinct names): ${renamed.join(', ')}`,
  );
}
