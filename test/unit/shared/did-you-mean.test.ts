import assert from 'node:assert/strict';
import { test } from 'node:test';
import { didYouMean, editDistance, nearest } from '../../../src/shared/did-you-mean.ts';

test('an adjacent swap counts as one edit', () => {
  assert.equal(editDistance('whne', 'when'), 1);
  assert.equal(editDistance('when', 'when'), 0);
  assert.equal(editDistance('k8s_synk', 'k8s_sync'), 1);
  assert.equal(editDistance('', 'abc'), 3);
});

test('the nearest candidate within two edits is suggested', () => {
  assert.equal(nearest('retires', ['retries', 'register', 'delay']), 'retries');
  assert.equal(nearest('lop', ['loop', 'tags']), 'loop');
  assert.equal(nearest('completely', ['when', 'loop']), undefined);
});

test('short words need a closer match', () => {
  assert.equal(nearest('ab', ['when', 'args']), undefined);
});

test('didYouMean phrases the hint or says nothing', () => {
  assert.equal(didYouMean('whn', ['when']), "; did you mean 'when'?");
  assert.equal(didYouMean('zzzzzz', ['when']), '');
});
