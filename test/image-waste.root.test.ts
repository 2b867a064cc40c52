/**
 * `berth image waste` and berth's `GET /images/{name}/waste` on a built image whose waste is
 * known: a 100000-byte file made by one RUN and deleted by the next, and a file overwritten.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildDaemon, type BuildDaemon } from './build-fixture.js';

describe('berth image waste', () => {
  let b: BuildDaemon;
  before(async () => {
    b = await buildDaemon();
    const dir = b.context({
      Dockerfile: 'FROM busybox:latest\nRUN head -c 100000 /dev/zero > /big && echo a > /conf\nRUN rm /big && echo bb > /conf\n',
    });
    const r = await b.build(dir, ['-t', 'waste:1']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
  });
  after(async () => {
    await b.cleanup();
  });

  it('reports per layer the bytes later layers delete or overwrite, with the step, and the dive score', async () => {
    const r = await b.d.berth(['image', 'waste', '--format', 'json', 'waste:1']);
    assert.equal(r.code, 0, r.stderr);
    const rep = JSON.parse(r.stdout) as {
      totalBytes: number; wastedBytes: number; efficiency: number;
      layers: { index: number; createdBy: string; size: number; wastedBytes: number }[];
      largest: unknown[]; duplicates: unknown[];
    };
    assert.equal(rep.layers.length, 3);
    const base = rep.layers[0]!.size;
    assert.deepEqual(rep.layers.map((l) => [l.index, l.createdBy, l.wastedBytes]), [
      [0, rep.layers[0]!.createdBy, 0],
      [1, '/bin/sh -c head -c 100000 /dev/zero > /big && echo a > /conf', 100002],
      [2, '/bin/sh -c rm /big && echo bb > /conf', 0],
    ]);
    assert.deepEqual(rep.layers.slice(1).map((l) => l.size), [100002, 3]);
    assert.equal(rep.totalBytes, base + 100005);
    assert.equal(rep.wastedBytes, 100002);
    assert.deepEqual(rep.largest, [
      { path: 'big', bytes: 100000, layer: 1, by: 2, how: 'deleted' },
      { path: 'conf', bytes: 2, layer: 1, by: 2, how: 'overwritten' },
    ]);
    assert.deepEqual(rep.duplicates, [{ path: 'conf', layers: [1, 2], bytes: 5 }]);
    // dive: every busybox file once (min = sum), conf min 2 of 5, big min 0 of 100000.
    assert.equal(rep.efficiency, (base + 2) / (base + 100005));
  });

  it('prints the report as text, and answers 404 for a missing image', async () => {
    const r = await b.d.berth(['image', 'waste', 'waste:1']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Efficiency: \d+\.\d\d %$/m);
    assert.match(r.stdout, /^100kB\s+\/big \(1 → deleted by 2: \/bin\/sh -c rm \/big && echo bb > \/conf\)$/m);
    const missing = await b.d.berth(['image', 'waste', 'nosuch:1']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /No such image/);
  });
});
