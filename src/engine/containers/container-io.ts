/**
 * @module engine/containers/container-io
 * The ContainerIOService: a container's streams and files (attach, logs, wait, `docker cp`
 * both ways, export, stats), over the same ContainerContext as the lifecycle use cases.
 */
import type { Readable } from 'node:stream';
import type { ContainerStatsWire, PathStat, WaitResponse } from '../../api/types/containers.js';
import type { LogRecord } from '../../runtime/types.js';
import { archiveOf, exportOf, extractInto } from './archive.js';
import { attachContainer } from './attach.js';
import type { ContainerContext } from './context.js';
import { containerLogs } from './logs.js';
import { containerStats, type StatsOptions } from './stats.js';
import type { AttachOptions, ClientStreams, ContainerIOService, LogsOptions, WaitCondition } from './types.js';
import { waitFor } from './wait.js';

export class DefaultContainerIO implements ContainerIOService {
  readonly #ctx: ContainerContext;

  constructor(ctx: ContainerContext) {
    this.#ctx = ctx;
  }

  async wait(ref: string, condition: WaitCondition, signal?: AbortSignal): Promise<{ result: Promise<WaitResponse> }> {
    return waitFor(this.#ctx, ref, condition, signal);
  }

  attach(ref: string, opts: AttachOptions, connect: () => ClientStreams): Promise<void> {
    return attachContainer(this.#ctx, ref, opts, connect);
  }

  async logs(ref: string, opts: LogsOptions): Promise<{ tty: boolean; records: AsyncIterable<LogRecord> }> {
    return containerLogs(this.#ctx, ref, opts);
  }

  archive(ref: string, path: string, opts: { statOnly?: boolean } = {}): Promise<{ stat: PathStat; tar?: Readable }> {
    return archiveOf(this.#ctx, ref, path, opts);
  }

  extract(ref: string, path: string, tar: Readable, opts: { noOverwriteDirNonDir?: boolean; copyUIDGID?: boolean } = {}): Promise<void> {
    return extractInto(this.#ctx, ref, path, tar, opts);
  }

  export(ref: string): Promise<Readable> {
    return exportOf(this.#ctx, ref);
  }

  async stats(ref: string, opts: StatsOptions): Promise<AsyncIterable<ContainerStatsWire>> {
    this.#ctx.store.resolve(ref);
    return containerStats(this.#ctx, ref, opts);
  }
}
