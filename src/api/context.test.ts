import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { ClientGone, Ctx } from './context.js';

/** A server whose one request is handed to `handle` with its Ctx; the client goes away after `ms`. */
async function withRequest(handle: (ctx: Ctx, res: ServerResponse) => Promise<void>): Promise<void> {
  let done!: Promise<void>;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    done = handle(new Ctx({ req, res, path: req.url ?? '/', apiVersion: '1.41' }), res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const client = request({ port: (server.address() as AddressInfo).port, host: '127.0.0.1', path: '/x' });
    client.on('error', () => {});
    client.end();
    await once(server, 'request');
    // The client goes away before the answer.
    await new Promise((r) => setTimeout(r, 20));
    client.destroy();
    await done;
  } finally {
    server.close();
  }
}

describe('Ctx.signal', () => {
  it('aborts when the client goes away, with an AbortError of ours', () =>
    withRequest(async (ctx) => {
      const signal = ctx.signal;
      assert.equal(signal.aborted, false);
      await once(signal, 'abort');
      assert.ok(signal.reason instanceof ClientGone);
      assert.equal(signal.reason.name, 'AbortError');
    }));

  it('asked for after the client went away, is aborted already', () =>
    withRequest(async (ctx, res) => {
      await once(res, 'close');
      assert.equal(ctx.signal.aborted, true);
      assert.ok(ctx.signal.reason instanceof ClientGone);
    }));
});
