/**
 * @module engine/build/build-service
 * POST /build as a use case: checks the tags, opens the context and reads the Dockerfile,
 * plans and runs the build, then prints `Successfully built …` and applies each tag
 * (`Successfully tagged …`). Progress goes out as Docker's legacy text (`stream`, `aux`) or,
 * for the berth CLI's live views, as structured events. With `q=1` only the image ID is sent,
 * unless the build fails: then the held output goes out before the error, as dockerd does.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { BuildCacheWire, BuildMessage, BuildPruneReport } from '../../api/types/build.js';
import type { BuildPruneOptions } from './cache-usage.js';
import { pruneDigestCaches } from '../../builder/context/digest-cache.js';
import type { BuildEvent } from '../../builder/events.js';
import { planBuild } from '../../builder/plan/plan.js';
import { classicMessages } from '../../builder/progress/classic.js';
import { runBuild } from '../../builder/solver/run-build.js';
import type { BuildBackend } from '../../builder/types.js';
import { InvalidArgument } from '../../errdefs/index.js';
import { parseNormalizedNamed, type Reference } from '../../image/reference.js';
import { pruneEvent } from '../events/event-log.js';
import { holdingImages } from './build-holds.js';
import { buildBackend, scratchRoot, stepContainersRoot, type BuildDeps } from './backend.js';
import { openContext } from './context-source.js';
import { exportImageRootfs } from './rootfs-export.js';
import { TimelineRecorder } from './timeline.js';
import { imageWaste, type WasteReport } from '../images/waste.js';
import type { BuildRequest, BuildService } from './types.js';
import { unmountBelow } from '../../util/mounts.js';
import { exportSession, openSession, type RemoteCacheDeps } from './remote-cache/remote-cache.js';
import type { SessionCache } from './remote-cache/session-cache.js';

function checkTags(tags: readonly string[]): void {
  for (const t of tags) {
    if (t === '') continue;
    let ref: Reference;
    try {
      ref = parseNormalizedNamed(t);
    } catch (e) {
      throw new InvalidArgument((e as Error).message, { cause: e });
    }
    if (ref.digest !== undefined) throw new InvalidArgument('build tag cannot contain a digest');
  }
}

/** What names a build's step slots (builder/solver/explain-cache.ts): where its context comes from. */
function explainScope(req: BuildRequest): string {
  const c = req.context;
  if (c.kind === 'local') return `dir:${c.path}`;
  if (c.kind === 'remote') return `url:${c.url}`;
  return `tags:${[...req.options.tags].sort().join(',')}`;
}

export class DefaultBuildService implements BuildService {
  readonly #deps: BuildDeps;
  readonly #backend: BuildBackend;
  readonly #remote: RemoteCacheDeps;

  constructor(deps: BuildDeps) {
    this.#deps = deps;
    this.#backend = buildBackend(deps);
    this.#remote = { images: deps.imageStore, layers: deps.layers, ...(deps.distribution ? { distribution: deps.distribution } : {}) };
  }

