/**
 * @module dockerfile/instructions/types
 * Typed instructions: what each Dockerfile instruction means, before word expansion (the
 * builder expands words with the scope at each step — see ../scope.ts). Every command keeps its
 * source location and original text.
 */
import type { Heredoc } from '../parser/node.js';

export interface Location {
  file: string;
  startLine: number;
  endLine: number;
}

interface Base {
  location: Location;
  /** The instruction as written (continuations joined). */
  original: string;
}

export interface KeyValue {
  key: string;
  /** Raw (unexpanded, quotes kept) value. */
  value: string;
  /** true when written `k=v`; false for the legacy `ENV k v` form (value taken literally). */
  equals: boolean;
}

/** Command line of RUN/CMD/ENTRYPOINT/HEALTHCHECK CMD: shell form runs through SHELL. */
export interface CommandLine {
  /** true for shell form (`RUN echo hi`), false for exec (JSON) form. */
  prependShell: boolean;
  cmdLine: string[];
}

export interface FromCommand extends Base {
  kind: 'FROM';
  image: string;
  stageName?: string;
  platform?: string;
}
export interface RunCommand extends Base, CommandLine {
  kind: 'RUN';
  heredocs: Heredoc[];
  mounts: string[];
  network?: string;
  security?: string;
}
export interface CmdCommand extends Base, CommandLine {
  kind: 'CMD';
}
export interface EntrypointCommand extends Base, CommandLine {
  kind: 'ENTRYPOINT';
}
export interface ShellCommand extends Base {
  kind: 'SHELL';
  shell: string[];
}
export interface EnvCommand extends Base {
  kind: 'ENV';
  pairs: KeyValue[];
}
export interface LabelCommand extends Base {
  kind: 'LABEL';
  pairs: KeyValue[];
}
export interface ArgCommand extends Base {
  kind: 'ARG';
  args: { key: string; value?: string }[];
}
export interface CopyCommand extends Base {
  kind: 'COPY' | 'ADD';
  sources: string[];
  dest: string;
  /** Inline files from heredocs, in source order (their names appear in `sources`). */
  heredocs: Heredoc[];
  chown?: string;
  chmod?: string;
  from?: string;
  link: boolean;
  checksum?: string;
  keepGitDir: boolean;
  exclude: string[];
  parents: boolean;
  /** Written in JSON form (no word splitting of sources). */
  json: boolean;
}
export interface ExposeCommand extends Base {
  kind: 'EXPOSE';
  ports: string[];
}
export interface VolumeCommand extends Base {
  kind: 'VOLUME';
  volumes: string[];
}
export interface UserCommand extends Base {
  kind: 'USER';
  user: string;
}
export interface WorkdirCommand extends Base {
  kind: 'WORKDIR';
  path: string;
}
export interface StopSignalCommand extends Base {
  kind: 'STOPSIGNAL';
  signal: string;
}
export interface MaintainerCommand extends Base {
  kind: 'MAINTAINER';
  maintainer: string;
}
export interface OnbuildCommand extends Base {
  kind: 'ONBUILD';
  /** The trigger exactly as written, e.g. `RUN echo hi`. */
  expression: string;
}
export interface HealthConfig {
  /** `["NONE"]`, `["CMD", …]` (exec) or `["CMD-SHELL", "…"]` (shell form). */
  test: string[];
  /** Durations in nanoseconds; undefined when not given (inherited from the parent image). */
  interval?: number;
  timeout?: number;
  startPeriod?: number;
  startInterval?: number;
  retries?: number;
}
export interface HealthcheckCommand extends Base {
  kind: 'HEALTHCHECK';
  health: HealthConfig;
}

export type Command =
  | FromCommand
  | RunCommand
  | CmdCommand
  | EntrypointCommand
  | ShellCommand
  | EnvCommand
  | LabelCommand
  | ArgCommand
  | CopyCommand
  | ExposeCommand
  | VolumeCommand
  | UserCommand
  | WorkdirCommand
  | StopSignalCommand
  | MaintainerCommand
  | OnbuildCommand
  | HealthcheckCommand;

export interface Stage {
  /** Position among the stages, from 0. */
  index: number;
  /** `AS name`, lower-cased; undefined when unnamed. */
  name?: string;
  /** The FROM image, unexpanded (may use ARGs declared before the first FROM). */
  baseName: string;
  platform?: string;
  from: FromCommand;
  commands: Command[];
  location: Location;
}

export interface Dockerfile {
  /** ARGs before the first FROM: usable in FROM lines only (unless re-declared in a stage). */
  metaArgs: ArgCommand[];
  stages: Stage[];
  escape: string;
  warnings: { line: number; message: string }[];
}
