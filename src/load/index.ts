/**
 * The loader: YAML files in, a validated playbook model out (src/model/playbook.ts). Nothing is
 * templated here; templates stay strings for the engine to render per host.
 */
export { loadPlaybook, loadRole, loadTasksFile } from './playbook-loader.ts';
export { loadVarsFile } from './vars-files.ts';
export type { LoadOptions } from './load-context.ts';
