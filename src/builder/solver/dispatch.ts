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
import { commitFolded } from './fold.js';
import type { StageState } from './state.js';
import type { StepContext } from './step-context.js';

/** Whether `op` only changes the config (the steps that fold, see fold.ts). */
export function isConfigOnly(op: Instruction['op']): boolean {
  return op !== 'RUN' && op !== 'COPY' && op !== 'ADD' && op !== 'WORKDIR';
}

export async function dispatch(ctx: StepContext, state: StageState, raw: Instruction): Promise<void> {
  if (!isConfigOnly(raw.op)) {
    await commitFolded(ctx, state);
    state.configRun = 0;
  }
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
