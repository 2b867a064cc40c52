import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Conflict, InvalidArgument, NotFound } from '../../errdefs/index.js';
import { FakeRuntime } from '../../runtime/testing/fake-runtime.js';
import { client, harness, type Harness } from './testing/harness.js';

let h: Harness<FakeRuntime>;
let id: string;
beforeEach(async () => {
  h = await harness(new FakeRuntime());
  id = await h.create({ Cmd: ['sleep', '1000'] });
  await h.containers.start(id);
});
afterEach(async () => {
  await h.close();
});

/** Docker's multiplexed frames → [stream, text] pairs. */
function frames(b: Buffer): [number, string][] {
  const out: [number, string][] = [];
  for (let i = 0; i + 8 <= b.length; ) {
    const n = b.readUInt32BE(i + 4);
    out.push([b[i]!, b.subarray(i + 8, i + 8 + n).toString()]);
    i += 8 + n;
  }
  return out;
}

describe('exec (fake runtime)', () => {
  it('an attached exec streams its output and records its exit code', async () => {
    const { Id } = await h.execs.create(id, { Cmd: ['echo', 'hello', 'exec'], AttachStdout: true, AttachStderr: true });
    let ins = await h.execs.inspect(Id);
    assert.equal(ins.Running, false);
    assert.equal(ins.ExitCode, null);
    const c = client();
    await h.execs.start(Id, { detach: false, tty: false }, () => c.streams);
    assert.deepEqual(frames(c.output()), [[1, 'hello exec\n']]);
    ins = await h.execs.inspect(Id);
    assert.equal(ins.Running, false);
    assert.equal(ins.ExitCode, 0);
    assert.equal(ins.ContainerID, id);
    assert.deepEqual(ins.ProcessConfig, { arguments: ['hello', 'exec'], entrypoint: 'echo', privileged: false, tty: false });
    await assert.rejects(h.execs.start(Id, { detach: true, tty: false }), (e: Error) => e instanceof Conflict && /already run/.test(e.message));
  });

  it('a detached exec runs on; inspect shows it running, then its exit code; the container lists it meanwhile', async () => {
    const { Id } = await h.execs.create(id, { Cmd: ['sleep', '1000'] });
    await h.execs.start(Id, { detach: true, tty: false });
    const ins = await h.execs.inspect(Id);
    assert.equal(ins.Running, true);
    assert.equal(ins.Pid, h.runtime.execs.get(Id)!.pid);
    assert.deepEqual((await h.inspect(id)).ExecIDs, [Id]);
    h.runtime.execs.get(Id)!.exit(5);
    await h.until(async () => !(await h.execs.inspect(Id)).Running, 'the exec has ended');
    assert.equal((await h.execs.inspect(Id)).ExitCode, 5);
    assert.equal((await h.inspect(id)).ExecIDs, null);
    assert.equal(h.runtime.execs.has(Id), false, 'its monitor files are removed');
  });

  it('a command that cannot run: 126 whatever the cause (as dockerd), the message in the stream when attached, an error when detached', async () => {
    const a = await h.execs.create(id, { Cmd: ['missing'], AttachStdout: true, Tty: true });
    const c = client();
    await h.execs.start(a.Id, { detach: false, tty: true }, () => c.streams);
    assert.match(c.output().toString(), /^OCI runtime exec failed: exec: "missing": executable file not found in \$PATH: unknown\r\n$/);
    assert.equal((await h.execs.inspect(a.Id)).ExitCode, 126);
    const d = await h.execs.create(id, { Cmd: ['/etc'] });
    await assert.rejects(h.execs.start(d.Id, { detach: true, tty: false }), (e: Error) => e instanceof InvalidArgument && /permission denied/.test(e.message));
    assert.equal((await h.execs.inspect(d.Id)).ExitCode, 126);
  });

  it('needs a running container and a command; its records go when the container starts again', async () => {
    await assert.rejects(h.execs.create(id, { Cmd: [] }), InvalidArgument);
    const { Id } = await h.execs.create(id, { Cmd: ['exit', '2'] });
    await h.execs.start(Id, { detach: true, tty: false });
    await h.until(async () => (await h.execs.inspect(Id)).ExitCode === 2, 'the exec has ended');
    await h.containers.stop(id);
    await assert.rejects(h.execs.create(id, { Cmd: ['true'] }), (e: Error) => e instanceof Conflict && /is not running/.test(e.message));
    await h.containers.start(id);
    await assert.rejects(h.execs.inspect(Id), NotFound);
  });
});
