#!/usr/bin/env node
// Runs the compiled CLI, bundled (scripts/bundle.ts). `npm ci` builds dist/ through the `prepare` script.
import './node-version.js';

const { main } = await import('../dist/bundle/main.js');
process.exitCode = await main(process.argv.slice(2));
