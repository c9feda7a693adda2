/**
 * Discovery cache of one host: which apiVersion/kind pairs the cluster serves, under which plural
 * resource name, namespaced or not. Loaded once per client (aggregated discovery when the server
 * offers it, else the legacy per-group-version lists); a lookup that misses re-discovers, so CRDs
 * installed mid-run are found: once, and again for the same miss only after REDISCOVER_AFTER_MS,
 * so a long-lived client (the observer's) learns what a cluster serves after it restarted (its
 * CRDs appear in discovery a moment after its API answers) without a discovery per lookup.
 */
import { McsyncError, UnreachableError } from '../errors.ts';
import { systemClock } from '../shared/clock.ts';
import type { Clock } from '../shared/clock.ts';
import { didYouMean } from '../shared/did-you-mean.ts';
import type { KubeRequest, KubeResponse } from './client.ts';
import {
  AGGREGATED_ACCEPT,
  isAggregated,
  parseAggregated,
  parseCoreVersions,
  parseGroupList,
  parseResourceList,
} from './discovery-parse.ts';
import type { ResourceInfo } from './types.ts';

/** What discovery needs from a client (KubeClient satisfies it). */
export interface DiscoveryFetcher {
  readonly label: string;
  request<T = unknown>(req: KubeRequest): Promise<KubeResponse<T>>;
}

/** A kind the cluster does not serve; the message says what it does serve. */
export class UnknownKindError extends McsyncError {}

/** All resources of a cluster, indexed by apiVersion. */
export class DiscoverySnapshot {
  readonly byApiVersion = new Map<string, ResourceInfo[]>();
  /** How it was loaded: 'aggregated' or 'legacy' (for -vvv and tests). */
  readonly mode: 'aggregated' | 'legacy';

  constructor(resources: readonly ResourceInfo[], mode: 'aggregated' | 'legacy') {
    this.mode = mode;
    for (const r of resources) {
      const list = this.byApiVersion.get(r.apiVersion) ?? [];
      list.push(r);
      this.byApiVersion.set(r.apiVersion, list);
    }
  }

  /** Finds a kind in an apiVersion: exact kind first, then (case-insensitive) kind, plural, singular or short name. */
  find(apiVersion: string, kind: string): ResourceInfo | undefined {
    const list = this.byApiVersion.get(apiVersion) ?? [];
    const lower = kind.toLowerCase();
    return (
      list.find((r) => r.kind === kind) ??
      list.find(
        (r) =>
          r.kind.toLowerCase() === lower ||
          r.resource === lower ||
          r.singular === lower ||
          r.shortNames.includes(lower),
      )
    );
  }

  /** Every apiVersion that serves `kind` (exact match). */
  apiVersionsOf(kind: string): string[] {
    return [...this.byApiVersion.entries()]
      .filter(([, list]) => list.some((r) => r.kind === kind))
      .map(([v]) => v);
  }

  all(): ResourceInfo[] {
    return [...this.byApiVersion.values()].flat();
  }
}

/** How long a miss that re-discovered is answered from the cache before it may re-discover again. */
export const REDISCOVER_AFTER_MS = 10_000;

export class Discovery {
  #snapshot: Promise<DiscoverySnapshot> | undefined;
  /** When each missed apiVersion/kind last re-discovered (monotonic ms). */
  readonly #rediscoveredAt = new Map<string, number>();
  readonly #clock: Pick<Clock, 'monotonic'>;

  constructor(options: { clock?: Pick<Clock, 'monotonic'> } = {}) {
    this.#clock = options.clock ?? systemClock();
  }

