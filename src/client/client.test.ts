import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
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
