import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Conflict, InvalidArgument, NotFound } from '../../errdefs/index.js';
import { FakeRuntime } from '../../runtime/testing/fake-runtime.js';
import { harness, type Harness } from './testing/harness.js';
import type { ContainerNetworking } from './networking.js';

let h: Harness<FakeRuntime>;
beforeEach(async () => {
  h = await harness(new FakeRuntime());
});
afterEach(async () => {
  await h.close();
});

const restartPolicy = (Name: 'no' | 'always' | 'on-failure' | 'unless-stopped', MaximumRetryCount = 0) => ({ HostConfig: { RestartPolicy: { Name, MaximumRetryCount } } });

describe('start and exit (fake runtime)', () => {
  it('runs the process, and records its exit status when it ends', async () => {
    const id = await h.create({ Cmd: ['sleep', '1000'] });
    assert.equal((await h.inspect(id)).State.Status, 'created');
    await h.containers.start(id);
    const st = (await h.inspect(id)).State;
    assert.equal(st.Status, 'running');
    assert.equal(st.Running, true);
    assert.equal(st.Pid, h.runtime.process(id)!.pid);
    assert.equal(h.runtime.mounted(id), true);
    const { result } = await h.io.wait(id, 'next-exit');
    h.runtime.exit(id, 3);
    assert.deepEqual(await result, { Error: null, StatusCode: 3 });
    const after = (await h.inspect(id)).State;
    assert.equal(after.Status, 'exited');
    assert.equal(after.Running, false);
    assert.equal(after.ExitCode, 3);
    assert.equal(after.Pid, 0);
    assert.equal(h.runtime.mounted(id), false, 'the root is unmounted after the exit');
    assert.equal(await h.runtime.state(id), undefined, 'the runtime forgot the process');
  });

  it('inspect names the /etc files and the log file from the first start on, as dockerd', async () => {
    const id = await h.create({ Cmd: ['sleep', '1000'] });
    const before = await h.inspect(id);
    assert.deepEqual([before.HostnamePath, before.HostsPath, before.ResolvConfPath, before.LogPath], ['', '', '', '']);
    await h.containers.start(id);
    const after = await h.inspect(id);
    for (const p of [after.HostnamePath, after.HostsPath, after.ResolvConfPath, after.LogPath]) assert.ok(p.includes(id), p);
  });

  it('a process that exits at once: wait not-running answers with its status', async () => {
    const id = await h.create({ Cmd: ['exit', '7'] });
    const { result } = await h.io.wait(id, 'next-exit');
    await h.containers.start(id);
    assert.equal((await result).StatusCode, 7);
    assert.equal((await (await h.io.wait(id, 'not-running')).result).StatusCode, 7);
  });

  it('start of a running container is not modified; start again after an exit runs a new process', async () => {
    const id = await h.create({ Cmd: ['sleep', '1000'] });
    await h.containers.start(id);
    await assert.rejects(h.containers.start(id), /already running/);
    const first = h.runtime.process(id)!.pid;
    await h.containers.kill(id);
    await h.until(async () => !(await h.inspect(id)).State.Running, 'the kill is handled');
    assert.equal((await h.inspect(id)).State.ExitCode, 137);
    await h.containers.start(id);
    assert.notEqual(h.runtime.process(id)!.pid, first);
    assert.equal((await h.inspect(id)).State.Running, true);
  });

  it('a missing command fails the start with exit status 127, a non-runnable one with 126', async () => {
    const missing = await h.create({ Cmd: ['missing'] });
    await assert.rejects(h.containers.start(missing), (e: Error) => e instanceof InvalidArgument && /OCI runtime create failed: exec: "missing"/.test(e.message));
    let st = (await h.inspect(missing)).State;
    assert.equal(st.ExitCode, 127);
    assert.equal(st.Running, false);
    assert.equal(st.Status, 'created');
    assert.match(st.Error, /executable file not found/);
    const dir = await h.create({ Cmd: ['/etc'] });
    await assert.rejects(h.containers.start(dir), InvalidArgument);
    st = (await h.inspect(dir)).State;
    assert.equal(st.ExitCode, 126);
    assert.match(st.Error, /permission denied/);
  });

  it('stop sends the stop signal and marks the container stopped by hand', async () => {
    const id = await h.create({ Cmd: ['sleep', '1000'], StopSignal: 'SIGINT' });
    await h.containers.start(id);
    await h.containers.stop(id);
    const st = (await h.inspect(id)).State;
    assert.equal(st.Status, 'exited');
    assert.equal(st.ExitCode, 130);
    assert.deepEqual(h.runtime.signals.map((s) => s.signal), [2]);
    await assert.rejects(h.containers.stop(id), /is not running/);
  });

  it('pause and unpause go through the runtime; kill of a stopped container is a conflict', async () => {
    const id = await h.create({ Cmd: ['sleep', '1000'] });
    await h.containers.start(id);
    await h.containers.pause(id);
    assert.equal((await h.inspect(id)).State.Status, 'paused');
    assert.equal(await h.runtime.state(id), 'paused');
    await h.containers.unpause(id);
    assert.equal((await h.inspect(id)).State.Status, 'running');
    await h.containers.kill(id, 'SIGKILL');
    await h.until(async () => !(await h.inspect(id)).State.Running, 'the kill is handled');
    await assert.rejects(h.containers.kill(id), Conflict);
  });

  it('a removal while the exit is still being handled stays a removal', async () => {
    h.runtime.cleanupDelay = 300;
    const id = await h.create({ Cmd: ['sleep', '1000'] });
    await h.containers.start(id);
    h.runtime.exit(id, 0);
    // The state says exited before the runtime's cleanup has finished: `docker rm` may come now.
    await h.until(async () => !(await h.inspect(id)).State.Running, 'the exit is seen');
    await h.containers.remove(id);
    await new Promise((r) => setTimeout(r, 500));
    await assert.rejects(h.inspect(id), NotFound);
    await h.restartDaemon();
    await assert.rejects(h.inspect(id), NotFound, 'no record comes back after a daemon restart');
  });

  it('AutoRemove removes the container after its exit, and remove -f kills a running one', async () => {
    const auto = await h.create({ Cmd: ['exit', '0'], HostConfig: { AutoRemove: true } });
    const { result } = await h.io.wait(auto, 'removed');
    await h.containers.start(auto);
    assert.equal((await result).StatusCode, 0);
    await assert.rejects(h.inspect(auto), NotFound);
    const id = await h.create({ Cmd: ['sleep', '1000'] });
    await h.containers.start(id);
    await assert.rejects(h.containers.remove(id), /cannot remove a running container/);
    await h.containers.remove(id, { force: true });
    await assert.rejects(h.inspect(id), NotFound);
    assert.equal(h.runtime.mounted(id), false);
  });
});

