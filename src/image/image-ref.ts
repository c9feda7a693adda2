/**
 * Image references as users write them in `images:`: `<namespace>/<repository>:<tag>`,
 * `…@sha256:<digest>`, or a full reference with a registry host in front
 * (`registry.example.com:5000/demo/app:1`). A first path part with a dot, a colon or
 * `localhost` is a registry host, as in Docker's own rule.
 */
import { McsyncError } from '../errors.ts';

/** A parsed reference; `registry` is set only when the text named one. */
export interface ImageRef {
  registry: string | undefined;
  /** Repository path inside the registry, e.g. `demo/app`. */
  repository: string;
  /** Exactly one of tag and digest is set (`latest` when neither was written). */
  tag: string | undefined;
  digest: string | undefined;
}

const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** Parses `text`; throws a McsyncError naming `key` (e.g. `images[2].name`) when it is not a reference. */
export function parseImageRef(text: string, key = 'name'): ImageRef {
  const bad = (why: string): McsyncError =>
    new McsyncError(`image_copy: ${key} '${text}' is not an image reference: ${why}`, { key });
  const [rest, digest] = splitOnce(text.trim(), '@');
  if (digest !== undefined && !DIGEST.test(digest)) throw bad('the digest must be sha256:<64 hex digits>');
  const { registry, path } = splitRegistry(rest);
  const colon = path.lastIndexOf(':');
  const repository = colon >= 0 ? path.slice(0, colon) : path;
  const tag = colon >= 0 ? path.slice(colon + 1) : undefined;
  if (tag !== undefined && !TAG.test(tag)) throw bad(`'${tag}' is not a valid tag`);
  if (!REPOSITORY.test(repository)) throw bad('expected <namespace>/<repository>:<tag> (lower case)');
  if (digest !== undefined) return { registry, repository, tag: undefined, digest };
  return { registry, repository, tag: tag ?? 'latest', digest: undefined };
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/** A first path part with a dot, a colon or `localhost` is a registry host. */
function splitRegistry(text: string): { registry: string | undefined; path: string } {
  const slash = text.indexOf('/');
  const first = slash < 0 ? '' : text.slice(0, slash);
  if (first && (first.includes('.') || first.includes(':') || first === 'localhost'))
    return { registry: first, path: text.slice(slash + 1) };
  return { registry: undefined, path: text };
}

/** `tag` or `sha256:…`: what goes after `/manifests/` in the registry API. */
export function referenceOf(ref: ImageRef): string {
  return ref.digest ?? ref.tag ?? 'latest';
}

/** `registry/repository:tag` (or `@digest`) with the given registry host. */
export function formatRef(registry: string, ref: ImageRef): string {
  const suffix = ref.digest ? `@${ref.digest}` : `:${ref.tag ?? 'latest'}`;
  return `${registry}/${ref.repository}${suffix}`;
}

/**
 * The reference at a target: `to` when given (its registry, if any, wins over `registry`), else the
 * source's repository and tag. A source given by digest keeps the digest at the target.
 */
export function targetRef(source: ImageRef, to: ImageRef | undefined): ImageRef {
  if (!to) return { ...source, registry: undefined };
  return to;
}
