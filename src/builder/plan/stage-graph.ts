/**
 * @module builder/plan/stage-graph
 * Which stages a build needs and in which order they may run. A stage depends on the stage
 * its FROM names (by name, or by index) and on every stage a `COPY --from` names (by name or
 * index). The target (the last stage unless `--target` names one) and, transitively, what it
 * depends on are needed; other stages are skipped. Stages whose dependencies are done may run
 * at the same time.
 */
import { InvalidArgument } from '../../errdefs/index.js';

/** What the planner needs to know of a stage (names and references already expanded). */
export interface StageRefs {
  /** Stage name as written after AS; compared case-insensitively. */
  name?: string;
  /** The FROM argument after expansion: `scratch`, an image reference, a stage name or index. */
  base: string;
  /** The `--from` values of its COPY/ADD instructions, after expansion. */
  copyFrom: string[];
}

/** How a FROM or --from value resolved. */
export type StageSource = { stage: number } | { image: string } | { scratch: true };

/** The stage a name or index refers to, seen from stage `current` (stages before it only). */
export function findStage(stages: readonly StageRefs[], current: number, ref: string, allowIndex: boolean): number | undefined {
  const lower = ref.toLowerCase();
  for (let i = 0; i < current; i++) if (stages[i]!.name?.toLowerCase() === lower) return i;
  if (allowIndex && /^[0-9]+$/.test(ref)) {
    const ix = Number(ref);
    if (ix === current) throw new InvalidArgument(`invalid from flag value ${ref}: refers to current build stage`);
    if (ix > current) throw new InvalidArgument(`invalid from flag value ${ref}: index out of bounds`);
    return ix;
  }
  return undefined;
}

/** Resolves a stage's FROM. */
export function resolveBase(stages: readonly StageRefs[], current: number): StageSource {
  const base = stages[current]!.base;
  if (base === '') return { image: '' };
  if (base.toLowerCase() === 'scratch') return { scratch: true };
  const ix = findStageForFrom(stages, current, base);
  return ix === undefined ? { image: base } : { stage: ix };
}

function findStageForFrom(stages: readonly StageRefs[], current: number, base: string): number | undefined {
  const byName = findStage(stages, current, base, false);
  if (byName !== undefined) return byName;
  // A previous stage by index, when nothing is named so.
  if (/^[0-9]+$/.test(base) && Number(base) < current) return Number(base);
  return undefined;
}

/** Resolves a `--from` value of stage `current`. */
export function resolveCopyFrom(stages: readonly StageRefs[], current: number, from: string): StageSource {
  const ix = findStage(stages, current, from, true);
  return ix === undefined ? { image: from } : { stage: ix };
}

/** For each stage, the stages it depends on (sorted, unique). */
export function stageDependencies(stages: readonly StageRefs[]): number[][] {
  return stages.map((s, i) => {
    const deps = new Set<number>();
    const b = resolveBase(stages, i);
    if ('stage' in b) deps.add(b.stage);
    for (const f of s.copyFrom) {
      // An invalid index (the stage itself, a later one) fails when the step runs, as in Docker.
      let r: StageSource;
      try {
        r = resolveCopyFrom(stages, i, f);
      } catch {
        continue;
      }
      if ('stage' in r) deps.add(r.stage);
    }
    return [...deps].sort((a, b) => a - b);
  });
}

/** The index of the target stage; the last one when no target is given. */
export function targetIndex(stages: readonly StageRefs[], target: string | undefined): number {
  if (stages.length === 0) throw new InvalidArgument('file with no instructions');
  if (!target) return stages.length - 1;
  const lower = target.toLowerCase();
  const ix = stages.findIndex((s) => s.name?.toLowerCase() === lower);
  if (ix < 0) throw new InvalidArgument(`failed to reach build target ${target} in Dockerfile`);
  return ix;
}

/** The stages the target needs (itself included), in index order. */
export function neededStages(deps: readonly number[][], target: number): number[] {
  const seen = new Set<number>();
  const visit = (i: number) => {
    if (seen.has(i)) return;
    seen.add(i);
    for (const d of deps[i]!) visit(d);
  };
  visit(target);
  return [...seen].sort((a, b) => a - b);
}
