import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scopeLimit } from '../../../src/observe/playbook-trigger.ts';

const all = ['east', 'west', 'south'];
const hosts = (): string[] => all;

describe('a playbook run scoped by the observer', () => {
  it('has no limit without a scope or with nothing excluded', () => {
    assert.equal(scopeLimit(undefined, hosts), undefined);
    assert.equal(scopeLimit({}, hosts), undefined);
    assert.equal(scopeLimit({ except: [] }, hosts), undefined);
  });

  it('is limited to every host but the down ones, by name', () => {
    assert.deepEqual(scopeLimit({ except: ['west'] }, hosts), ['east', 'south']);
  });

  it('is limited to the retried hosts, less any that are down', () => {
    assert.deepEqual(scopeLimit({ only: ['west'] }, hosts), ['west']);
    assert.deepEqual(scopeLimit({ only: ['west', 'south'], except: ['south'] }, hosts), ['west']);
  });

  it('is empty (the run is skipped) when the scope leaves no host', () => {
    assert.deepEqual(scopeLimit({ except: all }, hosts), []);
    assert.deepEqual(scopeLimit({ only: ['west'], except: ['west'] }, hosts), []);
  });
});
