/**
 * @module build/solver/dispatch
 * One instruction → its executor (by family: config-only, WORKDIR, RUN, COPY/ADD).
 */
import { configStep } from '../steps/config-step.js';
import { copyStep } from '../steps/copy.js';
import { runStep } from '../steps/run.js';
import type { Instruction } from '../steps/types.js';
import { workdirStep } from '../steps/workdir.js';
import type { StageState } from './state.js';
import type { StepContext } from './step-context.js';

export async function dispatch(ctx: StepContext, state: StageState, ins: Instruction): Promise<void> {
  state.syncImage();
  switch (ins.op) {
    case 'RUN':
      return runStep(ctx, state, ins);
    case 'COPY':
    case 'ADD':
      return copyStep(ctx, state, ins);
    case 'WORKDIR':
      return workdirStep(ctx, state, ins);
    default:
      return configStep(ctx, state, ins);
  }
}
