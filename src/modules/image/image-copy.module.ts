/**
 * image_copy: copies container images from the source host's registry (default: the single host
 * of group `master`) to the task host's registry with skopeo. A HEAD of the destination whose
 * digest equals the source's makes the image `ok` without starting any process; every copy is
 * verified by digest afterwards. Credentials reach skopeo through a 0600 auth file in a private
 * temporary directory that is removed at the end, never through argv. Check mode reports what
 * would be copied; diff mode shows old → new digest per image.
 */
import type { ModuleContext, ModuleDefinition } from '../../model/module.ts';
import type { ModuleResult, ResultDiff } from '../../model/result.ts';
import { settleBounded } from '../../shared/bounded.ts';
import type { CopyWorkspace } from '../../image/copy-workspace.ts';
import { createWorkspace } from '../../image/copy-workspace.ts';
import type { ImageCopyArgs, ImageSpec } from './image-copy-args.ts';
import { imageCopyArgsSchema } from './image-copy-args.ts';
import type { CopySession, ImageOutcome } from './image-copy-one.ts';
import { copyImage } from './image-copy-one.ts';
import { imageStreamImages, sourceHost } from './image-source.ts';
import { RegistryClient } from '../../image/registry-client.ts';
import type { ResolvedRegistry } from '../../image/registry-endpoint.ts';
import { hostRegistry, resolveRegistry } from '../../image/registry-endpoint.ts';

export type { ImageOutcome };

export const imageCopyModule: ModuleDefinition<ImageCopyArgs> = {
  name: 'image_copy',
  aliases: ['mcsync.image_copy'],
  description:
    "Copy container images from the master's registry to the host's registry with skopeo; digest-checked, no-op when equal.",
  supportsCheckMode: true,
  argsSchema: imageCopyArgsSchema,
  async run(args, context) {
    const source = args.source && !args.from ? undefined : sourceHost(args.from, context);
    if (source === context.host && !args.destination)
      return { skipped: true, changed: false, msg: `${context.host} is the source of the images` };
    const src = args.source
      ? await resolveRegistry(args.source, `registry ${args.source.registry} (source)`, context)
      : await hostRegistry(context, source as string);
    const dest = args.destination
      ? await resolveRegistry(
          args.destination,
          `registry ${args.destination.registry} (destination)`,
          context,
        )
      : await hostRegistry(context, context.host);
    const streams = args.imagestreams ?? [];
    const images = [
      ...(args.images ?? []).map((i): ImageSpec => (typeof i === 'string' ? { name: i } : i)),
      ...(streams.length ? await imageStreamImages(streams, source ?? sourceHost('', context), context) : []),
    ];
    const session = openSession(args, context, src, dest);
    try {
      const settled = await settleBounded(images, args.concurrency ?? 4, (spec, i) =>
        copyImage(spec, i, session),
      );
      const outcomes = settled.map((s, i) =>
        s.status === 'fulfilled' ? s.value : failedOutcome(images[i] as ImageSpec, s.reason),
      );
      return buildResult(outcomes, src, context);
    } finally {
      await session.close();
    }
  },
};

function failedOutcome(spec: ImageSpec, reason: unknown): ImageOutcome {
  const msg = reason instanceof Error ? reason.message : String(reason);
  return { image: spec.name, destination: spec.to ?? spec.name, action: 'failed', changed: false, msg };
}

/** The shared pieces of one run: registry clients and skopeo workspaces, closed at the end. */
export function openSession(
  args: ImageCopyArgs,
  context: ModuleContext,
  src: ResolvedRegistry,
  dest: ResolvedRegistry,
): CopySession & { close(): Promise<void> } {
  const clients = new Map<ResolvedRegistry, RegistryClient>();
  const workspaces = new Map<string, Promise<CopyWorkspace>>();
  return {
    context,
    registry: (host, side) => registryFor(host, side === 'src' ? src : dest, [src, dest], context),
    client(registry) {
      let client = clients.get(registry);
      if (!client) {
        client = new RegistryClient(registry);
        clients.set(registry, client);
      }
      return client;
    },
    workspace(from, to) {
      const key = `${from.label}\n${to.label}`;
      let pending = workspaces.get(key);
      if (!pending) {
        pending = createWorkspace(from, to);
        workspaces.set(key, pending);
      }
      return pending;
    },
    skopeo: {
      program: args.skopeo ?? 'skopeo',
      all: args.all ?? false,
      preserveDigests: args.preserve_digests ?? false,
      retries: args.retries ?? 2,
      retryDelayMs: (args.retry_delay ?? 1) * 1000,
      timeoutMs: (args.timeout ?? 600) * 1000,
    },
    policy: { retries: args.retries ?? 2, delayMs: (args.retry_delay ?? 1) * 1000 },
    all: args.all ?? false,
    updateImageStream: args.update_imagestream ?? false,
    async close() {
      for (const client of clients.values()) client.close();
      const settled = await Promise.allSettled(workspaces.values());
      await Promise.all(settled.map((s) => (s.status === 'fulfilled' ? s.value.remove() : undefined)));
    },
  };
}

/**
 * The registry of an image reference: the side's own when the reference names none (or the same
 * host), else the inventory host whose `registry` it is, else that registry anonymously.
 */
async function registryFor(
  host: string | undefined,
  fallback: ResolvedRegistry,
  known: readonly ResolvedRegistry[],
  context: ModuleContext,
): Promise<ResolvedRegistry> {
  if (!host || host === fallback.host) return fallback;
  const match = known.find((r) => r.host === host);
  if (match) return match;
  for (const name of context.inventory.hostNames()) {
    const vars = name === context.host ? context.vars : context.inventory.hostVars(name);
    if (typeof vars['registry'] === 'string' && vars['registry'].replace(/\/+$/, '') === host)
      return hostRegistry(context, name);
  }
  return resolveRegistry({ registry: host }, `registry ${host}`, context);
}

function buildResult(
  outcomes: readonly ImageOutcome[],
  src: ResolvedRegistry,
  context: ModuleContext,
): ModuleResult {
  const failed = outcomes.filter((o) => o.action === 'failed');
  const count = (action: ImageOutcome['action']): number =>
    outcomes.filter((o) => o.action === action).length;
  const summary = (['copied', 'would copy', 'unchanged', 'failed'] as const)
    .filter((a) => count(a) > 0)
    .map((a) => `${count(a)} ${a}`)
    .join(', ');
  const result: ModuleResult = {
    changed: outcomes.some((o) => o.changed),
    source: src.host,
    images: outcomes,
    digests: Object.fromEntries(outcomes.filter((o) => o.digest).map((o) => [o.destination, o.digest])),
    msg: failed.length
      ? `${failed.length} of ${outcomes.length} image(s) failed: ${failed.map((o) => o.msg).join('; ')}`
      : `from ${src.host}: ${summary || 'no images'}${context.check ? ' (check mode: nothing copied)' : ''}`,
  };
  if (failed.length) result.failed = true;
  if (context.diff) {
    const diffs: ResultDiff[] = outcomes
      .filter((o) => o.action === 'copied' || o.action === 'would copy')
      .map((o) => ({
        header: o.destination,
        before: `${o.before ?? '(absent)'}\n`,
        after: `${o.digest ?? ''}\n`,
      }));
    if (diffs.length) result.diff = diffs;
  }
  return result;
}
