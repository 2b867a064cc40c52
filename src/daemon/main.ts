#!/usr/bin/env -S node --max-semi-space-size=2 --initial-old-space-size=64
/**
 * @module daemon/main
 * berthd: takes the data-root lock, recovers state, serves the Engine API on its sockets, and
 * shuts down cleanly on SIGTERM/SIGINT (containers keep running under their shims).
 */
import { promises as fs } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';

type Server = HttpServer | HttpsServer;
import { dirname } from 'node:path';
import { createApiServer } from '../api/server.js';
import { parseHost } from '../util/endpoint.js';
import { messageOf } from '../errdefs/index.js';
import { writeFileAtomic } from '../util/atomic.js';
import { logger, setLogLevel } from '../util/log.js';
import { native } from '../util/native.js';
import { BERTH_VERSION } from '../util/version.js';
import { daemonUsage, parseDaemonArgs, type DaemonConfig } from './config.js';
import { DataRootLock } from './lock.js';
import { wire } from './wire.js';

const log = logger('daemon');

async function groupId(name: string): Promise<number> {
  if (/^\d+$/.test(name)) return Number(name);
  const text = await fs.readFile('/etc/group', 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f[0] === name && f[2]) return Number(f[2]);
  }
  return 0;
}

async function listen(server: Server, host: string, gid: number): Promise<string | undefined> {
  const ep = parseHost(host);
  if ('socketPath' in ep) {
    await fs.mkdir(dirname(ep.socketPath), { recursive: true, mode: 0o700 });
    await fs.rm(ep.socketPath, { force: true });
    // Create the socket with no group/other access, then open it to the group.
    const oldMask = process.umask(0o177);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(ep.socketPath, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } finally {
      process.umask(oldMask);
    }
    await fs.chown(ep.socketPath, 0, gid);
    await fs.chmod(ep.socketPath, 0o660);
    return ep.socketPath;
  }
  if (!['127.0.0.1', 'localhost', '::1'].includes(ep.host)) {
    log.warn('listening on a non-loopback TCP address without TLS: anyone who can reach it controls this machine', { host });
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(ep.port, ep.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return undefined;
}

async function start(config: DaemonConfig): Promise<void> {
  setLogLevel(config.logLevel);
  await fs.mkdir(config.dataRoot, { recursive: true, mode: 0o711 });
  await fs.mkdir(config.execRoot, { recursive: true, mode: 0o700 });
  const lock = await DataRootLock.acquire(config.dataRoot);
  await writeFileAtomic(config.pidFile, `${process.pid}\n`);
  const wired = await wire(config);
  // The thread pool's workers (started by now) and V8's helpers under SCHED_BATCH: a job the
  // event loop hands over no longer costs it its CPU to the worker it wakes (a pull hands
  // over thousands).
  try {
    log.debug('helper threads under SCHED_BATCH', { threads: native().batchHelperThreads() });
  } catch (e) {
    log.warn('cannot set the helper threads\' scheduling', { error: messageOf(e) });
  }
  const gid = await groupId(config.group);
  const servers: Server[] = [];
  const sockets: string[] = [];
  const tls = config.tls && {
    key: await fs.readFile(config.tls.keyFile),
    cert: await fs.readFile(config.tls.certFile),
    ...(config.tls.caFile ? { ca: await fs.readFile(config.tls.caFile) } : {}),
    verify: config.tls.verify,
  };
  for (const host of config.hosts) {
    const server = createApiServer({
      routes: wired.routes,
      serverVersion: BERTH_VERSION,
      ...(tls && host.startsWith('tcp://') ? { tls } : {}),
      privateRoots: { dataRoot: config.dataRoot, execRoot: config.execRoot },
    });
    const sock = await listen(server, host, gid);
    if (sock) sockets.push(sock);
    servers.push(server);
    log.info('API listen on ' + host);
  }
  log.info('berthd started', { version: BERTH_VERSION, dataRoot: config.dataRoot, pid: process.pid });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`received ${signal}, shutting down`);
    for (const s of servers) {
      s.close();
      s.closeAllConnections();
    }
    await wired.close().catch((e) => log.error('shutdown error', { error: messageOf(e) }));
    for (const s of sockets) await fs.rm(s, { force: true });
    await fs.rm(config.pidFile, { force: true });
    await lock.release();
    log.info('berthd stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGHUP', () => log.info('received SIGHUP (ignored)'));
  process.on('SIGPIPE', () => {});
  process.on('unhandledRejection', (e) => log.error('unhandled rejection', { error: String(e), stack: (e as Error)?.stack }));
}

async function main(): Promise<void> {
  process.title = 'berthd';
  // As dockerd: files berthd makes (container root file systems, /etc/hosts, layers) get modes
  // that do not depend on the umask of whoever started it (the berth CLI may start it).
  process.umask(0o022);
  let parsed;
  try {
    parsed = parseDaemonArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`berthd: ${messageOf(e)}\n`);
    process.exit(125);
  }
  if (parsed.help) {
    process.stdout.write(daemonUsage());
    return;
  }
  if (parsed.version) {
    process.stdout.write(`Berth version ${BERTH_VERSION}\n`);
    return;
  }
  if (process.geteuid && process.geteuid() !== 0) {
    process.stderr.write('berthd needs to be started with root privileges\n');
    process.exit(1);
  }
  try {
    await start(parsed.config);
  } catch (e) {
    log.error('failed to start daemon', { error: messageOf(e) });
    process.stderr.write(`failed to start daemon: ${messageOf(e)}\n`);
    process.exit(1);
  }
}

void main();
