// `mcsync observe ARGS` from the sources (no build needed), as a child process the tests can signal.
import { main } from '../../src/cli/main.ts';

process.exitCode = await main(['observe', ...process.argv.slice(2)]);
