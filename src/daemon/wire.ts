/**
 * @module daemon/wire
 * Builds the engine: the only place that chooses implementations. Each area adds its service
 * here, runs its start-up recovery, and registers what it must close at shutdown.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { allRoutes } from '../api/routes/index.js';
import type { Route } from '../api/router.js';
import type { Engine } from '../engine/engine.js';
import { DefaultSystemService } from '../engine/system/system-service.js';
import type { InfoCounts } from '../engine/types.js';
import { writeFileAtomic } from '../util/atomic.js';
import type { DaemonConfig } from './config.js';

export interface Wired {
  engine: Engine;
  routes: Route[];
  close(): Promise<void>;
}

async function daemonId(dataRoot: string): Promise<string> {
  const p = join(dataRoot, 'engine-id');
  try {
    return (await fs.readFile(p, 'utf8')).trim();
  } catch {
    const id = randomUUID();
    await writeFileAtomic(p, id + '\n', 0o600);
    return id;
  }
}

export async function wire(config: DaemonConfig): Promise<Wired> {
  const paths = { dataRoot: config.dataRoot, execRoot: config.execRoot };
  const closers: (() => Promise<void>)[] = [];
  const counters: (() => Promise<InfoCounts>)[] = [];

  const system = new DefaultSystemService({
    paths,
    daemonId: await daemonId(config.dataRoot),
    debug: config.debug,
    startedAt: new Date(),
    counts: async () => Object.assign({}, ...(await Promise.all(counters.map((c) => c())))) as InfoCounts,
  });

  const engine: Engine = { system };
  return {
    engine,
    routes: allRoutes(engine),
    close: async () => {
      for (const c of closers.reverse()) await c();
    },
  };
}
