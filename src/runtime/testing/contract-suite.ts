/**
 * @module runtime/testing/contract-suite
 * One suite every ContainerRuntime runs (runtime/types.ts): the fake one as a unit test, the
 * runc one as a root test. It holds the fake to what the engine's tests assume of the real
 * runtime. Commands are the few both understand: `echo`, `sh -c "exit N"`, `sleep`, a missing
 * command and a directory.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CommandNotFound, CommandNotRunnable, ProcessGone, type ContainerRuntime, type LayerStack, type ProcessConnection,
} from '../types.js';

export interface ContractTarget {
  runtime: ContainerRuntime;
  layers: LayerStack;
  /** Where the suite puts container directories. */
  root: string;
}

/** Everything a process wrote, by stream, and its exit status. */
export async function collect(conn: ProcessConnection): Promise<{ stdout: string; stderr: string; exit: number | undefined }> {
  let stdout = '';
  let stderr = '';
  for await (const f of conn.output) {
    if (f.stream === 1) stdout += f.data.toString();
    else stderr += f.data.toString();
  }
  return { stdout, stderr, exit: await conn.exit };
}

export function runtimeContractSuite(name: string, setup: () => Promise<ContractTarget>, teardown: () => Promise<void> = async () => {}): void {
  describe(`ContainerRuntime contract: ${name}`, { timeout: 60_000 }, () => {
    let t: ContractTarget;
    const made: { id: string; dir: string }[] = [];
    before(async () => {
      t = await setup();
    });
    after(async () => {
      for (const c of made) {
        await t.runtime.kill(c.id, 9, { all: true }).catch(() => {});
        await t.runtime.cleanup(c.id, c.dir).catch(() => {});
      }
      await teardown();
    });

    async function create(args: string[]) {
      const id = randomBytes(32).toString('hex');
      const dir = join(t.root, id);
      made.push({ id, dir });
      const p = await t.runtime.create({
        id,
        dir,
        layers: t.layers,
        process: { args, env: null, cwd: '', user: '', tty: false, openStdin: false },
        host: { hostname: id.slice(0, 12), network: { mode: 'none' } },
      });
      return { id, dir, ...p };
    }

    it('creates a process that runs at start; its output, exit status and log; cleanup forgets it', async () => {
      const c = await create(['echo', 'hi']);
      assert.equal(c.netnsPath, `/proc/${c.pid}/ns/net`);
      assert.ok(t.runtime.cgroupPath(c.id).endsWith(c.id));
      assert.equal(await t.runtime.state(c.id), 'created');
      assert.ok((await t.runtime.list()).includes(c.id));
      const conn = await t.runtime.attach(c.id, { stdout: true, stderr: true });
      assert.equal(conn.pid, c.pid);
      await t.runtime.start(c.id);
      assert.deepEqual(await collect(conn), { stdout: 'hi\n', stderr: '', exit: 0 });
      assert.equal((await t.runtime.exitStatus(c.dir))?.exitCode, 0);
      const logs = [];
      for await (const r of t.runtime.readLogs(c.id, c.dir)) logs.push([r.stream, r.log.toString()]);
      assert.deepEqual(logs, [['stdout', 'hi\n']]);
      await assert.rejects(t.runtime.attach(c.id, {}), ProcessGone);
      await t.runtime.cleanup(c.id, c.dir);
      assert.equal(await t.runtime.state(c.id), undefined);
      assert.ok(!(await t.runtime.list()).includes(c.id));
    });

    it('records the exit code, and 128 + the signal of a killed process', async () => {
      const a = await create(['sh', '-c', 'exit 3']);
      const ca = await t.runtime.attach(a.id, {});
      await t.runtime.start(a.id);
      assert.equal(await ca.exit, 3);
      assert.equal((await t.runtime.exitStatus(a.dir))?.exitCode, 3);
      const b = await create(['sleep', '1000']);
      const cb = await t.runtime.attach(b.id, {});
      await t.runtime.start(b.id);
      assert.equal(await t.runtime.state(b.id), 'running');
      assert.ok((await t.runtime.pids(b.id)).includes(b.pid));
      await t.runtime.kill(b.id, 9, { all: true });
      assert.equal(await cb.exit, 137);
      assert.equal((await t.runtime.exitStatus(b.dir))?.exitCode, 137);
    });

    it('types the errors of a command that is missing or cannot run', async () => {
      await assert.rejects(create(['missing']), (e: Error) => e instanceof CommandNotFound && /executable file not found/.test(e.detail));
      await assert.rejects(create(['/etc']), (e: Error) => e instanceof CommandNotRunnable && /permission denied/.test(e.detail));
      const ids = await t.runtime.list();
      assert.ok(!made.slice(-2).some((c) => ids.includes(c.id)), 'a failed create leaves nothing behind');
    });

    it('runs execs in a running container, attached later, with their exit status', async () => {
      const c = await create(['sleep', '1000']);
      await t.runtime.start(c.id);
      const execId = randomBytes(32).toString('hex');
      const e = await t.runtime.exec({ containerId: c.id, containerDir: c.dir, execId, args: ['echo', 'from exec'], tty: false, openStdin: false, attach: true });
      assert.deepEqual(await collect(await e.attach({ stdout: true, stderr: true })), { stdout: 'from exec\n', stderr: '', exit: 0 });
      let st = await e.status();
      for (let i = 0; !st && i < 100; i++) {
        await new Promise((r) => setTimeout(r, 20));
        st = await e.status();
      }
      assert.equal(st?.exitCode, 0);
      await e.remove();
      await assert.rejects(
        t.runtime.exec({ containerId: c.id, containerDir: c.dir, execId: randomBytes(32).toString('hex'), args: ['missing'], tty: false, openStdin: false }),
        CommandNotFound,
      );
      await t.runtime.kill(c.id, 9, { all: true });
    });

    it('mounts and unmounts the root of a container that does not run', async () => {
      const c = await create(['true']);
      const conn = await t.runtime.attach(c.id, {});
      await t.runtime.start(c.id);
      await conn.exit;
      await t.runtime.cleanup(c.id, c.dir);
      const rootfs = await t.runtime.mountRoot(c.id, c.dir, t.layers);
      assert.equal(rootfs, t.runtime.paths(c.dir, c.id).rootfs);
      await t.runtime.unmountRoot(c.id, c.dir);
      await t.runtime.unmountRoot(c.id, c.dir);
    });
  });
}
