#!/usr/bin/env node
// `mcsync-play ARGS` is `mcsync play ARGS`, like ansible-playbook beside ansible.
import './node-version.js';

const { main } = await import('../dist/bundle/main.js');
process.exitCode = await main(['play', ...process.argv.slice(2)]);
