#!/usr/bin/env node
// `mcsync-observe ARGS` is `mcsync observe ARGS`, a drop-in for `oc observe`.
import './node-version.js';

const { main } = await import('../dist/bundle/main.js');
process.exitCode = await main(['observe', ...process.argv.slice(2)]);
