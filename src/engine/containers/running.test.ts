import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProcessConnection } from '../../runtime/types.js';
import { ContainerLocks } from './context.js';
import { RunningContainers } from './running.js';

function monitor(): { conn: ProcessConnection; end: (code: number | undefined) => void; closed: () => boolean } {
  let end!: (code: number | undefined) => void;
  const exit = new Promise<number | undefined>((r) => (end = r));
  let closed = false;
  const conn = {
    pid: 1, output: (async function* () {})(), exit, write: () => true, drained: async () => {}, closeStdin: () => {}, resize: () => {},
    close: () => {
      closed = true;
      end(undefined);
    },
  };
  return { conn, end, closed: () => closed };
}

describe('RunningContainers', () => {
  it('runs the exit handling once the monitor announces the exit; exited() waits for it', async () => {
    const r = new RunningContainers();
    const m = monitor();
    const seen: (number | undefined)[] = [];
    r.watch('a', m.conn, async (code) => {
      await new Promise((res) => setTimeout(res, 20));
      seen.push(code);
      r.forget('a');
    });
    assert.equal(r.has('a'), true);
    assert.equal(r.monitor('a'), m.conn);
    assert.equal(await r.exitedWithin('a', 10), false);
    m.end(3);
    await r.exited('a');
    assert.deepEqual(seen, [3]);
    assert.equal(r.has('a'), false);
    assert.equal(await r.exitedWithin('a', 0), true, 'a container not watched has exited');
  });

  it('release closes every monitor and says so to the exit handling', async () => {
    const r = new RunningContainers();
    const m = monitor();
    let released: boolean | undefined;
    r.watch('a', m.conn, async () => void (released = r.released));
    r.release();
    await r.exited('a');
    assert.equal(m.closed(), true);
    assert.equal(released, true);
  });

  it('remembers which containers are cleaned up', () => {
    const r = new RunningContainers();
    r.setCleaned('a', true);
    assert.equal(r.isCleaned('a'), true);
    r.setCleaned('a', false);
    assert.equal(r.isCleaned('a'), false);
  });

  it('settled() resolves once the last exit handling has, whatever its outcome; the container lock waits for it', async () => {
    const r = new RunningContainers();
    const locks = new ContainerLocks((id) => r.settled(id));
    let finish!: (e?: Error) => void;
    r.settling('a', new Promise<void>((res, rej) => (finish = (e) => (e ? rej(e) : res()))));
    const order: string[] = [];
    const locked = locks.run('a', async () => void order.push('lock'));
    const other = locks.run('b', async () => void order.push('other'));
    await other;
    await new Promise((res) => setTimeout(res, 10));
    assert.deepEqual(order, ['other'], 'the lock waits for the exit handling of its own container only');
    order.push('settled');
    finish(new Error('release failed'));
    await locked;
    assert.deepEqual(order, ['other', 'settled', 'lock']);
    await r.settled('a');
  });
});