describe('restart policies (fake runtime)', () => {
  it('no: an exit stays an exit', async () => {
    const id = await h.create({ Cmd: ['exit', '1'], ...restartPolicy('no') });
    const { result } = await h.io.wait(id, 'next-exit');
    await h.containers.start(id);
    await result;
    await new Promise((r) => setTimeout(r, 300));
    const c = await h.inspect(id);
    assert.equal(c.State.Status, 'exited');
    assert.equal(c.RestartCount, 0);
    assert.equal(h.runtime.calls.get('create'), 1);
  });

  it('on-failure:2 restarts a failing process twice, with a growing back-off, then leaves it exited', async () => {
    const id = await h.create({ Cmd: ['exit', '3'], ...restartPolicy('on-failure', 2) });
    await h.containers.start(id);
    await h.until(async () => {
      const c = await h.inspect(id);
      return c.RestartCount === 2 && c.State.Status === 'exited';
    }, 'the second restart has exited');
    const c = await h.inspect(id);
    assert.equal(c.State.ExitCode, 3);
    assert.equal(c.State.Restarting, false);
    assert.equal(h.runtime.calls.get('create'), 3);
    const starts = h.runtime.starts.filter((s) => s.id === id).map((s) => s.at);
    assert.equal(starts.length, 3);
    // Docker's back-off: 100 ms, then doubling while runs are short.
    assert.ok(starts[1]! - starts[0]! >= 95, `first restart after ${starts[1]! - starts[0]!} ms`);
    assert.ok(starts[2]! - starts[1]! >= 195, `second restart after ${starts[2]! - starts[1]!} ms`);
  });

  it('on-failure does not restart a clean exit', async () => {
    const id = await h.create({ Cmd: ['exit', '0'], ...restartPolicy('on-failure') });
    const { result } = await h.io.wait(id, 'next-exit');
    await h.containers.start(id);
    await result;
    const c = await h.inspect(id);
    assert.equal(c.State.Status, 'exited');
    assert.equal(c.State.Restarting, false);
    assert.equal(c.RestartCount, 0);
  });

  it('always restarts after any exit until stopped by hand; stop cancels a pending restart', async () => {
    const id = await h.create({ Cmd: ['exit', '0'], ...restartPolicy('always') });
    await h.containers.start(id);
    await h.until(async () => (await h.inspect(id)).RestartCount >= 2, 'two restarts');
    await h.until(async () => (await h.inspect(id)).State.Restarting, 'a restart is pending');
    await h.containers.stop(id);
    const count = (await h.inspect(id)).RestartCount;
    const creates = h.runtime.calls.get('create');
    await new Promise((r) => setTimeout(r, 1000));
    const c = await h.inspect(id);
    assert.equal(c.State.Status, 'exited');
    assert.equal(c.State.Restarting, false);
    assert.equal(c.RestartCount, count);
    assert.equal(h.runtime.calls.get('create'), creates, 'no start after the stop');
  });

  it('always and unless-stopped restart a killed process; at daemon start-up only always restarts one stopped by hand', async () => {
    const always = await h.create({ Cmd: ['sleep', '1000'], ...restartPolicy('always') });
    const unless = await h.create({ Cmd: ['sleep', '1000'], ...restartPolicy('unless-stopped') });
    for (const id of [always, unless]) {
      await h.containers.start(id);
      const pid = h.runtime.process(id)!.pid;
      h.runtime.exit(id, 9);
      await h.until(async () => (await h.inspect(id)).State.Running && h.runtime.process(id)!.pid !== pid, 'the restart');
      assert.equal((await h.inspect(id)).RestartCount, 1);
      await h.containers.stop(id);
      assert.equal((await h.inspect(id)).State.Status, 'exited');
    }
    await h.restartDaemon();
    assert.equal((await h.inspect(always)).State.Running, true, 'always starts again at daemon start-up');
    assert.equal((await h.inspect(unless)).State.Running, false, 'unless-stopped stays stopped');
  });

  it('a stop is saved before its signal goes: a daemon that dies before the exit is recorded does not restart the container', async () => {
    const id = await h.create({ Cmd: ['sleep', '1000'], ...restartPolicy('unless-stopped') });
    await h.containers.start(id);
    const kill = h.runtime.kill.bind(h.runtime);
    let onDisk: boolean | undefined;
    h.runtime.kill = async (cid, signal) => {
      onDisk = h.saved(cid).ManuallyStopped;
      return kill(cid, signal);
    };
    await h.containers.stop(id);
    assert.equal(onDisk, true);
  });

  it('containers that ended while the daemon was away start at once at start-up, as their policies say', async () => {
    const always = await h.create({ Cmd: ['sleep', '1000'], ...restartPolicy('always') });
    const failing = await h.create({ Cmd: ['sleep', '1000'], ...restartPolicy('on-failure') });
    const clean = await h.create({ Cmd: ['sleep', '1000'], ...restartPolicy('on-failure') });
    const plain = await h.create({ Cmd: ['sleep', '1000'] });
    for (const id of [always, failing, clean, plain]) await h.containers.start(id);
    await h.restartDaemon(() => {
      h.runtime.exit(always, 0);
      h.runtime.exit(failing, 3);
      h.runtime.exit(clean, 0);
      h.runtime.exit(plain, 5);
    });
    // No back-off: running when the start-up is done.
    assert.equal((await h.inspect(always)).State.Status, 'running');
    assert.equal((await h.inspect(failing)).State.Status, 'running');
    assert.deepEqual([(await h.inspect(clean)).State.Status, (await h.inspect(clean)).State.ExitCode], ['exited', 0]);
    assert.deepEqual([(await h.inspect(plain)).State.Status, (await h.inspect(plain)).State.ExitCode], ['exited', 5]);
  });

  it('reconnects to a container that kept running across a daemon restart, and handles its exit', async () => {
    const id = await h.create({ Cmd: ['sleep', '1000'] });
    await h.containers.start(id);
    await h.restartDaemon();
    assert.equal((await h.inspect(id)).State.Running, true);
    const { result } = await h.io.wait(id, 'next-exit');
    h.runtime.exit(id, 4);
    assert.equal((await result).StatusCode, 4);
    assert.equal((await h.inspect(id)).State.Status, 'exited');
  });
});

