import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffMs, parseRetryAfter, shouldRetry } from '../../../src/kube/retry.ts';
import type { RetryPolicy } from '../../../src/kube/retry.ts';
import { requestInfo, shortRequest } from '../../../src/kube/request-info.ts';

/** backoffMs with a jitter source that always returns `random` (0: the shortest wait, 1: the longest). */
function backoff(
  attempt: number,
  random: number,
  options: { retryAfter?: string; policy?: RetryPolicy },
): number {
  return backoffMs(attempt, options.retryAfter, options.policy, () => random);
}

describe('retry policy', () => {
  it('retries 429 and 5xx, and 409 Conflict only for non-apply writes', () => {
    for (const status of [429, 500, 502, 503, 504])
      assert.equal(shouldRetry(status, undefined, false), true, String(status));
    assert.equal(shouldRetry(409, 'Conflict', true), true);
    assert.equal(shouldRetry(409, 'Conflict', false), false);
    assert.equal(shouldRetry(409, 'AlreadyExists', true), false);
    for (const status of [400, 401, 403, 404, 422, 501])
      assert.equal(shouldRetry(status, undefined, true), false, String(status));
  });

  it('backs off exponentially with jitter, capped', () => {
    const policy = { attempts: 5, baseMs: 100, capMs: 1000 };
    assert.equal(backoff(0, 0, { policy }), 50);
    assert.equal(backoff(0, 1, { policy }), 100);
    assert.equal(backoff(2, 1, { policy }), 400);
    assert.equal(backoff(10, 1, { policy }), 1000);
  });

  it('honours Retry-After in seconds or as a date, up to 30 s', () => {
    assert.equal(backoff(0, 0, { retryAfter: '3' }), 3000);
    assert.equal(backoff(0, 0, { retryAfter: '3600' }), 30_000);
    const now = Date.parse('2024-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('Mon, 01 Jan 2024 00:00:02 GMT', now), 2000);
    assert.equal(parseRetryAfter('soon', now), undefined);
  });
});

describe('requestInfo', () => {
  it('reads verb, apiVersion, resource, namespace and name from API paths', () => {
    assert.deepEqual(requestInfo('POST', '/api/v1/namespaces/demo/configmaps?dryRun=All'), {
      verb: 'create',
      apiVersion: 'v1',
      resource: 'configmaps',
      namespace: 'demo',
      name: undefined,
    });
    const get = requestInfo('GET', '/apis/apps/v1/namespaces/demo/deployments/web');
    assert.equal(shortRequest(get), 'get apps/v1/deployments');
    assert.equal(get.name, 'web');
    assert.equal(requestInfo('GET', '/api/v1/pods').verb, 'list');
    assert.equal(requestInfo('GET', '/api/v1/pods?watch=true').verb, 'watch');
    assert.equal(
      requestInfo('PATCH', '/apis/rbac.authorization.k8s.io/v1/clusterroles/x').namespace,
      undefined,
    );
    assert.equal(requestInfo('DELETE', '/api/v1/namespaces/demo').namespace, 'demo');
    assert.equal(requestInfo('GET', '/api/v1/namespaces/demo/pods/p/log').resource, 'pods/log');
  });
});
