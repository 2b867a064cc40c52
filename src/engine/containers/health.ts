/**
 * @module engine/containers/health
 * Health checks as dockerd runs them: the container's HEALTHCHECK (image or `--health-*`) is
 * run as an exec every interval while the container runs; `State.Health` goes `starting` →
 * `healthy` on the first success, and `unhealthy` after `retries` failures in a row (failures
 * within the start period do not count until the first success). Each probe is kept in the
 * log (the last five), its output cut at 4 KiB; a probe that outlives its timeout is killed
 * and recorded with exit code -1. A daemon restart picks the checks of running containers up
 * again with the health they had.
 */
import { randomBytes } from 'node:crypto';
import type { HealthWire } from '../../api/types/containers.js';
import type { HealthConfig } from '../../image/config.js';
import { ProcessCreateError } from '../../runtime/types.js';
import { logger } from '../../util/log.js';
import type { ContainerContext } from './context.js';
import type { ContainerRecord } from './record.js';
import { containerEvent } from './events.js';

const log = logger('containers');

export type HealthState = HealthWire;
export type HealthLogEntry = HealthWire['Log'][number];

export interface HealthSettings {
  /** The probe's argv (CMD as given; CMD-SHELL through /bin/sh -c). */
  args: string[];
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  startPeriodMs: number;
}

/** dockerd's defaults for what the HEALTHCHECK leaves out. */
const DEFAULT_INTERVAL_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_RETRIES = 3;
/** How much of a probe's output is kept (dockerd's maxOutputLen). */
export const MAX_OUTPUT = 4096;
/** How many probes the log keeps. */
export const MAX_LOG_ENTRIES = 5;

const nsToMs = (ns: number | undefined) => (ns && ns > 0 ? Math.round(ns / 1e6) : 0);

/** The check a container runs, or undefined (no HEALTHCHECK, `NONE`, an empty test). */
export function healthSettings(c: HealthConfig | undefined): HealthSettings | undefined {
  const test = c?.Test ?? [];
  let args: string[];
  if (test[0] === 'CMD') args = test.slice(1);
  else if (test[0] === 'CMD-SHELL') args = ['/bin/sh', '-c', test.slice(1).join(' ')];
  else return undefined;
  if (args.length === 0) return undefined;
  return {
    args,
    intervalMs: nsToMs(c!.Interval) || DEFAULT_INTERVAL_MS,
    timeoutMs: nsToMs(c!.Timeout) || DEFAULT_TIMEOUT_MS,
    retries: c!.Retries && c!.Retries > 0 ? c!.Retries : DEFAULT_RETRIES,
    startPeriodMs: nsToMs(c!.StartPeriod),
  };
}

/** The health after one probe. Pure. */
export function nextHealth(prev: HealthState, probe: HealthLogEntry, retries: number, inStartPeriod: boolean): HealthState {
  const Log = [...prev.Log, probe].slice(-MAX_LOG_ENTRIES);
  if (probe.ExitCode === 0) return { Status: 'healthy', FailingStreak: 0, Log };
  // In the start period a failure does not count, until the container has once been healthy.
  if (inStartPeriod && prev.Status !== 'healthy') return { ...prev, Log };
  const FailingStreak = prev.FailingStreak + 1;
  return { Status: FailingStreak >= retries ? 'unhealthy' : prev.Status, FailingStreak, Log };
}

