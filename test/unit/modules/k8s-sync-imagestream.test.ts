import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/kube/types.ts';
import { tagState } from '../../../src/modules/kube/k8s-sync-images.ts';
import type { ImageStreamSettings } from '../../../src/modules/kube/k8s-sync-imagestream.ts';
import { planImageStream } from '../../../src/modules/kube/k8s-sync-imagestream.ts';
import { prepareObject } from '../../../src/modules/kube/k8s-sync-prepare.ts';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const REPO = 'image-registry.openshift-image-registry.svc:5000/demo/app';

/**
 * An ImageStream as OpenShift returns it after `docker push …/demo/app:v1` and `:v2`: the pushed
 * tags exist only in status; `stable` is a user's spec tag with annotations that points at v1;
 * `upstream` a spec tag not imported yet.
 */
function pushedStream(): KubeObject {
  return {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: {
      name: 'app',
      namespace: 'demo',
      uid: 'c0ffee',
      resourceVersion: '5501',
      generation: 3,
      annotations: { sync: 'me', 'openshift.io/image.dockerRepositoryCheck': '2025-03-01T10:00:00Z' },
    },
    spec: {
      lookupPolicy: { local: false },
      tags: [
        {
          name: 'stable',
          annotations: { description: 'what prod runs' },
          from: { kind: 'ImageStreamTag', name: 'app:v1' },
          generation: 2,
          importPolicy: {},
          referencePolicy: { type: 'Source' },
        },
        { name: 'upstream', from: { kind: 'DockerImage', name: 'quay.io/acme/app:9' }, generation: 3 },
      ],
    },
    status: {
      dockerImageRepository: REPO,
      publicDockerImageRepository: 'registry.east.example.com/demo/app',
      tags: [
        {
          tag: 'stable',
          items: [{ created: 't', dockerImageReference: `${REPO}@${D1}`, image: D1, generation: 2 }],
        },
        {
          tag: 'v1',
          items: [{ created: 't', dockerImageReference: `${REPO}@${D1}`, image: D1, generation: 1 }],
        },
        {
          tag: 'v2',
          items: [
            { created: 't2', dockerImageReference: `${REPO}@${D2}`, image: D2, generation: 3 },
            { created: 't1', dockerImageReference: `${REPO}@${D1}`, image: D1, generation: 1 },
          ],
        },
        { tag: 'broken', items: null, conditions: [{ type: 'ImportSuccess', status: 'False' }] },
      ],
    },
  };
}

const mirror: ImageStreamSettings = { mode: 'mirror', pin: 'tag' };
const target = { namespace: 'demo', name: 'app' };

function specTags(object: KubeObject): unknown {
  return (object['spec'] as { tags: unknown }).tags;
}

