import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BuildImages } from '../../builder/types.js';
import type { Digest } from '../../image/digest.js';
import type { StoredImage } from '../../store/images/types.js';
import { BuildHolds, holdingImages } from './build-holds.js';

const A = 'sha256:aa' as Digest;
const B = 'sha256:bb' as Digest;
const C = 'sha256:cc' as Digest;
const D = 'sha256:dd' as Digest;
const image = (id: Digest) => ({ record: { id } }) as StoredImage;

test('an image stays held until every build holding it has ended', () => {
  const holds = new BuildHolds();
  const one = holds.session();
  const two = holds.session();
  one.hold(A);
  one.hold(A);
  two.hold(A);
  two.hold(B);
  assert.ok(holds.has(A) && holds.has(B));
  one.release();
  one.release();
  assert.ok(holds.has(A), 'the second build still uses A');
  two.release();
  assert.ok(!holds.has(A) && !holds.has(B));
  two.hold(C);
  assert.ok(!holds.has(C), 'an ended build holds nothing new');
});

test('a build holds what it resolves, finds, looks up and creates, not what it only tags', async () => {
  const holds = new BuildHolds();
  const inner: BuildImages = {
    resolveForBuild: async () => image(A),
    get: (id) => (id === B ? image(B) : undefined),
    find: (name) => (name === 'cache-source' ? image(D) : undefined),
    create: async () => image(C),
    tag: async (_id, name) => name,
  };
  const s = holds.session();
  const images = holdingImages(inner, s);
  await images.resolveForBuild('busybox', false);
  assert.equal(images.get('sha256:ff' as Digest), undefined);
  assert.equal(images.find('nothing'), undefined);
  images.find('cache-source');
  images.get(B);
  await images.create({} as never, undefined);
  await images.tag('sha256:ee' as Digest, 'x:1');
  assert.deepEqual([A, B, C, D, 'sha256:ee', 'sha256:ff'].map((d) => holds.has(d as Digest)), [true, true, true, true, false, false]);
  s.release();
  assert.ok(![A, B, C, D].some((d) => holds.has(d)));
});