/** Durations as Go prints them in dockerd's timeout message (`30s`, `1.5s`, `500ms`). */
function goDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(3)}s`;
  const m = Math.floor(ms / 60_000);
  const s = +((ms % 60_000) / 1000).toFixed(3);
  return `${m}m${s}s`;
}

/** The timers of the containers whose health is being checked. */
export class HealthMonitors {
  readonly #timers = new Map<string, NodeJS.Timeout>();

  /** Runs `probe` every `intervalMs` (the first after one interval) until `stop`. */
  start(id: string, intervalMs: number, probe: () => Promise<void>): void {
    this.stop(id);
    const tick = () => {
      const t = setTimeout(() => {
        void probe().finally(() => {
          if (this.#timers.get(id) === t) tick();
        });
      }, intervalMs);
      t.unref();
      this.#timers.set(id, t);
    };
    tick();
  }

  stop(id: string): void {
    const t = this.#timers.get(id);
    if (t) clearTimeout(t);
    this.#timers.delete(id);
  }

  /** At shutdown. */
  stopAll(): void {
    for (const id of [...this.#timers.keys()]) this.stop(id);
  }

  has(id: string): boolean {
    return this.#timers.has(id);
  }
}

/** Runs one probe in the container; the log entry. */
async function probeOnce(ctx: Pick<ContainerContext, 'deps' | 'store'>, rec: ContainerRecord, s: HealthSettings): Promise<HealthLogEntry> {
  const Start = new Date().toISOString();
  let output = '';
  let exitCode = -1;
  try {
    const p = await ctx.deps.runtime.exec({
      containerId: rec.ID, containerDir: ctx.store.dirOf(rec.ID), execId: `health-${randomBytes(16).toString('hex')}`,
      args: s.args, tty: false, openStdin: false, attach: true,
    });
    try {
      const conn = await p.attach({ stdout: true, stderr: true });
      const reading = (async () => {
        for await (const f of conn.output) if (output.length < MAX_OUTPUT) output += f.data.toString('utf8');
        return conn.exit;
      })();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), s.timeoutMs)));
      const r = await Promise.race([reading, timedOut]);
      clearTimeout(timer);
      if (r === 'timeout') {
        await p.kill('SIGKILL');
        conn.close();
        output = `Health check exceeded timeout (${goDuration(s.timeoutMs)})`;
        exitCode = -1;
      } else {
        exitCode = r ?? -1;
      }
    } finally {
      await p.remove().catch(() => {});
    }
  } catch (e) {
    output = e instanceof ProcessCreateError ? `OCI runtime exec failed: ${e.detail}: unknown` : (e as Error).message;
    exitCode = -1;
  }
  return { Start, End: new Date().toISOString(), ExitCode: exitCode, Output: output.slice(0, MAX_OUTPUT) };
}

/**
 * Starts checking a running container (after start, or at recovery with `keep` true for the
 * health it had); does nothing without a health check.
 */
export function startHealthCheck(ctx: ContainerContext, rec: ContainerRecord, keep = false): void {
  const s = healthSettings(rec.Config.Healthcheck as HealthConfig | undefined);
  if (!s) return;
  if (!keep || !rec.State.Health) rec.State.Health = { Status: 'starting', FailingStreak: 0, Log: [] };
  const startedAt = Date.parse(rec.State.StartedAt);
  ctx.health.start(rec.ID, s.intervalMs, async () => {
    if (!rec.State.Running || ctx.store.get(rec.ID) !== rec) return;
    const entry = await probeOnce(ctx, rec, s);
    await ctx.locks.run(rec.ID, async () => {
      // The container may have stopped or gone while the probe ran.
      if (!rec.State.Running || ctx.store.get(rec.ID) !== rec || !ctx.health.has(rec.ID)) return;
      const cur = rec.State.Health ?? { Status: 'starting', FailingStreak: 0, Log: [] };
      const inStart = Date.parse(entry.Start) - startedAt < s.startPeriodMs;
      rec.State.Health = nextHealth(cur, entry, s.retries, inStart);
      if (rec.State.Health.Status !== cur.Status) containerEvent(ctx, rec, `health_status: ${rec.State.Health.Status}`);
      await ctx.store.save(rec).catch((e) => log.warn('saving the health state', { id: rec.ID, error: String(e) }));
    });
  });
}

/** Health text for ps's STATUS column: ` (healthy)`, ` (unhealthy)`, ` (health: starting)`, or ''. */
export function healthSuffix(rec: ContainerRecord): string {
  const h = rec.State.Health;
  if (!h || rec.State.Status !== 'running') return '';
  return h.Status === 'starting' ? ' (health: starting)' : ` (${h.Status})`;
}
