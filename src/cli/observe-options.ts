/**
 * Parses `mcsync observe` arguments into typed options with oc observe's flags and defaults
 * (maximum-errors 20, retry-count 2, listen-addr :11251, output jsonpath). Every problem is a
 * UsageError naming the flag. Go-style flag forms are accepted: `--flag value`, `--flag=value`,
 * negative numbers (`--maximum-errors -1`) and repeated slice flags (`--delete CMD --delete ARG`).
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.ts';
import { VAULT_PARSE_OPTIONS, vaultFlags } from './vault-options.ts';
import type { VaultFlags } from './vault-options.ts';
import { parseGoDuration } from '../shared/duration.ts';
import { OBSERVE_HELP } from './observe-help.ts';
import type {
  AnnotationMatch,
  LeaderElectOptions,
  ObserverOptions,
  TemplateFormat,
} from '../observe/observer-options.ts';

export { OBSERVE_HELP };

export type { AnnotationMatch, LeaderElectOptions, TemplateFormat } from '../observe/observer-options.ts';

/** The parsed flags: what the observer needs, plus the vault sources and --help. */
export interface ObserveOptions extends Omit<ObserverOptions, 'vault'>, VaultFlags {
  help: boolean;
}

const OPTIONS = {
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  inventory: { type: 'string', short: 'i', multiple: true },
  host: { type: 'string' },
  hosts: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  'all-namespaces': { type: 'boolean', short: 'A' },
  selector: { type: 'string', short: 'l' },
  'field-selector': { type: 'string' },
  argument: { type: 'string', short: 'a', multiple: true },
  template: { type: 'string' },
  output: { type: 'string', short: 'o' },
  'allow-missing-template-keys': { type: 'string' },
  'strict-templates': { type: 'boolean' },
  names: { type: 'string', multiple: true },
  delete: { type: 'string', short: 'd', multiple: true },
  'resync-period': { type: 'string' },
  'watch-silence-timeout': { type: 'string' },
  once: { type: 'boolean' },
  'exit-after': { type: 'string' },
  'maximum-errors': { type: 'string' },
  'retry-on-exit-code': { type: 'string' },
  'retry-count': { type: 'string' },
  'type-env-var': { type: 'string' },
  'object-env-var': { type: 'string' },
  'listen-addr': { type: 'string' },
  'print-metrics-on-exit': { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  'no-headers': { type: 'boolean' },
  workers: { type: 'string' },
  playbook: { type: 'string' },
  'extra-vars': { type: 'string', short: 'e', multiple: true },
  ...VAULT_PARSE_OPTIONS,
  'when-annotation': { type: 'string' },
  prune: { type: 'boolean' },
  'watch-files': { type: 'boolean' },
  'leader-elect': { type: 'string' },
  'lease-name': { type: 'string' },
  'lease-namespace': { type: 'string' },
  'lease-duration': { type: 'string' },
  'renew-deadline': { type: 'string' },
  'retry-period': { type: 'string' },
  identity: { type: 'string' },
  verbose: { type: 'boolean', short: 'v', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The same table for shell completion (src/cli/completion-spec.ts), so its flags cannot drift. */
export const OBSERVE_PARSE_OPTIONS = OPTIONS;

/** Boolean flags that also take `=true`/`=false` as pflag allows (parsed as strings). */
const BOOL_STRINGS = new Set(['allow-missing-template-keys', 'print-metrics-on-exit', 'leader-elect']);

/**
 * Go's pflag forms → node's parseArgs forms: `--flag value` becomes `--flag=value` for string
 * flags (so `-1` and `-x` values work), short string flags become long ones, and boolean-valued
 * string flags given bare get `=true`.
 */
export function normalizeArgs(argv: readonly string[]): string[] {
  const shortToLong = new Map<string, string>();
  for (const [name, spec] of Object.entries(OPTIONS)) if ('short' in spec) shortToLong.set(spec.short, name);
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const short = /^-([a-zA-Z])$/.exec(arg)?.[1];
    const name = short !== undefined ? shortToLong.get(short) : /^--([a-z-]+)$/.exec(arg)?.[1];
    const spec = name === undefined ? undefined : (OPTIONS as Record<string, { type: string }>)[name];
    if (name === undefined || spec?.type !== 'string') {
      out.push(arg);
    } else if (BOOL_STRINGS.has(name)) {
      const next = argv[i + 1];
      if (next === 'true' || next === 'false') {
        out.push(`--${name}=${next}`);
        i++;
      } else out.push(`--${name}=true`);
    } else if (i + 1 < argv.length) {
      out.push(`--${name}=${argv[++i]}`);
    } else {
      throw new UsageError(`flag needs an argument: ${arg}\nRun 'mcsync observe --help' for usage.`);
    }
  }
  return out;
}

/** Parses `mcsync observe ARGV` (ARGV after the subcommand). */
export function parseObserveOptions(argv: readonly string[]): ObserveOptions {
  const dash = argv.indexOf('--');
  const flags = dash < 0 ? argv : argv.slice(0, dash);
  const command = dash < 0 ? [] : argv.slice(dash + 1);
  let parsed;
  try {
    parsed = parseArgs({
      args: normalizeArgs(flags),
      allowPositionals: true,
      strict: true,
      options: OPTIONS,
    });
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(
      `${(error as Error).message.replace(/\. To specify.*$/, '')}\nRun 'mcsync observe --help' for usage.`,
    );
  }
  const { values: v, positionals } = parsed;
  const help = v.help ?? false;
  if (!help && positionals.length === 0)
    throw new UsageError('you must specify at least one argument containing the resource to observe');
  if (positionals.length > 1)
    throw new UsageError(
      `you may only specify one argument containing the resource to observe (use '--' to separate your resource and your command); got ${positionals.join(' ')}`,
    );
  const options: ObserveOptions = {
    resource: positionals[0] ?? '',
    command,
    ...selectionOf(v),
    ...templateOf(v),
    ...runOf(v),
    ...mcsyncOf(v),
    ...vaultFlags(v),
    verbosity: v.verbose?.length ?? 0,
    help,
  };
  if (!help) validate(options);
  return options;
}

function selectionOf(
  v: Values,
): Pick<
  ObserveOptions,
  | 'kubeconfig'
  | 'context'
  | 'inventory'
  | 'host'
  | 'hosts'
  | 'namespace'
  | 'allNamespaces'
  | 'selector'
  | 'fieldSelector'
> {
  return {
    kubeconfig: v.kubeconfig,
    context: v.context,
    inventory: v.inventory ?? [],
    host: v.host,
    hosts: v.hosts,
    namespace: v.namespace,
    allNamespaces: v['all-namespaces'] ?? false,
    selector: v.selector,
    fieldSelector: v['field-selector'],
  };
}

type RunFields =
  | 'names'
  | 'delete'
  | 'resyncPeriodMs'
  | 'watchSilenceTimeoutMs'
  | 'once'
  | 'exitAfterMs'
  | 'maximumErrors'
  | 'retryOnExitCode'
  | 'retryCount'
  | 'typeEnvVar'
  | 'objectEnvVar'
  | 'listenAddr'
  | 'printMetricsOnExit'
  | 'quiet';

function runOf(v: Values): Pick<ObserveOptions, RunFields> {
  return {
    names: v.names ?? [],
    delete: v.delete ?? [],
    resyncPeriodMs: durationFlag('resync-period', v['resync-period']),
    watchSilenceTimeoutMs: durationFlag('watch-silence-timeout', v['watch-silence-timeout'] ?? '90s'),
    once: v.once ?? false,
    exitAfterMs: durationFlag('exit-after', v['exit-after']),
    maximumErrors: intFlag('maximum-errors', v['maximum-errors'], 20, -1),
    retryOnExitCode: intFlag('retry-on-exit-code', v['retry-on-exit-code'], 0, 0),
    retryCount: intFlag('retry-count', v['retry-count'], 2, 0),
    typeEnvVar: envVarName('type-env-var', v['type-env-var']),
    objectEnvVar: envVarName('object-env-var', v['object-env-var']),
    listenAddr: v['listen-addr'] ?? ':11251',
    printMetricsOnExit: boolFlag('print-metrics-on-exit', v['print-metrics-on-exit'], false),
    quiet: (v.quiet ?? false) || (v['no-headers'] ?? false),
  };
}

function mcsyncOf(
  v: Values,
): Pick<
  ObserveOptions,
  'workers' | 'playbook' | 'extraVars' | 'whenAnnotation' | 'prune' | 'watchFiles' | 'leader'
> {
  return {
    workers: intFlag('workers', v.workers, 1, 1),
    playbook: v.playbook,
    extraVars: v['extra-vars'] ?? [],
    whenAnnotation: annotationMatch(v['when-annotation']),
    prune: v.prune ?? false,
    watchFiles: v['watch-files'] ?? false,
    leader: leaderOf(v),
  };
}

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function templateOf(v: Values): Pick<ObserveOptions, 'template' | 'format' | 'allowMissingTemplateKeys'> {
  const args = v.argument ?? [];
  if (args.length > 0 && v.template !== undefined)
    throw new UsageError(
      '--template and -a/--argument cannot be used together; -a is the old name of --template',
    );
  let template = v.template ?? args.join(' ');
  const output = v.output ?? 'jsonpath';
  const eq = output.indexOf('=');
  const kind = eq < 0 ? output : output.slice(0, eq);
  const format: TemplateFormat = kind === 'jsonpath' ? 'jsonpath' : 'go-template';
  if (kind === 'jsonpath' || kind === 'go-template' || kind === 'gotemplate') {
    if (eq >= 0) {
      if (template) throw new UsageError(`-o ${output} and --template/-a both give a template; use one`);
      template = output.slice(eq + 1);
    }
  } else {
    throw new UsageError(
      `--output '${output}' is not supported: use jsonpath (default), jsonpath=TEMPLATE, go-template or go-template=TEMPLATE`,
    );
  }
  const strict = v['strict-templates'] ?? false;
  const allow = boolFlag('allow-missing-template-keys', v['allow-missing-template-keys'], true) && !strict;
  return { template, format, allowMissingTemplateKeys: allow };
}

function leaderOf(v: Values): LeaderElectOptions {
  return {
    enabled: boolFlag('leader-elect', v['leader-elect'], false),
    leaseName: v['lease-name'] ?? 'mcsync-observe',
    leaseNamespace: v['lease-namespace'],
    leaseDurationMs: durationFlag('lease-duration', v['lease-duration'] ?? '15s'),
    renewDeadlineMs: durationFlag('renew-deadline', v['renew-deadline'] ?? '10s'),
    retryPeriodMs: durationFlag('retry-period', v['retry-period'] ?? '2s'),
    identity: v.identity,
  };
}

function validate(o: ObserveOptions): void {
  if (o.names.length > 0 && o.delete.length === 0)
    throw new UsageError('--delete and --names must both be specified');
  validateCluster(o);
  validatePlaybook(o);
  if (o.once && o.exitAfterMs > 0)
    throw new UsageError('--once and --exit-after both decide when to exit; use one');
  if (o.leader.renewDeadlineMs >= o.leader.leaseDurationMs)
    throw new UsageError('--renew-deadline must be shorter than --lease-duration');
  if (o.typeEnvVar !== undefined && o.typeEnvVar === o.objectEnvVar)
    throw new UsageError('--type-env-var and --object-env-var must name different variables');
}

function validateCluster(o: ObserveOptions): void {
  if (o.kubeconfig !== undefined || o.context !== undefined) {
    if (o.inventory.length > 0 && o.playbook === undefined)
      throw new UsageError('-i/--inventory and --kubeconfig/--context choose the cluster two ways; use one');
    if (o.host !== undefined || o.hosts !== undefined)
      throw new UsageError(
        '--host/--hosts name inventory hosts; they cannot be combined with --kubeconfig/--context',
      );
  }
  if (o.host !== undefined && o.hosts !== undefined)
    throw new UsageError('--host observes one host and --hosts several; use one');
  if (o.allNamespaces && o.namespace !== undefined)
    throw new UsageError('-A/--all-namespaces and -n/--namespace cannot be used together');
}

function validatePlaybook(o: ObserveOptions): void {
  if (o.playbook !== undefined && o.command.length > 0)
    throw new UsageError('--playbook runs in-process and -- COMMAND runs a program per change; use one');
  if (o.playbook !== undefined) return;
  if (o.whenAnnotation !== undefined)
    throw new UsageError(
      '--when-annotation filters --playbook runs; with a command, test the -a template in the script',
    );
  if (o.watchFiles) throw new UsageError('--watch-files needs --playbook');
  if (o.prune)
    throw new UsageError(
      '--prune removes the copies a --playbook made whose source is gone; with a command, use --names and --delete',
    );
  if (o.extraVars.length > 0) throw new UsageError('-e/--extra-vars needs --playbook');
  if (o.vaultIds.length > 0 || o.vaultPasswordFiles.length > 0 || o.askVaultPass)
    throw new UsageError('--vault-id, --vault-password-file and --ask-vault-pass need --playbook');
}

function durationFlag(flag: string, value: string | undefined): number {
  if (value === undefined) return 0;
  const ms = parseGoDuration(value);
  if (ms === undefined || ms < 0)
    throw new UsageError(`--${flag}: invalid duration '${value}' (use Go's form: 30s, 1m30s, 500ms, 2h)`);
  return ms;
}

function intFlag(flag: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(n) || n < min)
    throw new UsageError(
      `--${flag} must be an integer${min > -Infinity ? ` >= ${min}` : ''}, got '${value}'`,
    );
  return n;
}

function boolFlag(flag: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new UsageError(`--${flag} must be true or false, got '${value}'`);
}

function envVarName(flag: string, value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(value))
    throw new UsageError(`--${flag}: '${value}' is not a valid environment variable name`);
  return value;
}

function annotationMatch(value: string | undefined): AnnotationMatch | undefined {
  if (value === undefined) return undefined;
  const eq = value.indexOf('=');
  const key = (eq < 0 ? value : value.slice(0, eq)).trim();
  if (!key) throw new UsageError(`--when-annotation needs KEY or KEY=VALUE, got '${value}'`);
  return { key, value: eq < 0 ? undefined : value.slice(eq + 1) };
}
