import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoadError } from '../../../src/errors.ts';
import { parseHubPool } from '../../../src/failover/hubpool.ts';
import { parseHubPoolRef } from '../../../src/failover/hubpool-ref.ts';

describe('hubpool_ref', () => {
  it('is off when empty', () => {
    for (const value of [undefined, null, '', {}]) assert.equal(parseHubPoolRef(value), undefined);
  });

  it('reads NAME, NAMESPACE/NAME and HOST/NAMESPACE/NAME, namespace default rhacm-mirror', () => {
    assert.deepEqual(parseHubPoolRef('my-hubpool'), {
      host: undefined,
      namespace: 'rhacm-mirror',
      name: 'my-hubpool',
    });
    assert.deepEqual(parseHubPoolRef('ops/pool'), { host: undefined, namespace: 'ops', name: 'pool' });
    assert.deepEqual(parseHubPoolRef('west/ops/pool'), { host: 'west', namespace: 'ops', name: 'pool' });
    assert.deepEqual(parseHubPoolRef({ host: 'west', name: 'pool' }), {
      host: 'west',
      namespace: 'rhacm-mirror',
      name: 'pool',
    });
  });

  it('names hubpool_ref and the problem when the reference is bad', () => {
    const cases: [unknown, RegExp][] = [
      ['a/b/c/d', /^hubpool_ref: expected NAME, NAMESPACE\/NAME or HOST\/NAMESPACE\/NAME, got 'a\/b\/c\/d'$/],
      [{ namespace: 'ops' }, /^hubpool_ref: name is missing/],
      [{ name: 'p', nmespace: 'ops' }, /^hubpool_ref: unknown field nmespace/],
      ['ops/My_Pool', /^hubpool_ref: name 'My_Pool' is not a valid Kubernetes name$/],
      [42, /^hubpool_ref: expected \{host, namespace, name\}/],
    ];
    for (const [value, message] of cases) {
      assert.throws(
        () => parseHubPoolRef(value),
        (error: unknown) => error instanceof LoadError && message.test(error.message),
        String(value),
      );
    }
  });
});

describe('a HubPool read from a cluster', () => {
  it('names the object before each bad field, since there is no file:line', () => {
    assert.throws(
      () =>
        parseHubPool({
          document: { kind: 'HubPool', spec: { pool: ['a', 'b'], ping_period: 'soon' } },
          origin: 'HubPool ops/pool on west',
        }),
      (error: unknown) =>
        error instanceof LoadError &&
        error.describe() ===
          'HubPool ops/pool on west: spec.ping_period: expected a duration like 2m, 30s or 500ms, got "soon" (a string)',
    );
  });
});
