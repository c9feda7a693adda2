#!/bin/sh
':' //; exec node --min-semi-space-size=32 --max-semi-space-size=32 "$0" "$@"
// `mcsync-play ARGS` is `mcsync play ARGS`, like ansible-playbook beside ansible.
//
// Run as a command, this file is first read by sh, which runs line 2: Node with a 32 MB young
// generation. A play is a short process that keeps every object it lists until it exits; with
// V8's default (a 1 MB young generation that grows) those objects were copied again and again and
// then promoted to the old generation, whose marking ran before exit. That was 30-58 ms of a
// no-op rerun's main thread; 12-22 ms with this (docs/BENCHMARKS.md). To Node, line 2 is a string
// and a comment, so `node bin/mcsync-play.js` runs the same play with Node's defaults.
import './node-version.js';

const { main } = await import('../dist/bundle/main.js');
process.exitCode = await main(['play', ...process.argv.slice(2)]);
