/**
 * k8s_info: reads objects — one by name, or a list by namespace (all namespaces when none is
 * given), label selectors and field selectors. Returns `resources`; a kind the cluster does not
 * serve gives `api_found: false` and a message saying what is served (as Ansible's k8s_info).
 */
import type { SchemaObject } from 'ajv';
import type { ModuleDefinition } from '../../model/module.ts';
import { getObject, kubeClientFor, listObjects, UnknownKindError } from '../../kube/index.ts';

export interface K8sInfoArgs {
  /** Default `v1`. */
  api_version?: string;
  kind: string;
  name?: string;
  /** Without it, namespaced kinds are listed across all namespaces. */
  namespace?: string;
  /** Joined with commas: `['app=web', 'tier!=db']`. */
  label_selectors?: string | string[];
  field_selectors?: string | string[];
}

const selectors = { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string', minLength: 1 } }] };

const schema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['kind'],
  properties: {
    api_version: { type: 'string', minLength: 1 },
    kind: { type: 'string', minLength: 1 },
    name: { type: 'string', minLength: 1 },
    namespace: { type: 'string', minLength: 1 },
    label_selectors: selectors,
    field_selectors: selectors,
  },
};

const joined = (value: string | string[] | undefined): string | undefined => {
  const text = Array.isArray(value) ? value.join(',') : value;
  return text ? text : undefined;
};

export const k8sInfoModule: ModuleDefinition<K8sInfoArgs> = {
  name: 'k8s_info',
  aliases: ['kubernetes.core.k8s_info'],
  description: 'Read Kubernetes objects by kind, name, namespace and selectors; returns resources.',
  supportsCheckMode: true,
  argsSchema: schema,
  async run(args, context) {
    const client = await kubeClientFor(context);
    const apiVersion = args.api_version ?? 'v1';
    try {
      if (args.name !== undefined) {
        const found = await getObject(client, {
          apiVersion,
          kind: args.kind,
          name: args.name,
          namespace: args.namespace,
        });
        return { changed: false, api_found: true, resources: found ? [found] : [] };
      }
      const { items } = await listObjects(client, {
        apiVersion,
        kind: args.kind,
        namespace: args.namespace,
        labelSelector: joined(args.label_selectors),
        fieldSelector: joined(args.field_selectors),
      });
      return { changed: false, api_found: true, resources: items };
    } catch (error) {
      if (!(error instanceof UnknownKindError)) throw error;
      // Probing whether an API is served is a normal use (the create role does it): the result says so,
      // so the message is detail for -v rather than a warning.
      context.log.info(error.message);
      return { changed: false, api_found: false, resources: [], msg: error.message };
    }
  },
};
