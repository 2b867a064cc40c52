/**
 * @module builder/solver/state
 * What a stage carries from step to step (Docker's dispatchState): the image the next step
 * builds on, the working container config ("run config") every step changes, the maintainer,
 * whether CMD was set in this stage (ENTRYPOINT clears an inherited CMD only), and the scope
 * of build args and ENV.
 */
import { randomBytes } from 'node:crypto';
import { emptyContainerConfig, normalizeContainerConfig, type ContainerConfig, type ImageConfig } from '../../image/config.js';
import type { Digest } from '../../image/digest.js';
import type { StageVars } from '../steps/types.js';
import type { FoldedStep } from './fold.js';

export const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
export const DEFAULT_SHELL = ['/bin/sh', '-c'];

export class StageState {
  readonly index: number;
  readonly name: string | undefined;
  /** Current image ('' before any step of a `FROM scratch` stage). */
  imageId: Digest | '';
  /** Config of the current image (undefined for scratch before any step). */
  image: ImageConfig | undefined;
  /** The config steps change; becomes each committed image's `config`. */
  runConfig: ContainerConfig;
  maintainer = '';
  cmdSet = false;
  readonly vars: StageVars;
  /** Config-only steps in a row so far (see fold.ts). */
  configRun = 0;
  /** Folded steps not yet committed (see fold.ts). */
  folded: FoldedStep[] = [];

  constructor(index: number, name: string | undefined, base: { id: Digest | ''; config: ImageConfig | undefined }, vars: (env: string[]) => StageVars) {
    this.index = index;
    this.name = name;
    this.imageId = base.id;
    this.image = base.config;
    const rc = copyRunConfig(base.config?.config ?? emptyContainerConfig());
    // beginStage: a default PATH when the base has none; stdin settings cleared.
    const env = rc.Env ?? [];
    if (!env.some((e) => e.split('=', 1)[0] === 'PATH')) rc.Env = [...env, DEFAULT_PATH];
    rc.OpenStdin = false;
    rc.StdinOnce = false;
    this.runConfig = rc;
    this.vars = vars(rc.Env ?? []);
  }

  /** updateRunConfig: the config's Image is the image the next step starts from. */
  syncImage(): void {
    this.runConfig.Image = this.imageId;
  }

  shell(): string[] {
    return this.runConfig.Shell && this.runConfig.Shell.length ? [...this.runConfig.Shell] : [...DEFAULT_SHELL];
  }

  /** Where each name is in runConfig.Env, for the array it was built from. */
  #envIndex: { env: string[]; at: Map<string, number> } | undefined;

  #envPositions(env: string[]): Map<string, number> {
    if (this.#envIndex?.env !== env) {
      const at = new Map<string, number>();
      env.forEach((e, i) => {
        const eq = e.indexOf('=');
        const k = eq < 0 ? e : e.slice(0, eq);
        if (!at.has(k)) at.set(k, i);
      });
      this.#envIndex = { env, at };
    }
    return this.#envIndex.at;
  }

  /**
   * Sets or replaces an ENV entry in place, as Docker does (keeps its position). O(1): a stage
   * of thousands of ENV lines must not rescan (or copy) the list at every step. The array is
   * the stage's own (commits and step configs take deep copies of the run config).
   */
  setEnv(key: string, value: string): void {
    const env = (this.runConfig.Env ??= []);
    const at = this.#envPositions(env);
    const i = at.get(key);
    if (i !== undefined) env[i] = `${key}=${value}`;
    else {
      at.set(key, env.length);
      env.push(`${key}=${value}`);
    }
    this.vars.setEnv(key, value);
  }
}

/** A deep copy of a container config (Docker's copyRunConfig), in canonical field order. */
export function copyRunConfig(c: ContainerConfig, change?: (c: ContainerConfig) => void): ContainerConfig {
  const copy = normalizeContainerConfig(JSON.parse(JSON.stringify(c)) as ContainerConfig);
  change?.(copy);
  return copy;
}

/** The nop command Docker records for a config-only step: `[shell…, "#(nop) ", comment]`. */
export function withCmdComment(state: StageState, comment: string): ContainerConfig {
  return copyRunConfig(state.runConfig, (c) => {
    c.Cmd = [...state.shell(), '#(nop) ', comment];
  });
}

/** The single-argument form WORKDIR, COPY and ADD use: `[shell…, "#(nop) " + comment]`. */
export function withCmdCommentString(state: StageState, comment: string): ContainerConfig {
  return copyRunConfig(state.runConfig, (c) => {
    c.Cmd = [...state.shell(), `#(nop) ${comment}`];
  });
}

/** A new 64-hex container ID. */
export function newContainerId(): string {
  return randomBytes(32).toString('hex');
}
