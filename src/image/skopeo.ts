/**
 * `skopeo copy docker://SRC docker://DEST` through the injected process runner (so tests can
 * count starts), in the task's `environment:` (an HTTPS_PROXY there reaches skopeo), credentials
 * by auth file only, TLS per side (`--*-cert-dir` with the registry CA; `--*-tls-verify=false`
 * only for insecure registries), retried with exponential backoff unless the failure is one that
 * another try cannot fix (authentication, a missing image).
 */
import { readFile } from 'node:fs/promises';
import type { ModuleContext } from '../model/module.ts';
import type { CopyWorkspace, SideFiles } from './copy-workspace.ts';
import type { ResolvedRegistry } from './registry-endpoint.ts';
import { RegistryError } from './registry-errors.ts';

/** How one copy is done. */
export interface SkopeoOptions {
  /** Program to run; default `skopeo` (from PATH). */
  program: string;
  all: boolean;
  preserveDigests: boolean;
  /** Tries after the first one; default 2. */
  retries: number;
  /** First backoff delay in ms, doubled per try (capped at 30 s). */
  retryDelayMs: number;
  timeoutMs: number;
}

/** The two sides of a copy: full references and their registries. */
export interface CopyRequest {
  source: string;
  destination: string;
  src: ResolvedRegistry;
  dest: ResolvedRegistry;
}

/** The argv of one copy (no secrets in it: they are in the workspace's auth files). */
export function skopeoArgv(
  request: CopyRequest,
  workspace: Pick<CopyWorkspace, 'src' | 'dest'>,
  options: Pick<SkopeoOptions, 'program' | 'all' | 'preserveDigests'>,
  digestFile?: string,
): string[] {
  const argv = [options.program, 'copy', '--quiet'];
  argv.push(...sideFlags('src', request.src, workspace.src));
  argv.push(...sideFlags('dest', request.dest, workspace.dest));
  if (options.all) argv.push('--all');
  if (options.preserveDigests) argv.push('--preserve-digests');
  if (digestFile) argv.push('--digestfile', digestFile);
  argv.push(`docker://${request.source}`, `docker://${request.destination}`);
  return argv;
}

function sideFlags(side: 'src' | 'dest', registry: ResolvedRegistry, files: SideFiles): string[] {
  const flags = files.authFile ? [`--${side}-authfile`, files.authFile] : [`--${side}-no-creds`];
  if (files.certDir) flags.push(`--${side}-cert-dir`, files.certDir);
  if (registry.insecure) flags.push(`--${side}-tls-verify=false`);
  return flags;
}

const TERMINAL =
  /unauthorized|authentication required|denied|manifest unknown|name unknown|not found|invalid reference|requested access to the resource/i;

/**
 * Runs the copy with retries; resolves with the digest skopeo wrote, throws a RegistryError with
 * the last skopeo message (secrets masked) when every try failed.
 */
export async function skopeoCopy(
  request: CopyRequest,
  workspace: CopyWorkspace,
  options: SkopeoOptions,
  context: ModuleContext,
): Promise<string | undefined> {
  const digestFile = workspace.digestFile();
  const argv = skopeoArgv(request, workspace, options, digestFile);
  let last = '';
  for (let attempt = 0; attempt <= options.retries; attempt += 1) {
    if (attempt > 0) {
      const delay = Math.min(options.retryDelayMs * 2 ** (attempt - 1), 30_000);
      context.log.info(`image_copy: retrying ${request.destination} in ${delay} ms (${last})`);
      await context.services.clock.sleep(delay, context.signal);
    }
    context.log.debug(`image_copy: ${argv.join(' ')}`);
    const run = await runOnce(argv, options, context);
    if (run.exitCode === 0) return readDigest(digestFile);
    last = mask(lastLine(run.stderr) || `exit code ${run.exitCode}`, request);
    if (TERMINAL.test(last)) break;
  }
  const tries = options.retries + 1;
  throw new RegistryError(
    `skopeo copy ${request.source} → ${request.destination} failed${TERMINAL.test(last) ? '' : ` after ${tries} tries`}: ${last}`,
  );
}

async function runOnce(
  argv: string[],
  options: SkopeoOptions,
  context: ModuleContext,
): Promise<{ exitCode: number; stderr: string }> {
  try {
    return await context.services.processes.run(argv, {
      signal: context.signal,
      timeoutMs: options.timeoutMs,
      environment: context.environment,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new RegistryError(`image_copy: '${options.program}' not found: install skopeo`);
    throw error;
  }
}

async function readDigest(file: string): Promise<string | undefined> {
  try {
    return (await readFile(file, 'utf8')).trim() || undefined;
  } catch {
    return undefined;
  }
}

function lastLine(text: string): string {
  const lines = text
    .trim()
    .split('\n')
    .filter((l) => l.trim());
  return (lines.at(-1) ?? '')
    .replace(/^time="[^"]*" level=\w+ msg="?/, '')
    .replace(/"$/, '')
    .trim();
}

/** Never let a password slip into a message, even if a tool echoes it. */
function mask(text: string, request: CopyRequest): string {
  let out = text;
  for (const side of [request.src, request.dest]) {
    const secret = side.credentials?.password;
    if (secret) out = out.split(secret).join('********');
  }
  return out;
}
