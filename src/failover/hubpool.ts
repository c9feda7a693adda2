/**
 * The HubPool document (the rhacm-mirror seed's CR) → HubPoolConfig. Accepts the whole document
 * (`apiVersion`, `kind`, `metadata`, `spec`) or a bare spec. `spec.pool` is the seed's list of
 * single-key maps (`- hub0: api.hub0.example.com`), a plain map, a list of names, or absent
 * (then the inventory group `hubs`). Every problem names its field, and `file:line:column` when
 * the document was read from a file.
 */
import type { YamlSource } from '../shared/yaml-source.ts';
import { parseDuration } from './duration.ts';
import { fieldErrors, isMapping, text } from './fields.ts';
import type { FieldErrors, FieldPath } from './fields.ts';
import { parseAlert, parseBackup } from './hubpool-parts.ts';
import type { HubPoolConfig, HubSpec } from './types.ts';
import { HUBPOOL_API_VERSION, HUBPOOL_KIND } from './types.ts';

const DOCUMENT_KEYS = ['apiVersion', 'kind', 'metadata', 'spec', 'alert'];
const SPEC_KEYS = [
  'pool',
  'initial_leader',
  'ping_period',
  'ping_fails_acceptable',
  'ping_timeout',
  'restore_timeout',
  'backup_location',
  'failover_alert_email',
  'alert',
];
const DEFAULT_PERIOD_MS = 120_000;
const DEFAULT_FAILS = 3;
const DEFAULT_RESTORE_TIMEOUT_MS = 600_000;

export interface HubPoolInput {
  /** The document (or bare spec) as a plain value. */
  document: unknown;
  /** Alert settings given outside the document (the `alert` variable); spec.alert wins. */
  alert?: unknown;
  /** Where `document` came from, for `file:line:column` in errors. */
  source?: YamlSource | undefined;
  /** Hubs of the inventory group `hubs`, used when spec.pool is absent. */
  inventoryHubs?: readonly string[];
  /** Names a document read from a cluster in every error (`HubPool ns/name on hub`). */
  origin?: string | undefined;
}

/** Validates a HubPool; throws LoadError/LoadErrors naming every bad field. */
export function parseHubPool(input: HubPoolInput): HubPoolConfig {
  const errors = fieldErrors(input.source, [], input.origin);
  const doc = input.document;
  if (!isMapping(doc)) {
    errors.add([], `expected a HubPool mapping (apiVersion, kind, spec), got ${describe(doc)}`);
    errors.throwIfAny();
  }
  const mapping = doc as Record<string, unknown>;
  const whole = 'spec' in mapping || 'kind' in mapping || 'apiVersion' in mapping;
  const specPath: FieldPath = whole ? ['spec'] : [];
  if (whole) checkHeader(mapping, errors);
  const spec = whole ? mapping['spec'] : mapping;
  if (!isMapping(spec)) {
    errors.add(specPath, `expected a mapping, got ${describe(spec)}`);
    errors.throwIfAny();
  }
  return buildConfig(spec as Record<string, unknown>, specPath, mapping, whole, input, errors);
}

function buildConfig(
  s: Record<string, unknown>,
  specPath: FieldPath,
  mapping: Record<string, unknown>,
  whole: boolean,
  input: HubPoolInput,
  errors: FieldErrors,
): HubPoolConfig {
  errors.unknownKeys(s, specPath, SPEC_KEYS);
  const at = (key: string): FieldPath => [...specPath, key];
  const pool = parsePool(s['pool'], at('pool'), errors, input.inventoryHubs ?? []);
  const names = pool.map((h) => h.name);
  const initialLeader = text(s['initial_leader']) ?? names[0] ?? '';
  if (s['initial_leader'] !== undefined && !names.includes(initialLeader) && names.length) {
    errors.add(at('initial_leader'), `'${initialLeader}' is not in the pool (${names.join(', ')})`);
  }
  const pingPeriodMs = duration(s['ping_period'], at('ping_period'), errors) ?? DEFAULT_PERIOD_MS;
  const pingFailsAcceptable = positiveInt(s['ping_fails_acceptable'], at('ping_fails_acceptable'), errors);
  const timeout = duration(s['ping_timeout'], at('ping_timeout'), errors);
  const restoreTimeout = duration(s['restore_timeout'], at('restore_timeout'), errors);
  const backup = optional(s['backup_location'], (v) => parseBackup(v, at('backup_location'), errors));
  const [alertValue, alertPath] = alertSource(s, mapping, input.alert, at('alert'));
  const alert = parseAlert(
    s['failover_alert_email'],
    at('failover_alert_email'),
    alertValue,
    alertPath,
    errors,
  );
  errors.throwIfAny();
  return {
    name: metadataName(mapping, whole),
    pool,
    initialLeader,
    pingPeriodMs,
    pingFailsAcceptable: pingFailsAcceptable ?? DEFAULT_FAILS,
    pingTimeoutMs: timeout ?? Math.min(pingPeriodMs, 10_000),
    restoreTimeoutMs: restoreTimeout ?? DEFAULT_RESTORE_TIMEOUT_MS,
    backup,
    alert,
  };
}

