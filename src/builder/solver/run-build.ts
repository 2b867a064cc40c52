/**
 * @module builder/solver/run-build
 * Runs a planned build: prints the meta ARG steps, starts every needed stage as soon as the
 * stages it depends on are done (so independent stages run in parallel), shows their output in
 * stage order, and returns the target stage's image. The first failure cancels the stages
 * still running; the build then fails with that error. Steps are numbered over the needed
 * stages only: stages the target does not need are not built and not counted.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { Cancelled, InvalidArgument } from '../../errdefs/index.js';
import type { Digest } from '../../image/digest.js';
import { unusedArgsWarning } from '../progress/classic.js';
import type { BuildEvent, BuildEventSink } from '../events.js';
import type { BuildPlan } from '../plan/plan.js';
import { findStage } from '../plan/stage-graph.js';
import type { BuildBackend, BuildContext, BuildOptions } from '../types.js';
import { OrderedEvents } from './ordered-events.js';
import { LegacyCacheSources } from '../cache/legacy-sources.js';
import { SOURCE_DATE_EPOCH, sourceDateOf, withSourceDate } from './source-date.js';
import { runStage } from './stage-runner.js';
import type { BuildRun, StageResult } from './step-context.js';

export interface RunBuildInput {
  plan: BuildPlan;
  backend: BuildBackend;
  options: BuildOptions;
  context: BuildContext;
  events: BuildEventSink;
  signal: AbortSignal;
  /** Names this build's step slots for explaining cache misses (solver/explain-cache.ts). */
  explainScope?: string;
  /** Sees each stage's events as they happen (before stage-order holding), for a timeline. */
  observe?: (e: BuildEvent) => void;
}

/** Step numbers: meta ARGs first, then each needed stage's FROM and instructions. */
export function numberSteps(plan: BuildPlan): { total: number; first: Map<number, number> } {
  let n = plan.metaArgs.length;
  const first = new Map<number, number>();
  for (const i of plan.needed) {
    first.set(i, n + 1);
    n += 1 + plan.stages[i]!.instructions.length;
  }
  return { total: n, first };
}

function observed(sink: BuildEventSink, observe: ((e: BuildEvent) => void) | undefined): BuildEventSink {
  if (!observe) return sink;
  return (e) => {
    observe(e);
    sink(e);
  };
}

export async function runBuild(input: RunBuildInput): Promise<Digest> {
  const { plan, options, events } = input;
  const date = sourceDateOf(options);
  const backend = date ? withSourceDate(input.backend, date) : input.backend;
  const abort = new AbortController();
  const onOuterAbort = () => abort.abort(input.signal.reason);
  input.signal.addEventListener('abort', onOuterAbort, { once: true });
  const scratch = join(backend.layers.scratchDir, `build-${randomBytes(8).toString('hex')}`);
  mkdirSync(scratch, { recursive: true, mode: 0o700 });
  const lease = backend.layers.lease();
  const stages = new Map<number, StageResult>();
  // As dockerd: --no-cache leaves the cache sources unused.
  const legacySources = options.noCache ? undefined : LegacyCacheSources.resolve(options.cacheFrom, backend.images);
  const run: BuildRun = {
    backend,
    frontend: plan.frontend,
    options,
    context: input.context,
    scratch,
    lease,
    signal: abort.signal,
    stages,
    ...(input.explainScope !== undefined ? { explainScope: input.explainScope } : {}),
    ...(legacySources ? { legacySources } : {}),
    resolveStageRef: (current, ref, allowIndex) => findStage(plan.refs, current, ref, allowIndex),
  };
  const { total, first } = numberSteps(plan);
  for (const w of plan.warnings) events({ kind: 'warning', ...w });
  plan.metaArgs.forEach((text, i) => events({ kind: 'step', step: i + 1, total, stage: -1, text }));

  const ordered = new OrderedEvents(plan.needed, events);
  const running = new Map<number, Promise<StageResult>>();
  let firstError: unknown;
  const start = (i: number): Promise<StageResult> => {
    const existing = running.get(i);
    if (existing) return existing;
    const p = (async () => {
      await Promise.all(plan.deps[i]!.map(start));
      if (abort.signal.aborted) throw new Cancelled('Build cancelled');
      const r = await runStage(run, plan.refs, plan.stages[i]!, first.get(i)!, total, observed(ordered.sink(i), input.observe));
      stages.set(i, r);
      ordered.finish(i);
      return r;
    })();
    p.catch((e: unknown) => {
      firstError ??= e;
      abort.abort(e);
    });
    running.set(i, p);
    return p;
  };
  try {
    for (const i of plan.needed) void start(i);
    await Promise.allSettled([...running.values()]);
    if (firstError !== undefined) {
      ordered.flushAll();
      throw firstError;
    }
    // SOURCE_DATE_EPOCH is the builder's own arg: always consumed.
    const warning = unusedArgsWarning(plan.frontend.unconsumedArgs().filter((a) => a !== SOURCE_DATE_EPOCH));
    if (warning) events({ kind: 'warning', text: warning });
    const result = stages.get(plan.target)!;
    if (!result.id) throw new InvalidArgument('No image was generated. Is your Dockerfile empty?');
    return result.id;
  } finally {
    input.signal.removeEventListener('abort', onOuterAbort);
    lease.release();
    await fs.rm(scratch, { recursive: true, force: true }).catch(() => {});
  }
}
