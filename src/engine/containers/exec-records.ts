/**
 * @module engine/containers/exec-records
 * Execs as dockerd keeps them: records in memory from create to the container's next start or
 * its removal (then `forget`). A record is *started* once (never again), *running* while its
 * process runs, and keeps its exit code afterwards for inspect.
 */
import type { ExecCreateRequest } from '../../api/types/containers.js';
import { NotFound } from '../../errdefs/index.js';
import type { ExecProcess, ProcessConnection } from '../../runtime/types.js';

export interface ExecRecord {
  id: string;
  containerId: string;
  config: ExecCreateRequest;
  running: boolean;
  started: boolean;
  exitCode: number | null;
  pid: number;
  process?: ExecProcess;
  monitor?: ProcessConnection;
}

export class ExecRecords {
  readonly #execs = new Map<string, ExecRecord>();

  add(e: ExecRecord): void {
    this.#execs.set(e.id, e);
  }

  /** NotFound with Docker's text when there is no such exec. */
  get(id: string): ExecRecord {
    const e = this.#execs.get(id);
    if (!e) throw new NotFound(`No such exec instance: ${id}`);
    return e;
  }

  /** IDs of a container's running execs (inspect's ExecIDs). */
  idsOf(containerId: string): string[] {
    return [...this.#execs.values()].filter((e) => e.containerId === containerId && e.running).map((e) => e.id);
  }

  /** Drops a container's exec records (it starts again, or goes away). */
  forget(containerId: string): void {
    for (const [k, e] of this.#execs) if (e.containerId === containerId) this.#execs.delete(k);
  }
}