/** Where the alert settings come from: spec.alert, the document's alert, else the variable. */
function alertSource(
  spec: Record<string, unknown>,
  doc: Record<string, unknown>,
  variable: unknown,
  specPath: FieldPath,
): [unknown, FieldPath] {
  if (spec['alert'] !== undefined) return [spec['alert'], specPath];
  if (doc['alert'] !== undefined) return [doc['alert'], ['alert']];
  return [variable, []];
}

function optional<T>(value: unknown, parse: (value: unknown) => T): T | undefined {
  return value === undefined ? undefined : parse(value);
}

function checkHeader(doc: Record<string, unknown>, errors: FieldErrors): void {
  errors.unknownKeys(doc, [], DOCUMENT_KEYS);
  if (doc['apiVersion'] !== undefined && doc['apiVersion'] !== HUBPOOL_API_VERSION) {
    errors.add(['apiVersion'], `expected '${HUBPOOL_API_VERSION}', got ${describe(doc['apiVersion'])}`);
  }
  if (doc['kind'] !== undefined && doc['kind'] !== HUBPOOL_KIND) {
    errors.add(['kind'], `expected '${HUBPOOL_KIND}', got ${describe(doc['kind'])}`);
  }
  if (doc['spec'] === undefined) errors.add(['spec'], 'missing; a HubPool needs spec.pool and friends');
}

function metadataName(doc: Record<string, unknown>, whole: boolean): string {
  const meta = whole && isMapping(doc['metadata']) ? doc['metadata'] : {};
  const name = text(meta['name']) ?? 'hubpool';
  return name.toLowerCase().replace(/[^a-z0-9-]/g, '-');
}

/** The pool in order; duplicate names are an error. */
function parsePool(
  value: unknown,
  path: FieldPath,
  errors: FieldErrors,
  inventoryHubs: readonly string[],
): HubSpec[] {
  let hubs: HubSpec[] = [];
  if (value === undefined || value === null) {
    hubs = inventoryHubs.map((name) => ({ name, url: undefined }));
    if (!hubs.length) errors.add(path, 'missing, and the inventory has no group `hubs`');
  } else if (Array.isArray(value)) {
    value.forEach((entry, index) => hubs.push(...poolEntry(entry, [...path, index], errors)));
  } else if (isMapping(value)) {
    for (const [name, url] of Object.entries(value)) hubs.push(hub(name, url, [...path, name], errors));
  } else {
    errors.add(path, `expected a list of '- name: api-url' entries or a mapping, got ${describe(value)}`);
  }
  const seen = new Set<string>();
  for (const [index, h] of hubs.entries()) {
    if (seen.has(h.name)) errors.add([...path, index], `hub '${h.name}' is listed twice`);
    seen.add(h.name);
  }
  if (value !== undefined && value !== null && hubs.length === 0) errors.add(path, 'the pool is empty');
  return hubs;
}

function poolEntry(entry: unknown, path: FieldPath, errors: FieldErrors): HubSpec[] {
  if (typeof entry === 'string' && entry.trim()) return [{ name: entry.trim(), url: undefined }];
  if (isMapping(entry) && Object.keys(entry).length === 1) {
    const [name, url] = Object.entries(entry)[0] as [string, unknown];
    return [hub(name, url, [...path, name], errors)];
  }
  if (isMapping(entry) && typeof entry['name'] === 'string') {
    errors.unknownKeys(entry, path, ['name', 'url']);
    return [hub(entry['name'], entry['url'] ?? null, [...path, 'url'], errors)];
  }
  errors.add(path, `expected '- hub-name: api-url' (one key), got ${describe(entry)}`);
  return [];
}

function hub(name: string, url: unknown, path: FieldPath, errors: FieldErrors): HubSpec {
  if (url === null || url === undefined || url === '') return { name, url: undefined };
  const u = text(url);
  if (!u || /\s/.test(u)) errors.add(path, `expected an API URL or host:port, got ${describe(url)}`);
  return { name, url: u };
}

function duration(value: unknown, path: FieldPath, errors: FieldErrors): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = parseDuration(value);
  if (ms === undefined) errors.add(path, `expected a duration like 2m, 30s or 500ms, got ${describe(value)}`);
  return ms;
}

function positiveInt(value: unknown, path: FieldPath, errors: FieldErrors): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 1) return n;
  errors.add(path, `expected a whole number of at least 1, got ${describe(value)}`);
  return undefined;
}

/** `'soon' (a string)` style description for messages. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${JSON.stringify(value)} (a ${typeof value})`;
}
