import assert from 'node:assert/strict';
import { Agent, createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Conflict, FailedPrecondition, InvalidArgument, NotFound, SystemError } from '../errdefs/index.js';
import { Client, isDaemonError } from './client.js';

describe('client: daemon errors become errdefs classes by status', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-client-test-'));
  const socket = join(dir, 'api.sock');
  let server: Server;
  let client: Client;
  before(async () => {
    server = createServer((req, res) => {
      const status = Number(/\/status\/(\d+)/.exec(req.url ?? '')?.[1] ?? 200);
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: `answered ${status}` }));
    });
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    client = new Client(`unix://${socket}`);
  });
  after(async () => {
    client.close();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('maps each status, keeping the status and the daemon message', async () => {
    const cases: [number, new (...a: never[]) => Error][] = [
      [400, InvalidArgument], [404, NotFound], [409, Conflict], [412, FailedPrecondition], [500, SystemError],
    ];
    for (const [status, Cls] of cases) {
      await assert.rejects(client.json('GET', `/status/${status}`), (e: unknown) => {
        assert.ok(e instanceof Cls, `${status}: ${String(e)}`);
        assert.ok(isDaemonError(e) && e.status === status);
        assert.equal((e as Error).message, `answered ${status}`);
        return true;
      });
    }
  });
});

describe('client: connections shared between clients (the CLI host)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-client-test-'));
  const socket = join(dir, 'api.sock');
  let server: Server;
  let connections = 0;
  const serverSockets: import('node:net').Socket[] = [];
  const aborted: string[] = [];
  before(async () => {
    server = createServer((req, res) => {
      if (req.url?.includes('/slow')) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write('{"status":"started"}\r\n');
        req.socket.once('close', () => aborted.push(req.url!));
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"ok":true}\n');
    });
    server.on('connection', (sock) => {
      connections++;
      serverSockets.push(sock);
    });
    await new Promise<void>((resolve) => server.listen(socket, resolve));
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('one command after another uses one connection; closing a client ends only its own requests', async () => {
    const agent = new Agent({ keepAlive: true, timeout: 4_000 });
    try {
      for (let i = 0; i < 3; i++) {
        const c = new Client(`unix://${socket}`, { agent });
        assert.deepEqual(await c.json('GET', '/ok'), { ok: true });
        c.close();
      }
      assert.equal(connections, 1, 'the connection is kept between clients');

      const slow = new Client(`unix://${socket}`, { agent });
      const other = new Client(`unix://${socket}`, { agent });
      const seen: unknown[] = [];
      const streaming = slow.jsonStream('GET', '/slow', {}, (m) => seen.push(m));
      while (seen.length === 0) await new Promise((r) => setTimeout(r, 5));
      slow.close();
      await assert.rejects(streaming);
      while (aborted.length === 0) await new Promise((r) => setTimeout(r, 5));
      assert.deepEqual(aborted, ['/v1.41/slow']);
      assert.deepEqual(await other.json('GET', '/ok'), { ok: true });
      other.close();
    } finally {
      agent.destroy();
    }
  });

  it('sends a request again when the kept connection it went out on was closed by the daemon', async () => {
    const agent = new Agent({ keepAlive: true, timeout: 4_000 });
    try {
      const c = new Client(`unix://${socket}`, { agent });
      assert.deepEqual(await c.json('GET', '/ok'), { ok: true });
      await new Promise((r) => setImmediate(r));
      const before = connections;
      // The daemon drops the connection; the client has not seen it yet when it sends again.
      serverSockets.at(-1)!.destroy();
      assert.deepEqual(await c.json('GET', '/ok'), { ok: true });
      assert.equal(connections, before + 1, 'a new connection');
      c.close();
    } finally {
      agent.destroy();
    }
  });
});