  async recover(): Promise<void> {
    // A crash can leave image views mounted in the scratch directory: unmount before removing.
    unmountBelow(scratchRoot(this.#deps.dataRoot));
    await fs.rm(scratchRoot(this.#deps.dataRoot), { recursive: true, force: true });
    await fs.mkdir(scratchRoot(this.#deps.dataRoot), { recursive: true, mode: 0o700 });
    await this.#backend.cache.prune();
    await this.#backend.cacheMounts?.recover();
    await pruneDigestCaches(join(this.#deps.dataRoot, 'buildcache', 'files'), 30 * 24 * 3600 * 1000);
    // Step containers of builds the daemon did not finish: forget them in runc, unmount, remove.
    const containers = stepContainersRoot(this.#deps.dataRoot);
    await fs.mkdir(containers, { recursive: true, mode: 0o700 });
    for (const name of await fs.readdir(containers)) {
      if (/^[0-9a-f]{64}$/.test(name)) await this.#deps.runtime?.cleanup(name, join(containers, name)).catch(() => {});
      unmountBelow(join(containers, name));
      await fs.rm(join(containers, name), { recursive: true, force: true });
    }
  }

  async cacheUsage(): Promise<BuildCacheWire[]> {
    return (await this.#deps.cacheUsage?.list()) ?? [];
  }

  async pruneCache(opts: BuildPruneOptions): Promise<BuildPruneReport> {
    const report = (await this.#deps.cacheUsage?.prune(opts)) ?? { CachesDeleted: null, SpaceReclaimed: 0 };
    // As dockerd: one `builder` `prune` event with the space reclaimed.
    this.#deps.events?.(pruneEvent('builder', report.SpaceReclaimed));
    return report;
  }

  exportRootfs(name: string): Readable {
    return exportImageRootfs({ images: this.#deps.images, layers: this.#deps.layers, scratch: scratchRoot(this.#deps.dataRoot) }, name);
  }

  imageWaste(name: string): WasteReport {
    return imageWaste(this.#deps.images.resolve(name), this.#deps.layers);
  }

  async build(req: BuildRequest, send: (m: BuildMessage) => void, signal: AbortSignal): Promise<void> {
    const opts = req.options;
    checkTags(opts.tags);
    const held: BuildMessage[] = [];
    const out = (m: BuildMessage) => (req.quiet ? held.push(m) : send(m));
    const emit = (e: BuildEvent) => {
      if (req.events) out({ event: e });
      else if (e.kind === 'cache-miss') {
        if (req.explainCache && !req.quiet) out({ id: 'berth.cache-miss', aux: { step: e.step, code: e.code, reason: e.reason } });
      }
      else for (const m of classicMessages(e)) if (m.stream !== undefined || (req.aux && !req.quiet)) out(m);
    };
    const opened = await openContext(req.context, {
      scratch: scratchRoot(this.#deps.dataRoot),
      cacheRoot: join(this.#deps.dataRoot, 'buildcache'),
      dockerfile: opts.dockerfile || 'Dockerfile',
      signal,
    });
    const holds = this.#deps.holds?.session();
    const backend = holds ? { ...this.#backend, images: holdingImages(this.#backend.images, holds) } : this.#backend;
    try {
      const plan = planBuild(opened.dockerfile.text, opts, opened.dockerfile.name);
      const timeline = req.timeline ? new TimelineRecorder() : undefined;
      const warn = (text: string) => emit({ kind: 'warning', text });
      const auths = opts.registryAuths ?? {};
      let session: SessionCache | undefined;
      if (req.cacheFrom?.length || req.cacheTo?.length) session = await openSession(this.#remote, this.#backend.cache, req.cacheFrom ?? [], auths, warn);
      const id = await runBuild({
        plan, backend: session ? { ...backend, cache: session.cache } : backend, options: opts, context: opened.context, events: emit, signal, explainScope: explainScope(req),
        ...(timeline ? { observe: (e: BuildEvent) => timeline.observe(e) } : {}),
      });
      if (timeline) out({ id: 'berth.timeline', aux: timeline.result() });
      emit({ kind: 'built', id });
      const seen = new Set<string>();
      for (const t of opts.tags) {
        if (!t || seen.has(t)) continue;
        seen.add(t);
        emit({ kind: 'tagged', name: await backend.images.tag(id, t) });
      }
      if (session && req.cacheTo?.length) await exportSession(this.#remote, req.cacheTo, session.used, id, auths, warn);
      if (req.quiet) send({ stream: `${id}\n` });
    } catch (e) {
      for (const m of held) send(m);
      throw e;
    } finally {
      holds?.release();
      await opened.context.dispose();
      // Not awaited: the build is done; what its steps kept goes meanwhile.
      void this.#deps.afterBuild?.();
    }
  }
}