  /** The cached snapshot, loading it on first use. */
  snapshot(fetcher: DiscoveryFetcher): Promise<DiscoverySnapshot> {
    if (this.#snapshot === undefined) {
      const loading = loadSnapshot(fetcher);
      this.#snapshot = loading;
      loading.catch(() => {
        if (this.#snapshot === loading) this.#snapshot = undefined;
      });
    }
    return this.#snapshot;
  }

  /** Forgets the snapshot (after installing CRDs); the next lookup loads a fresh one. */
  invalidate(): void {
    this.#snapshot = undefined;
  }

  /**
   * Resolves apiVersion + kind to its resource. A miss re-discovers (at most once per
   * REDISCOVER_AFTER_MS for the same apiVersion/kind); a miss after that throws UnknownKindError
   * naming what the cluster serves.
   */
  async resolve(fetcher: DiscoveryFetcher, apiVersion: string, kind: string): Promise<ResourceInfo> {
    let snapshot = await this.snapshot(fetcher);
    let found = snapshot.find(apiVersion, kind);
    const key = `${apiVersion}/${kind}`;
    const last = this.#rediscoveredAt.get(key);
    const now = this.#clock.monotonic();
    if (!found && (last === undefined || now - last >= REDISCOVER_AFTER_MS)) {
      this.#rediscoveredAt.set(key, now);
      this.invalidate();
      snapshot = await this.snapshot(fetcher);
      found = snapshot.find(apiVersion, kind);
    }
    if (!found)
      throw new UnknownKindError(unknownKindMessage(snapshot, apiVersion, kind, fetcher.label), {
        key: 'kind',
      });
    return found;
  }

  /** True when the cluster serves the apiVersion (`project.openshift.io/v1`) or group (`project.openshift.io`). */
  async serves(fetcher: DiscoveryFetcher, apiVersionOrGroup: string): Promise<boolean> {
    const snapshot = await this.snapshot(fetcher);
    if (snapshot.byApiVersion.has(apiVersionOrGroup)) return true;
    return [...snapshot.byApiVersion.keys()].some((v) => v.startsWith(`${apiVersionOrGroup}/`));
  }
}

/** The "not served" message: what is served instead, and the nearest kind or apiVersion. */
export function unknownKindMessage(
  snapshot: DiscoverySnapshot,
  apiVersion: string,
  kind: string,
  cluster: string,
): string {
  const elsewhere = snapshot.apiVersionsOf(kind).filter((v) => v !== apiVersion);
  const servedAs = elsewhere.length
    ? `; kind '${kind}' is served as apiVersion ${elsewhere.map((v) => `'${v}'`).join(', ')}`
    : '';
  const list = snapshot.byApiVersion.get(apiVersion);
  if (!list) {
    const hint = servedAs || didYouMean(apiVersion, snapshot.byApiVersion.keys());
    return `apiVersion '${apiVersion}' (kind '${kind}') is not served by cluster ${cluster}${hint}; is its CRD or API installed?`;
  }
  const kinds = [...new Set(list.map((r) => r.kind))].sort();
  const hint = servedAs || didYouMean(kind, kinds);
  const shown = kinds.length > 12 ? `${kinds.slice(0, 12).join(', ')}, ...` : kinds.join(', ');
  return `kind '${kind}' is not served in apiVersion '${apiVersion}' by cluster ${cluster}${hint}; '${apiVersion}' serves: ${shown}`;
}

async function loadSnapshot(fetcher: DiscoveryFetcher): Promise<DiscoverySnapshot> {
  const [core, groups] = await Promise.all([
    fetcher.request({ method: 'GET', path: '/api', accept: AGGREGATED_ACCEPT }),
    fetcher.request({ method: 'GET', path: '/apis', accept: AGGREGATED_ACCEPT }),
  ]);
  if (isAggregated(core.body) && isAggregated(groups.body)) {
    return new DiscoverySnapshot(
      [...parseAggregated(core.body), ...parseAggregated(groups.body)],
      'aggregated',
    );
  }
  const versions = [...parseCoreVersions(core.body), ...parseGroupList(groups.body)];
  const lists = await Promise.all(versions.map((v) => groupVersionResources(fetcher, v)));
  return new DiscoverySnapshot(lists.flat(), 'legacy');
}

/** One legacy group version; an unavailable one (an aggregated API that is down) is skipped. */
async function groupVersionResources(fetcher: DiscoveryFetcher, apiVersion: string): Promise<ResourceInfo[]> {
  const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  try {
    const res = await fetcher.request({ method: 'GET', path });
    return parseResourceList(apiVersion, res.body);
  } catch (error) {
    if (error instanceof UnreachableError) throw error;
    return [];
  }
}
