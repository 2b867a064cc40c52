/**
 * @module dockerfile/instructions/types
 * Typed instructions: what each Dockerfile instruction means, as the builder consumes them.
 *
 * Lifecycle: `parseInstruction` (or `parseStages`) produces commands whose words are still
 * unexpanded (quotes, escapes and `$vars` as written). Before running a step the builder calls
 * `expandCommand(cmd, env)` with the environment at that point (see ../scope), which returns a
 * copy with the words Docker expands already expanded, plus the variables used. Instructions
 * Docker does not expand (RUN's command, CMD, ENTRYPOINT, SHELL, HEALTHCHECK, ONBUILD,
 * MAINTAINER) come back unchanged.
 *
 * Every command has `kind` (its keyword in upper case, the discriminant), `keyword` (as
 * written), `location` (its lines) and `original` (its text, continuations joined, trimmed).
 */
import type { Location } from '../types.js';

/** What every command carries. */
export interface CommandBase {
  /** The keyword as written, e.g. `run` or `RUN`. */
  keyword: string;
  location: Location;
  /** The instruction as written: continuations joined, heredoc bodies left out, trimmed. */
  original: string;
  /** Comment lines right before the instruction, without `#`. */
  comments: string[];
}

/** How RUN, CMD, ENTRYPOINT, SHELL and HEALTHCHECK CMD give their command. */
export interface CommandLine {
  /** true for shell form (`RUN echo hi`: run through the SHELL), false for exec (JSON) form. */
  prependShell: boolean;
  /** Exec form: the argv; shell form: one string, the command text. */
  cmdLine: string[];
}

/** A heredoc as a file: RUN's inline scripts and COPY/ADD's inline sources. */
export interface InlineFile {
  /** The delimiter, which is also the file's name (`COPY <<EOF /x` writes `/x`). */
  name: string;
  /** The file content: the body, with leading tabs removed for `<<-`. */
  data: string;
  /** The body exactly as written. */
  raw: string;
  /** Expand `$vars` in the content (the delimiter was not quoted). */
  expand: boolean;
  /** Written with `<<-`. */
  chomp: boolean;
  /** The descriptor before `<<` (`3<<EOF`), 0 when none. */
  fileDescriptor: number;
}

export interface KeyValue {
  key: string;
  /** Unexpanded as written (expandCommand expands it). */
  value: string;
  /** true for the legacy form `ENV key value` (one pair, the rest of the line is the value). */
  legacy: boolean;
}

export interface FromCommand extends CommandBase {
  kind: 'FROM';
  /** The base: an image reference, `scratch`, or an earlier stage's name; unexpanded. */
  image: string;
  /** `AS name`, lower-cased (stage names are case-insensitive). */
  stageName?: string;
  /** `--platform`, unexpanded. */
  platform?: string;
}

export type MountType = 'bind' | 'cache' | 'tmpfs' | 'secret' | 'ssh';
export type CacheSharing = 'shared' | 'private' | 'locked';

/** One `RUN --mount=…`. */
export interface RunMount {
  type: MountType;
  /** Stage, image or context the bind/cache mount comes from. */
  from?: string;
  source?: string;
  target?: string;
  readOnly: boolean;
  /** tmpfs `size`, in bytes. */
  sizeLimit?: number;
  /** cache/secret `id`. */
  id?: string;
  sharing?: CacheSharing;
  /** secret/ssh `required`. */
  required: boolean;
  /** secret `env`: the variable to expose the secret as. */
  env?: string;
  /** File mode (octal in the Dockerfile). */
  mode?: number;
  uid?: number;
  gid?: number;
}

export interface RunCommand extends CommandBase, CommandLine {
  kind: 'RUN';
  /** Heredocs in the command (`RUN <<EOF`, `RUN cat <<A <<B`), in order. */
  files: InlineFile[];
  /** `--mount` values as written. */
  mountSpecs: string[];
  /**
   * The mounts. Final after expandCommand (which checks them as Docker does when the step
   * runs); before it, values are taken as written and invalid ones left out.
   */
  mounts: RunMount[];
  network: 'default' | 'none' | 'host';
  security: 'sandbox' | 'insecure';
}

export interface CmdCommand extends CommandBase, CommandLine {
  kind: 'CMD';
}

export interface EntrypointCommand extends CommandBase, CommandLine {
  kind: 'ENTRYPOINT';
}

