/**
 * Reads an API path back into what it means (verb, apiVersion, resource, namespace, name), so
 * that error messages can say "cannot create configmaps in namespace 'demo'" for any request.
 */

export interface RequestInfo {
  /** Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection. */
  verb: string;
  /** `v1` or `group/version`; '' when the path is not a resource path (discovery, /version). */
  apiVersion: string;
  /** Plural resource, with `/subresource` when there is one. */
  resource: string;
  namespace: string | undefined;
  name: string | undefined;
}

/** Parses `/api/v1/namespaces/demo/configmaps/x?dryRun=All` and friends. */
export function requestInfo(method: string, fullPath: string): RequestInfo {
  const [pathPart = '', query = ''] = fullPath.split('?', 2);
  const parts = pathPart.split('/').filter(Boolean).map(decodeURIComponent);
  let rest: string[];
  let apiVersion: string;
  if (parts[0] === 'api' && parts.length >= 2) {
    apiVersion = parts[1] ?? '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    apiVersion = `${parts[1]}/${parts[2]}`;
    rest = parts.slice(3);
  } else {
    return {
      verb: method.toLowerCase(),
      apiVersion: '',
      resource: pathPart,
      namespace: undefined,
      name: undefined,
    };
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource = '', name, ...sub] = rest;
  const hasName = name !== undefined;
  const watch = /(^|&)watch=(true|1)/.test(query);
  return {
    verb: verbOf(method, hasName, watch),
    apiVersion,
    resource: sub.length ? `${resource}/${sub.join('/')}` : resource,
    namespace: resource === 'namespaces' && hasName ? name : namespace,
    name,
  };
}

function verbOf(method: string, hasName: boolean, watch: boolean): string {
  switch (method.toUpperCase()) {
    case 'GET':
      return watch ? 'watch' : hasName ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return hasName ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

/** `create v1/configmaps` — the short form used at the end of messages; `GET /apis` for non-resource paths. */
export function shortRequest(info: RequestInfo): string {
  return info.apiVersion
    ? `${info.verb} ${info.apiVersion}/${info.resource}`
    : `${info.verb.toUpperCase()} ${info.resource}`;
}
