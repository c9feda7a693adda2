import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatRef, parseImageRef, referenceOf, targetRef } from '../../../src/image/image-ref.ts';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('parseImageRef', () => {
  it('reads namespace/repository:tag relative to the source registry', () => {
    assert.deepEqual(parseImageRef('demo/app:1.2'), {
      registry: undefined,
      repository: 'demo/app',
      tag: '1.2',
      digest: undefined,
    });
  });

  it('defaults the tag to latest and keeps a digest instead of a tag', () => {
    assert.equal(parseImageRef('demo/app').tag, 'latest');
    const byDigest = parseImageRef(`demo/app@${DIGEST}`);
    assert.equal(byDigest.digest, DIGEST);
    assert.equal(byDigest.tag, undefined);
    assert.equal(referenceOf(byDigest), DIGEST);
  });

  it('treats a first part with a dot, a colon or localhost as the registry host', () => {
    assert.equal(parseImageRef('127.0.0.1:5000/demo/app:1').registry, '127.0.0.1:5000');
    assert.equal(parseImageRef('registry.example.com/demo/app').registry, 'registry.example.com');
    assert.equal(parseImageRef('localhost/demo/app').registry, 'localhost');
    assert.equal(parseImageRef('demo/app:1').registry, undefined);
  });

  it('rejects bad references naming the key and the reason', () => {
    assert.throws(
      () => parseImageRef('Demo/App:1', 'images[0].name'),
      /images\[0\]\.name 'Demo\/App:1'.*lower case/,
    );
    assert.throws(() => parseImageRef('demo/app@sha256:12'), /sha256:<64 hex digits>/);
    assert.throws(() => parseImageRef('demo/app:bad/tag'), /not an image reference/);
  });
});

describe('targetRef and formatRef', () => {
  it('keeps repository and tag at the target unless `to` renames it', () => {
    const source = parseImageRef('reg.example.com/demo/app:1');
    assert.equal(formatRef('west:5000', targetRef(source, undefined)), 'west:5000/demo/app:1');
    assert.equal(
      formatRef('west:5000', targetRef(source, parseImageRef('prod/app:stable'))),
      'west:5000/prod/app:stable',
    );
    assert.equal(formatRef('r', parseImageRef(`a/b@${DIGEST}`)), `r/a/b@${DIGEST}`);
  });
});
