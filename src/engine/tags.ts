/**
 * Tag selection with Ansible's rules: `always` runs unless skipped by name, `never` runs only when
 * asked for by name, `tagged`/`untagged`/`all` are special selectors.
 */
export interface TagFilter {
  tags: string[];
  skipTags: string[];
}

/** True when a task carrying `taskTags` (inherited ones included) runs under `filter`. */
export function tagsAllow(taskTags: readonly string[], filter: TagFilter): boolean {
  const has = (tag: string): boolean => taskTags.includes(tag);
  const selected = filter.tags.length === 0 ? ['all'] : filter.tags;
  if (
    filter.skipTags.some(
      (tag) =>
        has(tag) ||
        (tag === 'tagged' && taskTags.length > 0) ||
        (tag === 'untagged' && taskTags.length === 0),
    )
  ) {
    return false;
  }
  if (filter.skipTags.includes('all') && !has('always')) return false;
  if (has('always') && !filter.skipTags.includes('always')) return true;
  if (has('never') && !selected.some((tag) => tag !== 'all' && has(tag))) return false;
  return selected.some(
    (tag) =>
      tag === 'all' ||
      has(tag) ||
      (tag === 'tagged' && taskTags.length > 0) ||
      (tag === 'untagged' && taskTags.length === 0),
  );
}
