/**
 * @module builder/steps/metadata
 * The instructions that change only the image config: ENV, LABEL, MAINTAINER, ARG, EXPOSE,
 * VOLUME, USER, STOPSIGNAL, SHELL, CMD, ENTRYPOINT, HEALTHCHECK, ONBUILD. Each applies its
 * change to the stage state and returns the comment Docker records in history
 * (`/bin/sh -c #(nop)  ENV A=1`), which is also the normalized instruction for the cache key.
 */
import { constants } from 'node:os';
import { InvalidArgument } from '../../errdefs/index.js';
import type { HealthConfig } from '../../image/config.js';
import type { StageState } from '../solver/state.js';
import { goDuration, goList, goQuote, goQuoteList, goQuoteRune } from './go-format.js';
import type { CommandLine, Instruction, InstructionOf } from './types.js';

export interface MetaResult {
  /** Docker's commit comment, e.g. `ENV A=1`. */
  comment: string;
  /** Lines printed during the step (`Note: overriding previous HEALTHCHECK: …`). */
  notes: string[];
}

export type MetadataOp = Exclude<Instruction['op'], 'RUN' | 'COPY' | 'ADD' | 'WORKDIR'>;

/**
 * The command a CMD/ENTRYPOINT/RUN line stands for: shell form goes through SHELL. An empty
 * shell form is the shell alone (`RUN` runs `/bin/sh -c`, which fails, as in Docker).
 */
export function resolveCmdLine(c: CommandLine, shell: readonly string[]): string[] {
  return c.prependShell ? [...shell, ...(c.cmdLine.length ? [c.cmdLine.join(' ')] : [])] : [...c.cmdLine];
}

/** Whether a signal name or number is one Docker accepts (signal.ParseSignal). */
export function validSignal(raw: string): boolean {
  if (/^-?\d+$/.test(raw)) return Number(raw) > 0 && Number(raw) <= 64;
  const name = raw.toUpperCase().replace(/^SIG/, '');
  if (`SIG${name}` in constants.signals) return true;
  const rt = /^RTM(IN|AX)([+-]\d+)?$/.exec(name);
  return rt !== null;
}

function healthText(h: HealthConfig): string {
  return `&{${goQuoteList(h.Test ?? [])} ${goQuote(goDuration(h.Interval ?? 0))} ${goQuote(goDuration(h.Timeout ?? 0))} ${goQuote(
    goDuration(h.StartPeriod ?? 0),
  )} ${goQuoteRune(h.Retries ?? 0)}}`;
}

/** Applies a config-only instruction (already expanded) to the stage. */
export function applyMetadata(state: StageState, ins: InstructionOf<MetadataOp>): MetaResult {
  const notes: string[] = [];
  const rc = state.runConfig;
  const done = (comment: string): MetaResult => ({ comment, notes });
  switch (ins.op) {
    case 'ENV':
      for (const p of ins.pairs) state.setEnv(p.key, p.value);
      return done(`ENV ${ins.pairs.map((p) => `${p.key}=${p.value}`).join(' ')}`);
    case 'LABEL': {
      const labels = { ...(rc.Labels ?? {}) };
      for (const p of ins.pairs) labels[p.key] = p.value;
      rc.Labels = labels;
      return done(`LABEL ${ins.pairs.map((p) => `${p.key}=${p.value}`).join(' ')}`);
    }
    case 'MAINTAINER':
      state.maintainer = ins.maintainer;
      return done(`MAINTAINER ${ins.maintainer}`);
    case 'ARG':
      for (const a of ins.args) state.vars.declareArg(a.key, a.value);
      return done(`ARG ${ins.args.map((a) => (a.value === undefined ? a.key : `${a.key}=${a.value}`)).join(' ')}`);
    case 'EXPOSE': {
      const exposed = { ...(rc.ExposedPorts ?? {}) };
      for (const k of ins.keys) exposed[k] = {};
      rc.ExposedPorts = exposed;
      return done(`EXPOSE ${ins.ports.join(' ')}`);
    }
    case 'VOLUME': {
      const volumes = { ...(rc.Volumes ?? {}) };
      for (const v of ins.volumes) {
        if (v === '') throw new InvalidArgument('VOLUME specified can not be an empty string');
        volumes[v] = {};
      }
      rc.Volumes = volumes;
      return done(`VOLUME ${goList(ins.volumes)}`);
    }
    case 'USER':
      rc.User = ins.user;
      return done(`USER ${rc.User}`);
    case 'STOPSIGNAL':
      if (!validSignal(ins.signal)) throw new InvalidArgument(`Invalid signal: ${ins.signal}`);
      rc.StopSignal = ins.signal;
      return done(`STOPSIGNAL ${ins.signal}`);
    case 'SHELL':
      rc.Shell = [...ins.shell];
      return done(`SHELL ${goList(rc.Shell)}`);
    case 'CMD':
      rc.Cmd = resolveCmdLine(ins, state.shell());
      if (ins.cmdLine.length) state.cmdSet = true;
      return done(`CMD ${goQuoteList(rc.Cmd)}`);
    case 'ENTRYPOINT':
      // An empty ENTRYPOINT (either form) unsets it.
      rc.Entrypoint = ins.cmdLine.length ? resolveCmdLine(ins, state.shell()) : null;
      if (!state.cmdSet) rc.Cmd = null;
      return done(`ENTRYPOINT ${goQuoteList(rc.Entrypoint)}`);
    case 'HEALTHCHECK': {
      const old = rc.Healthcheck;
      if (old?.Test && old.Test.length && old.Test[0] !== 'NONE') notes.push(`Note: overriding previous HEALTHCHECK: ${goList(old.Test)}\n`);
      const given: HealthConfig = { Test: [...ins.test] };
      if (ins.interval) given.Interval = ins.interval;
      if (ins.timeout) given.Timeout = ins.timeout;
      if (ins.startPeriod) given.StartPeriod = ins.startPeriod;
      if (ins.retries) given.Retries = ins.retries;
      // History shows the instruction; the config inherits what it leaves unset from the
      // image's healthcheck (Docker merges the image config into the step's container config,
      // which shares this struct with the build state).
      const merged: HealthConfig = { ...given };
      if (!merged.Interval && old?.Interval) merged.Interval = old.Interval;
      if (!merged.Timeout && old?.Timeout) merged.Timeout = old.Timeout;
      if (!merged.StartPeriod && old?.StartPeriod) merged.StartPeriod = old.StartPeriod;
      if (!merged.Retries && old?.Retries) merged.Retries = old.Retries;
      rc.Healthcheck = merged;
      return done(`HEALTHCHECK ${healthText(given)}`);
    }
    case 'ONBUILD':
      rc.OnBuild = [...(rc.OnBuild ?? []), ins.expression];
      return done(`ONBUILD ${ins.expression}`);
  }
}
