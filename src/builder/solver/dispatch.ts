/**
 * @module builder/solver/dispatch
 * One instruction → expanded against the stage's scope → its executor (by family: config-only,
 * WORKDIR, RUN, COPY/ADD).
 */
import { configStep } from '../steps/config-step.js';
import { copyStep } from '../steps/copy.js';
import { runStep } from '../steps/run.js';
import type { Instruction } from '../steps/types.js';
import { workdirStep } from '../steps/workdir.js';
import type { StageState } from './state.js';
import type { StepContext } from './step-context.js';

export async function dispatch(ctx: StepContext, state: StageState, raw: Instruction): Promise<void> {
  state.syncImage();
  const { ins, args } = state.vars.expand(raw);
  switch (ins.op) {
    case 'RUN':
      return runStep(ctx, state, ins);
    case 'COPY':
    case 'ADD':
      return copyStep(ctx, state, ins, args);
    case 'WORKDIR':
      return workdirStep(ctx, state, ins, args);
    default:
      return configStep(ctx, state, ins, args);
  }
}