describe('the network hook (fake runtime)', () => {
  it('joins before the runtime creates the process, hands it the namespace, and releases after each exit', async () => {
    const seen: string[] = [];
    let fail = false;
    const networking: ContainerNetworking = {
      plan: () => ({}),
      join: async (rec) => {
        seen.push(`join ${rec.ID} ${(await h.runtime.state(rec.ID)) ?? 'none'}`);
        if (fail) throw new Error('no address left');
        return { netnsPath: `/run/netns/${rec.ID}`, addresses: ['10.0.0.2'], nameservers: ['10.0.0.1'] };
      },
      leave: async (id) => void seen.push(`leave ${id}`),
      inspectSettings: () => ({}),
      summary: () => ({ ports: [], networks: {} }),
    };
    await h.close();
    h = await harness(new FakeRuntime(), { networking });
    const id = await h.create({ Cmd: ['sleep', '1000'] });
    await h.containers.start(id);
    assert.deepEqual(seen, [`join ${id} none`], 'joined before the runtime created anything');
    assert.equal(h.runtime.netnsPath(id), `/run/netns/${id}`, 'the runtime got the namespace');
    const { result } = await h.io.wait(id, 'next-exit');
    h.runtime.exit(id, 0);
    await result;
    assert.deepEqual(seen.slice(1), [`leave ${id}`]);
    fail = true;
    await assert.rejects(h.containers.start(id), /no address left/);
    assert.equal((await h.inspect(id)).State.Running, false);
    assert.equal(h.runtime.mounted(id), false);
    assert.equal(h.runtime.calls.get('create'), 1, 'the runtime never created the second process');
    await h.containers.remove(id, { force: false, volumes: false });
    assert.equal(seen.at(-1), `leave ${id}`, 'removal releases too');
  });
});
