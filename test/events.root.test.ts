/**
 * Events through a real berthd: GET /events with since/until and filters, a `run --rm`'s
 * sequence in Docker's order, image, volume and exec events, `berth events` and the docker
 * CLI's `docker events` against berthd, and a live stream that sees what happens after it starts.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { EventMessage } from '../src/api/types/system.js';
import { cleanupDaemon, daemonWithBusybox, ok } from './containers-helpers.js';
import { hasDocker, type TestDaemon } from './helpers/daemon.js';

function events(d: TestDaemon, query: string): Promise<EventMessage[]> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: d.socket, path: `/events?${query}`, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => (res.statusCode === 200 ? resolve(body.split('\n').filter(Boolean).map((l) => JSON.parse(l))) : reject(new Error(`${res.statusCode}: ${body}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

const now = () => (Date.now() / 1000).toFixed(9);

describe('events', { timeout: 120_000 }, () => {
  let d: TestDaemon;
  before(async () => {
    d = await daemonWithBusybox();
  });
  after(async () => {
    await cleanupDaemon(d);
  });

  it("a run --rm gives create, attach, start, die, destroy, in Docker's order and shape", async () => {
    const since = now();
    await ok(d.berth(['run', '--rm', '--name', 'ev1', '--label', 'team=a', '--network', 'none', 'busybox', 'sh', '-c', 'exit 3']).then((r) => ({ ...r, code: r.code === 3 ? 0 : r.code })));
    const got = await events(d, `since=${since}&until=${now()}&filters=${encodeURIComponent(JSON.stringify({ type: ['container'] }))}`);
    assert.deepEqual(got.map((e) => e.Action), ['create', 'attach', 'start', 'die', 'destroy']);
    const die = got[3]!;
    assert.equal(die.status, 'die');
    assert.equal(die.from, 'busybox');
    assert.equal(die.id, die.Actor.ID);
    assert.deepEqual(die.Actor.Attributes, { exitCode: '3', image: 'busybox', name: 'ev1', team: 'a' });
    assert.equal(die.scope, 'local');
    assert.equal(die.time, Math.floor(die.timeNano / 1e9));
    const byLabel = await events(d, `since=${since}&until=${now()}&filters=${encodeURIComponent(JSON.stringify({ label: ['team=a'], event: ['die'] }))}`);
    assert.equal(byLabel.length, 1);
  });

  it('on the default bridge, network connect before start and disconnect after die; network create and destroy', async () => {
    const since = now();
    await ok(d.berth(['run', '--rm', '--name', 'ev2', 'busybox', 'true']));
    await ok(d.berth(['network', 'create', 'evnet']));
    await ok(d.berth(['network', 'rm', 'evnet']));
    const got = await events(d, `since=${since}&until=${now()}`);
    assert.deepEqual(got.map((e) => `${e.Type} ${e.Action}`), [
      'container create', 'container attach', 'network connect', 'container start', 'container die', 'network disconnect', 'container destroy',
      'network create', 'network destroy',
    ]);
    assert.equal(got[2]!.Actor.Attributes.name, 'bridge');
    assert.equal(got[2]!.Actor.Attributes.container, got[0]!.Actor.ID);
    assert.equal(got[7]!.Actor.Attributes.name, 'evnet');
  });

  it('image, volume and exec events; unknown filters', async () => {
    const since = now();
    await ok(d.berth(['tag', 'busybox', 'evtag:1']));
    await ok(d.berth(['rmi', 'evtag:1']));
    await ok(d.berth(['volume', 'create', 'evvol']));
    await ok(d.berth(['volume', 'rm', 'evvol']));
    const id = (await ok(d.berth(['run', '-d', '--network', 'none', 'busybox', 'sleep', '60']))).trim();
    await ok(d.berth(['exec', id, 'true']));
    await ok(d.berth(['rm', '-f', id]));
    const got = await events(d, `since=${since}&until=${now()}`);
    const seen = got.map((e) => `${e.Type} ${e.Action}`);
    for (const want of ['image tag', 'image untag', 'volume create', 'volume destroy', 'container exec_create: true', 'container exec_start: true', 'container exec_die', 'container kill', 'container die', 'container destroy']) {
      assert.ok(seen.includes(want), `${want} in ${JSON.stringify(seen)}`);
    }
    const tag = got.find((e) => e.Action === 'tag')!;
    assert.match(tag.Actor.ID, /^sha256:/);
    assert.equal(tag.Actor.Attributes.name, 'evtag:1');
    const vol = got.find((e) => e.Type === 'volume')!;
    assert.equal(vol.status, undefined, 'no legacy fields for volumes');
    // As dockerd (20.10 and later): an unknown filter is ignored, an unknown type matches nothing.
    const unknown = await events(d, `since=${since}&until=${now()}&filters=${encodeURIComponent(JSON.stringify({ bogus: ['x'] }))}`);
    assert.equal(unknown.length, got.length);
    assert.deepEqual(await events(d, `since=${since}&until=${now()}&filters=${encodeURIComponent(JSON.stringify({ type: ['bogus'] }))}`), []);
  });

  it('a live stream sees what happens after it starts; berth events prints docker\'s lines', async () => {
    const since = now();
    const live = events(d, `until=${(Date.now() / 1000 + 4).toFixed(3)}`);
    await new Promise((r) => setTimeout(r, 300));
    await ok(d.berth(['volume', 'create', 'evlive']));
    assert.ok((await live).some((e) => e.Actor.ID === 'evlive' && e.Action === 'create'));
    const out = await ok(d.berth(['events', '--since', since, '--until', now(), '-f', 'type=volume']));
    assert.match(out, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z volume create evlive \(driver=local\)\n$/);
    await ok(d.berth(['volume', 'rm', 'evlive']));
  });

  it('the docker CLI: docker events --since --until --filter', { skip: !hasDocker && 'no docker CLI' }, async () => {
    const since = now();
    await ok(d.berth(['volume', 'create', 'evdocker']));
    const r = await d.docker(['events', '--since', since, '--until', now(), '--filter', 'type=volume', '--format', '{{.Type}} {{.Action}} {{.Actor.ID}}']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'volume create evdocker\n');
    await ok(d.berth(['volume', 'rm', 'evdocker']));
  });
});