describe('ImageStream sync modes', () => {
  it('mirror: pushed status tags become spec tags pointing at the public repository, spec-only tags stay', () => {
    const plan = planImageStream(pushedStream(), mirror, target);
    assert.ok(plan);
    const pub = 'registry.east.example.com/demo/app';
    assert.deepEqual(specTags(plan.object), [
      {
        name: 'stable',
        annotations: { description: 'what prod runs' },
        from: { kind: 'DockerImage', name: `${pub}:stable` },
        generation: 2,
        importPolicy: {},
        referencePolicy: { type: 'Source' },
      },
      { name: 'upstream', from: { kind: 'DockerImage', name: 'quay.io/acme/app:9' }, generation: 3 },
      { name: 'v1', from: { kind: 'DockerImage', name: `${pub}:v1` } },
      { name: 'v2', from: { kind: 'DockerImage', name: `${pub}:v2` } },
    ]);
    assert.deepEqual(
      plan.tags.map((t) => [t.tag, t.digest]),
      [
        ['stable', D1],
        ['v1', D1],
        ['v2', D2],
      ],
    );
  });

  it('mirror without a public repository uses status.dockerImageRepository, as oc export', () => {
    const stream = pushedStream();
    delete (stream['status'] as Record<string, unknown>)['publicDockerImageRepository'];
    const plan = planImageStream(stream, mirror, target);
    assert.equal(plan?.tags.find((t) => t.tag === 'v2')?.from, `${REPO}:v2`);
  });

  it('mirror with imagestream_pin: digest points each tag at the exact image the source has', () => {
    const plan = planImageStream(pushedStream(), { mode: 'mirror', pin: 'digest' }, target);
    assert.equal(plan?.tags.find((t) => t.tag === 'v2')?.from, `registry.east.example.com/demo/app@${D2}`);
  });

  it('copy: tags point at the target registry by digest, images copied by digest under the tag', () => {
    const settings: ImageStreamSettings = {
      mode: 'copy',
      pin: 'tag',
      sourceRegistry: '127.0.0.1:5001',
      targetRegistry: '127.0.0.1:5002',
    };
    const plan = planImageStream(pushedStream(), settings, { namespace: 'demo', name: 'east-app' });
    assert.deepEqual(
      plan?.tags.find((t) => t.tag === 'v2'),
      {
        tag: 'v2',
        digest: D2,
        from: `127.0.0.1:5002/demo/east-app@${D2}`,
        copy: { name: `demo/app@${D2}`, to: 'demo/east-app:v2' },
      },
    );
  });

  it('copy without registry variables says which host lacks one', () => {
    assert.throws(
      () => planImageStream(pushedStream(), { mode: 'copy', pin: 'tag' }, target),
      /needs the source host's registry variable/,
    );
  });

  it('spec mode, and an annotation on the stream, choose per object', () => {
    assert.equal(planImageStream(pushedStream(), { mode: 'spec', pin: 'tag' }, target), undefined);
    const stream = pushedStream();
    (stream.metadata?.annotations as Record<string, string>)['mcsync.io/imagestream-mode'] = 'spec';
    assert.equal(planImageStream(stream, mirror, target), undefined);
    (stream.metadata?.annotations as Record<string, string>)['mcsync.io/imagestream-mode'] = 'clone';
    assert.throws(() => planImageStream(stream, mirror, target), /'clone' is not one of mirror, copy, spec/);
  });

  it('a stream backed by an upstream spec.dockerImageRepository keeps its spec, as oc export', () => {
    const stream = pushedStream();
    (stream['spec'] as Record<string, unknown>)['dockerImageRepository'] = 'quay.io/acme/app';
    const plan = planImageStream(stream, mirror, target);
    assert.deepEqual(plan?.tags, []);
    assert.deepEqual(specTags(plan?.object as KubeObject), specTags(pushedStream()));
  });

  it('the object written to the target has no status, no tag generations and a stable hash', () => {
    const options = { source: 'east', overrides: [], prefix: '', suffix: '', imageStreams: mirror };
    const first = prepareObject(pushedStream(), options);
    assert.equal(first.object['status'], undefined);
    assert.ok(JSON.stringify(first.object).indexOf('generation') < 0);
    assert.equal(
      first.object.metadata?.annotations?.['mcsync.io/origin-hash'],
      prepareObject(pushedStream(), options).object.metadata?.annotations?.['mcsync.io/origin-hash'],
    );
    const pushedAgain = pushedStream();
    const tags = (pushedAgain['status'] as { tags: Record<string, unknown>[] }).tags;
    tags.push({ tag: 'v3', items: [{ image: D2, dockerImageReference: `${REPO}@${D2}` }] });
    assert.notEqual(
      prepareObject(pushedAgain, options).object.metadata?.annotations?.['mcsync.io/origin-hash'],
      first.object.metadata?.annotations?.['mcsync.io/origin-hash'],
      'a new pushed tag is a change',
    );
  });
});

describe('tagState on the target', () => {
  const plan = { tag: 'v1', digest: D1, from: 'r/demo/app:v1' };
  const live = (tagStatus: Record<string, unknown>, generation = 4): KubeObject => ({
    kind: 'ImageStream',
    metadata: { name: 'app', generation },
    spec: { tags: [{ name: 'v1', from: { kind: 'DockerImage', name: 'r/demo/app:v1' } }] },
    status: { tags: [{ tag: 'v1', ...tagStatus }] },
  });

  it('is imported when the newest item has the source digest', () => {
    assert.deepEqual(tagState(live({ items: [{ image: D1 }] }), plan), { state: 'imported' });
  });

  it('is failed with the importer reason and message for the current generation', () => {
    const failure = {
      type: 'ImportSuccess',
      status: 'False',
      reason: 'Unauthorized',
      message: 'you may not have access to the container image',
      generation: 4,
    };
    assert.deepEqual(tagState(live({ conditions: [failure] }), plan), {
      state: 'failed',
      reason: 'Unauthorized',
      message: 'you may not have access to the container image',
    });
    assert.deepEqual(tagState(live({ conditions: [{ ...failure, generation: 3 }] }), plan), {
      state: 'pending',
    });
  });

  it('is pending while the target holds another image or nothing', () => {
    assert.deepEqual(tagState(live({ items: [{ image: D2 }] }), plan), { state: 'pending' });
    assert.deepEqual(tagState({ kind: 'ImageStream', metadata: {} }, plan), { state: 'pending' });
  });
});
