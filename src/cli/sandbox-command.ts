import path from 'node:path';
import { parseArgs } from 'node:util';
import { PrerequisiteError, SandboxUsageError } from '../sandbox/errors.ts';
import { FAULT_ACTIONS, runFault, type FaultAction } from '../sandbox/faults.ts';
import { sandboxDown, sandboxUp, type UpResult } from '../sandbox/sandbox.ts';
import { sandboxNodeStatus, type NodeStatus } from '../sandbox/node/node-status.ts';
import { sandboxStatus, type ClusterStatus } from '../sandbox/status.ts';

const HELP = `Usage: mcsync sandbox <command> [options]

Real local clusters (kube-apiserver + etcd) and registries for tests and the demo.

Commands:
  up [--clusters N] [--openshift-projects] [--node]
                                             start N clusters (default 3: east, west, south);
                                             --node: two real nodes (kubelet + containerd; root)
                                             for the first cluster
  status                                     show processes and health
  down [--purge]                             stop everything; --purge also deletes DIR
  stop|start|kill|pause|resume NAME [--registry]
                                             fault hooks for one cluster or its registry
  compact NAME                               compact the cluster's etcd (old watches get 410 Gone)

Options:
  --dir DIR        sandbox directory (default .sandbox)
  -h, --help       show this help

Examples:
  mcsync sandbox up
  kubectl --kubeconfig .sandbox/kubeconfig --context east get ns
  mcsync-play playbooks/sync.yml -i .sandbox/inventory.yml
  mcsync sandbox pause west --registry
  mcsync sandbox down --purge
`;

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_BAD_OPTION = 5;

class BadOption extends Error {}

interface Parsed {
  command: string;
  name: string | undefined;
  dir: string;
  clusters: number;
  openshiftProjects: boolean;
  node: boolean;
  purge: boolean;
  registry: boolean;
  help: boolean;
}

/** The sandbox commands, in the order of --help (shell completion offers them). */
export const SANDBOX_COMMANDS = ['up', 'status', 'down', ...FAULT_ACTIONS] as const;

/** node:util parseArgs definitions of the sandbox flags (shell completion reads them too). */
export const SANDBOX_PARSE_OPTIONS = {
  dir: { type: 'string', default: '.sandbox' },
  clusters: { type: 'string', default: '3' },
  'openshift-projects': { type: 'boolean', default: false },
  node: { type: 'boolean', default: false },
  purge: { type: 'boolean', default: false },
  registry: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function parse(argv: string[]): Parsed {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: SANDBOX_PARSE_OPTIONS,
  });
  const clusters = Number(values.clusters);
  if (!Number.isInteger(clusters) || clusters < 1 || clusters > 20) {
    throw new BadOption(`--clusters must be a whole number from 1 to 20, got ${values.clusters}`);
  }
  const [command = '', name, ...rest] = positionals;
  if (rest.length > 0) throw new BadOption(`unexpected argument: ${rest.join(' ')}`);
  return {
    command,
    name,
    dir: values.dir,
    clusters,
    openshiftProjects: values['openshift-projects'],
    node: values.node,
    purge: values.purge,
    registry: values.registry,
    help: values.help,
  };
}

function printUp(result: UpResult, dir: string): void {
  const rel = path.relative(process.cwd(), result.kubeconfigFile) || result.kubeconfigFile;
  const inv = path.relative(process.cwd(), result.inventoryFile) || result.inventoryFile;
  const first = result.state.clusters[0]?.name ?? 'east';
  console.log(
    `sandbox ready in ${(result.elapsedMs / 1000).toFixed(1)} s: ${result.state.clusters.length} clusters, kube-apiserver ${result.state.kubernetesVersion}`,
  );
  console.log(`\n  kubectl --kubeconfig ${rel} --context ${first} get ns`);
  console.log(`  mcsync-play playbooks/sync.yml -i ${inv}`);
  console.log(`  mcsync sandbox status --dir ${dir}    mcsync sandbox down --dir ${dir}`);
}

function describe(c: ClusterStatus): string {
  const part = (label: string, s: ClusterStatus['apiserver']): string =>
    `${label} ${s.process}${s.pid ? ` pid ${s.pid}` : ''}${s.healthy ? ' healthy' : ''} ${s.endpoint}`;
  return `${c.name.padEnd(8)} ${part('api', c.apiserver)}  |  ${part('registry', c.registry)}`;
}

function describeNode(n: NodeStatus): string {
  return `${n.name.padEnd(8)} node of ${n.cluster} ${n.ip}: ${n.ready ? 'Ready' : 'NotReady'}  |  kubelet ${n.kubelet}  |  containerd ${n.containerd}`;
}

async function dispatch(p: Parsed): Promise<number> {
  switch (p.command) {
    case 'up': {
      const result = await sandboxUp({
        dir: p.dir,
        clusters: p.clusters,
        openshiftProjects: p.openshiftProjects,
        node: p.node,
        log: (l) => console.log(l),
      });
      printUp(result, p.dir);
      return EXIT_OK;
    }
    case 'status': {
      const rows = await sandboxStatus(p.dir);
      const nodes = await sandboxNodeStatus(p.dir);
      rows.forEach((r) => console.log(describe(r)));
      nodes.forEach((n) => console.log(describeNode(n)));
      const healthy =
        rows.every((r) => r.apiserver.healthy && r.registry.healthy) && nodes.every((n) => n.ready);
      return healthy ? EXIT_OK : EXIT_FAILED;
    }
    case 'down': {
      const stopped = await sandboxDown(p.dir, p.purge);
      console.log(`sandbox down: ${stopped} cluster(s) stopped${p.purge ? `, ${p.dir} deleted` : ''}`);
      return EXIT_OK;
    }
    default: {
      if (!(FAULT_ACTIONS as readonly string[]).includes(p.command)) {
        throw new BadOption(p.command ? `unknown sandbox command: ${p.command}` : 'missing sandbox command');
      }
      if (!p.name) throw new BadOption(`${p.command} needs a cluster NAME`);
      console.log(
        await runFault({ dir: p.dir, name: p.name, action: p.command as FaultAction, registry: p.registry }),
      );
      return EXIT_OK;
    }
  }
}

/**
 * Entry point of `mcsync sandbox` (argv after the word `sandbox`). Returns the
 * exit code instead of exiting: 0 ok, 1 the sandbox failed (message on stderr),
 * 5 bad option (with a pointer to --help).
 */
export async function runSandboxCommand(argv: string[]): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parse(argv);
  } catch (error) {
    console.error(`mcsync sandbox: ${(error as Error).message}\nRun \`mcsync sandbox --help\` for usage.`);
    return EXIT_BAD_OPTION;
  }
  if (parsed.help || parsed.command === 'help') {
    console.log(HELP);
    return EXIT_OK;
  }
  try {
    return await dispatch(parsed);
  } catch (error) {
    if (error instanceof BadOption) {
      console.error(`mcsync sandbox: ${error.message}\nRun \`mcsync sandbox --help\` for usage.`);
      return EXIT_BAD_OPTION;
    }
    const prefix =
      error instanceof SandboxUsageError || error instanceof PrerequisiteError
        ? 'mcsync sandbox'
        : 'mcsync sandbox failed';
    console.error(`${prefix}: ${(error as Error).message}`);
    if (process.env.MCSYNC_DEBUG) console.error(error);
    return EXIT_FAILED;
  }
}
