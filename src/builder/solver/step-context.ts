/**
 * @module builder/solver/step-context
 * What a step executor works with: the backend roles, the frontend, the build's options and
 * context, the finished stages (for `COPY --from` and `FROM <stage>`), a scratch directory on
 * the data root's file system, the lease holding the build's new layers, and the step's
 * event reporter.
 */
import type { ImageConfig } from '../../image/config.js';
import type { Digest } from '../../image/digest.js';
import type { Lease } from '../../store/layers/types.js';
import type { CacheKey } from '../cache-key.js';
import type { LegacyCacheSources } from '../cache/legacy-sources.js';
import type { BuildEvent } from '../events.js';
import type { Frontend } from '../steps/types.js';
import type { BuildBackend, BuildContext, BuildOptions } from '../types.js';

/** A finished stage's result. */
export interface StageResult {
  id: Digest | '';
  config: ImageConfig | undefined;
}

/** Events of the step being run (the step number is filled in). */
export type StepEvent = BuildEvent extends infer E ? (E extends { step: number } ? Omit<E, 'step'> : never) : never;

export interface BuildRun {
  readonly backend: BuildBackend;
  readonly frontend: Frontend;
  readonly options: BuildOptions;
  readonly context: BuildContext;
  /** Per-build scratch directory (removed at the end). */
  readonly scratch: string;
  readonly lease: Lease;
  readonly signal: AbortSignal;
  /** Results of finished stages, by index. */
  readonly stages: Map<number, StageResult>;
  /** Names the build's step slots for explaining cache misses (solver/explain-cache.ts). */
  readonly explainScope?: string;
  /** Docker's legacy `--cache-from` images, when the build names any. */
  readonly legacySources?: LegacyCacheSources;
  /** Stage index by (lower-case) name, and stage count, for --from resolution. */
  resolveStageRef(current: number, ref: string, allowIndex: boolean): number | undefined;
}

export interface StepContext {
  readonly run: BuildRun;
  /** Reports an event of the current step. */
  emit(e: StepEvent): void;
  /** Reports the step's cache probe (a miss emits its reason); see solver/explain-cache.ts. */
  readonly explain?: (key: CacheKey, hit: boolean) => Promise<void>;
}
