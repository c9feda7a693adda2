/**
 * A kubeconfig user's `exec` block (client-go's `ExecConfig`), validated as kubectl validates it,
 * and the `KUBERNETES_EXEC_INFO` a plugin is given. Credential plugins (aws eks get-token,
 * gke-gcloud-auth-plugin, kubelogin) print a short-lived ExecCredential; running them again
 * before it expires is exec-plugin.ts's job.
 */
import path from 'node:path';
import { LoadError } from '../errors.ts';
import { isRecord } from './types.ts';

export const EXEC_API_VERSIONS = [
  'client.authentication.k8s.io/v1',
  'client.authentication.k8s.io/v1beta1',
] as const;
export type ExecApiVersion = (typeof EXEC_API_VERSIONS)[number];

/** When the plugin may talk to the user: client-go's ExecInteractiveMode. */
export type InteractiveMode = 'Never' | 'IfAvailable' | 'Always';
const MODES: readonly string[] = ['Never', 'IfAvailable', 'Always'];

/** What the plugin learns about the cluster with `provideClusterInfo: true` (spec.cluster). */
export interface ExecClusterInfo {
  server: string;
  'tls-server-name'?: string;
  'insecure-skip-tls-verify'?: boolean;
  /** The CA bundle, base64 (the kubeconfig's data, or its file's content). */
  'certificate-authority-data'?: string;
  'proxy-url'?: string;
  /** The cluster's `extensions` entry named `client.authentication.k8s.io/exec`. */
  config?: unknown;
}

export interface ExecConfig {
  /** Absolute when the kubeconfig gave a path with a separator; else looked up on PATH. */
  command: string;
  args: string[];
  /** Added to mcsync's own environment. */
  env: { name: string; value: string }[];
  apiVersion: ExecApiVersion;
  interactiveMode: InteractiveMode;
  installHint: string | undefined;
  /** Present only with `provideClusterInfo: true`. */
  cluster: ExecClusterInfo | undefined;
  /** `host 'east' (kubeconfig user 'eks-admin')`, for messages. */
  label: string;
}

export interface ExecConfigInput {
  /** The user's `exec` value as the YAML has it. */
  exec: unknown;
  /** Directory of the kubeconfig that defined the user (relative commands resolve against it). */
  kubeconfigDir: string;
  /** The cluster, for provideClusterInfo. */
  cluster: ExecClusterInfo;
  label: string;
}

/**
 * Validates an exec block. Throws LoadError (key `kubeconfig`) with kubectl's wording for a
 * missing command or apiVersion, an unknown apiVersion or interactiveMode, or a v1 config without
 * interactiveMode (v1beta1 defaults to IfAvailable, as client-go does).
 */
export function parseExecConfig(input: ExecConfigInput): ExecConfig {
  const fail: (why: string) => never = (why) => {
    throw new LoadError(`${input.label}: exec plugin: ${why}`, { key: 'kubeconfig' });
  };
  const raw = isRecord(input.exec) ? input.exec : fail('exec must be a mapping');
  const command = typeof raw['command'] === 'string' && raw['command'] ? raw['command'] : '';
  if (!command) fail('command must be specified to use the exec plugin');
  const apiVersion = raw['apiVersion'];
  if (typeof apiVersion !== 'string' || !apiVersion)
    fail('apiVersion must be specified to use the exec plugin');
  if (!(EXEC_API_VERSIONS as readonly unknown[]).includes(apiVersion))
    fail(`apiVersion '${String(apiVersion)}' is not supported; use one of ${EXEC_API_VERSIONS.join(', ')}`);
  const version = apiVersion as ExecApiVersion;
  const mode = raw['interactiveMode'] ?? (version.endsWith('/v1beta1') ? 'IfAvailable' : undefined);
  if (mode === undefined)
    fail(`interactiveMode must be specified for ${version} (Never, IfAvailable or Always)`);
  if (typeof mode !== 'string' || !MODES.includes(mode))
    fail(`invalid interactiveMode '${String(mode)}'; use Never, IfAvailable or Always`);
  return {
    command: resolveCommand(command, input.kubeconfigDir),
    args: stringList(raw['args'], 'args', fail),
    env: envList(raw['env'], fail),
    apiVersion: version,
    interactiveMode: mode as InteractiveMode,
    installHint: typeof raw['installHint'] === 'string' ? raw['installHint'] : undefined,
    cluster: raw['provideClusterInfo'] === true ? input.cluster : undefined,
    label: input.label,
  };
}

/** client-go resolves a command containing a path separator against the kubeconfig's folder. */
function resolveCommand(command: string, dir: string): string {
  if (path.isAbsolute(command) || !command.includes('/')) return command;
  return path.resolve(dir, command);
}

function stringList(value: unknown, key: string, fail: (why: string) => never): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string'))
    return fail(`${key} must be a list of strings`);
  return value as string[];
}

function envList(value: unknown, fail: (why: string) => never): { name: string; value: string }[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return fail('env must be a list of {name, value}');
  return value.map((item, i) => {
    const name = isRecord(item) ? item['name'] : undefined;
    if (typeof name !== 'string' || !name) return fail(`env[${i}] has no name`);
    const entry = isRecord(item) ? item['value'] : undefined;
    return { name, value: typeof entry === 'string' ? entry : String(entry ?? '') };
  });
}

/**
 * The `KUBERNETES_EXEC_INFO` value client-go sets for every run: the apiVersion, whether the
 * plugin may prompt, and the cluster with provideClusterInfo.
 */
export function execInfo(config: ExecConfig, interactive: boolean): string {
  const spec: Record<string, unknown> = { interactive };
  if (config.cluster) spec['cluster'] = config.cluster;
  return JSON.stringify({ kind: 'ExecCredential', apiVersion: config.apiVersion, spec });
}
