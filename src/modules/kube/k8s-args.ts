/** Arguments of the `k8s` module and their JSON Schema (validated before `run`). */
import type { SchemaObject } from 'ajv';

export interface K8sArgs {
  /** present (server-side apply, default), absent (delete), patched (merge patch onto existing objects only). */
  state?: 'present' | 'absent' | 'patched';
  /** An object, a list of objects, or YAML text (multi-document). */
  definition?: unknown;
  /** Files, directories or globs of YAML/JSON manifests. */
  src?: string | string[];
  /** Handlebars files rendered with the task's variables, then parsed like `src`. */
  template?: string | string[];
  /** Namespace for namespaced objects that name none. */
  namespace?: string;
  /** Refer to one object without a definition (mostly for `state: absent`). */
  api_version?: string;
  kind?: string;
  name?: string;
  /** Accepted for Ansible compatibility; mcsync always uses server-side apply. */
  apply?: boolean;
  /** Take over fields another field manager owns (server-side apply `force`). Default false. */
  force_conflicts?: boolean;
  wait?: boolean;
  wait_condition?: { type: string; status?: string | boolean; reason?: string };
  /** Seconds; default 120. */
  wait_timeout?: number;
  /** Seconds between polls; default 1. */
  wait_sleep?: number;
  delete_options?: {
    propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
    gracePeriodSeconds?: number;
    preconditions?: { uid?: string; resourceVersion?: string };
  };
  /** Go on with the other objects when one fails; the task still fails at the end. Default false. */
  continue_on_error?: boolean;
  /** Add `app.kubernetes.io/managed-by: mcsync` to written objects. Default true. */
  managed_by_label?: boolean;
  /** Name of an apply set: written objects get the label `mcsync.io/apply-set: NAME`. */
  apply_set?: string;
  /** With `apply_set`: delete members of the set this task no longer applies. Default false. */
  prune?: boolean;
}

const stringOrList = {
  oneOf: [
    { type: 'string', minLength: 1 },
    // An empty list is allowed so a role can pass its (maybe empty) list variable as it is.
    { type: 'array', items: { type: 'string', minLength: 1 } },
  ],
};

export const k8sArgsSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  properties: {
    state: { type: 'string', enum: ['present', 'absent', 'patched'] },
    definition: { type: ['object', 'array', 'string'] },
    src: stringOrList,
    template: stringOrList,
    namespace: { type: 'string', minLength: 1 },
    api_version: { type: 'string', minLength: 1 },
    kind: { type: 'string', minLength: 1 },
    name: { type: 'string', minLength: 1 },
    apply: { type: 'boolean' },
    force_conflicts: { type: 'boolean' },
    wait: { type: 'boolean' },
    wait_condition: {
      type: 'object',
      additionalProperties: false,
      required: ['type'],
      properties: {
        type: { type: 'string', minLength: 1 },
        status: { oneOf: [{ type: 'string', enum: ['True', 'False', 'Unknown'] }, { type: 'boolean' }] },
        reason: { type: 'string' },
      },
    },
    wait_timeout: { type: 'integer', minimum: 1 },
    wait_sleep: { type: 'integer', minimum: 1 },
    delete_options: {
      type: 'object',
      additionalProperties: false,
      properties: {
        propagationPolicy: { type: 'string', enum: ['Foreground', 'Background', 'Orphan'] },
        gracePeriodSeconds: { type: 'integer', minimum: 0 },
        preconditions: {
          type: 'object',
          additionalProperties: false,
          properties: { uid: { type: 'string' }, resourceVersion: { type: 'string' } },
        },
      },
    },
    continue_on_error: { type: 'boolean' },
    managed_by_label: { type: 'boolean' },
    apply_set: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$' },
    prune: { type: 'boolean' },
  },
};
