// Checked before the CLI loads: on an older Node the first failure would be an obscure import error.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 22)) {
  process.stderr.write(
    `mcsync needs Node.js >= 22.22 (Node 24 LTS recommended); this is ${process.version}.\n` +
      'From a clone: export PATH="$(scripts/ensure-node.sh):$PATH"\n',
  );
  process.exit(5);
}

// Cache compiled modules on disk (Node's default cache directory): ESM compilation is the largest
// part of a short run's start-up.
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();