/** SHELL is always exec form: `prependShell` is false and `cmdLine` equals `shell`. */
export interface ShellCommand extends CommandBase, CommandLine {
  kind: 'SHELL';
  shell: string[];
}

export interface HealthConfig {
  /** `["NONE"]`, `["CMD", …argv]` (exec form) or `["CMD-SHELL", "command"]` (shell form). */
  test: string[];
  /** Durations in nanoseconds; 0 when not given (the image's or Docker's default applies). */
  interval: number;
  timeout: number;
  startPeriod: number;
  startInterval: number;
  /** 0 when not given. */
  retries: number;
}

export interface HealthcheckCommand extends CommandBase {
  kind: 'HEALTHCHECK';
  /** `HEALTHCHECK NONE`. */
  none: boolean;
  health: HealthConfig;
}

export interface EnvCommand extends CommandBase {
  kind: 'ENV';
  pairs: KeyValue[];
}

export interface LabelCommand extends CommandBase {
  kind: 'LABEL';
  pairs: KeyValue[];
}

export interface ArgDefinition {
  key: string;
  /** The default, unexpanded; undefined when declared without one. */
  value?: string;
}

export interface ArgCommand extends CommandBase {
  kind: 'ARG';
  args: ArgDefinition[];
}

/** What COPY and ADD share. */
export interface SourcesAndDest {
  /** Source paths (or URLs for ADD), unexpanded; heredoc sources are in `inline`. */
  sources: string[];
  /** Heredoc sources, written as files named by their delimiter. */
  inline: InlineFile[];
  dest: string;
  chown?: string;
  chmod?: string;
  link: boolean;
  /** `--exclude` patterns. */
  exclude: string[];
}

export interface CopyCommand extends CommandBase, SourcesAndDest {
  kind: 'COPY';
  /** `--from`: a stage name or index, or an image. Never expanded (Docker forbids variables). */
  from?: string;
  parents: boolean;
}

export interface AddCommand extends CommandBase, SourcesAndDest {
  kind: 'ADD';
  checksum?: string;
  /** `--keep-git-dir`; undefined when not given. */
  keepGitDir?: boolean;
  /** `--unpack`; undefined when not given (archives are unpacked by default). */
  unpack?: boolean;
}

/** One exposed port (ranges are expanded: one entry per port). */
export interface ExposedPort {
  port: number;
  protocol: 'tcp' | 'udp' | 'sctp';
  /** The image config key, e.g. `80/tcp`. */
  key: string;
}

export interface ExposeCommand extends CommandBase {
  kind: 'EXPOSE';
  /** The port words as written (sorted, as Docker sorts them). */
  specs: string[];
  /**
   * The ports. Final after expandCommand (which fails on a bad one, as Docker does when the
   * step runs); before it, words using `$variables` or invalid ones are left out.
   */
  ports: ExposedPort[];
}

export interface VolumeCommand extends CommandBase {
  kind: 'VOLUME';
  volumes: string[];
}

export interface UserCommand extends CommandBase {
  kind: 'USER';
  user: string;
}

export interface WorkdirCommand extends CommandBase {
  kind: 'WORKDIR';
  path: string;
}

export interface StopSignalCommand extends CommandBase {
  kind: 'STOPSIGNAL';
  signal: string;
}

export interface MaintainerCommand extends CommandBase {
  kind: 'MAINTAINER';
  maintainer: string;
}

export interface OnbuildCommand extends CommandBase {
  kind: 'ONBUILD';
  /**
   * The trigger exactly as written after `ONBUILD ` (heredoc bodies appended, each followed
   * by its delimiter line), e.g. `RUN echo hi`; parse it with `parseTrigger` when it fires.
   */
  expression: string;
}

/** Any instruction, FROM included. Switch on `kind`. */
export type Command =
  | FromCommand
  | RunCommand
  | CmdCommand
  | EntrypointCommand
  | ShellCommand
  | HealthcheckCommand
  | EnvCommand
  | LabelCommand
  | ArgCommand
  | CopyCommand
  | AddCommand
  | ExposeCommand
  | VolumeCommand
  | UserCommand
  | WorkdirCommand
  | StopSignalCommand
  | MaintainerCommand
  | OnbuildCommand;

/** The instructions that can appear inside a stage (everything but FROM). */
export type StageCommand = Exclude<Command, FromCommand>;
