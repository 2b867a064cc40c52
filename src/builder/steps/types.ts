/**
 * @module builder/steps/types
 * The builder's own view of Dockerfile instructions and of variable scope. `plan/` translates
 * the frontend's typed commands into {@link Instruction}s and implements {@link StageVars} and
 * {@link Frontend} with the frontend's word expansion, so nothing past `plan/` imports the
 * Dockerfile frontend. Words stay unexpanded here: each step expands them against the scope
 * it runs in.
 */

export interface InlineFile {
  /** The heredoc delimiter, also the file's name. */
  name: string;
  /** The content (expanded when its delimiter was not quoted). */
  data: string;
}

interface Base {
  /** The instruction as written (continuations joined): Docker prints it as `Step N/M : …`. */
  text: string;
  /** 1-based line in the Dockerfile, for errors. */
  line: number;
}

export interface CommandLine {
  /** Shell form (run through SHELL) or exec (JSON) form. */
  prependShell: boolean;
  cmdLine: string[];
}

/** One `RUN --mount=…`, with BuildKit's defaults applied (see builder/mounts/). */
export interface MountSpec {
  type: 'bind' | 'cache' | 'tmpfs' | 'secret' | 'ssh';
  /** Stage, image or context (`from`) of a bind or cache mount. */
  from?: string;
  source?: string;
  target?: string;
  readOnly: boolean;
  /** tmpfs size in bytes. */
  sizeLimit?: number;
  id?: string;
  sharing?: 'shared' | 'private' | 'locked';
  required: boolean;
  /** secret: also (or only) expose it as this environment variable. */
  env?: string;
  mode?: number;
  uid?: number;
  gid?: number;
}

export type Instruction = Base &
  (
    | ({
        op: 'RUN';
        /** A `#!` heredoc script, run as an executable file at `/dev/pipes/<name>`. */
        executable?: InlineFile;
        /** `--mount`s (values expanded once the step is expanded). */
        mounts: MountSpec[];
        network: 'default' | 'none' | 'host';
        /** `--network` was given. */
        networkSet: boolean;
        security: 'sandbox' | 'insecure';
      } & CommandLine)
    | ({ op: 'CMD' } & CommandLine)
    | ({ op: 'ENTRYPOINT' } & CommandLine)
    | { op: 'SHELL'; shell: string[] }
    | { op: 'ENV'; pairs: { key: string; value: string }[] }
    | { op: 'LABEL'; pairs: { key: string; value: string }[] }
    | { op: 'ARG'; args: { key: string; value?: string }[] }
    | {
        op: 'COPY' | 'ADD';
        sources: string[];
        dest: string;
        /** Heredoc sources. */
        inline: InlineFile[];
        chown?: string;
        chmod?: string;
        from?: string;
        link: boolean;
        checksum?: string;
        exclude: string[];
        parents: boolean;
      }
    /** `ports` as written (expanded words); `keys` the config keys (`80/tcp`), after expansion. */
    | { op: 'EXPOSE'; ports: string[]; keys: string[] }
    | { op: 'VOLUME'; volumes: string[] }
    | { op: 'USER'; user: string }
    | { op: 'WORKDIR'; path: string }
    | { op: 'STOPSIGNAL'; signal: string }
    | { op: 'MAINTAINER'; maintainer: string }
    | { op: 'ONBUILD'; expression: string }
    | {
        op: 'HEALTHCHECK';
        test: string[];
        interval?: number;
        timeout?: number;
        startPeriod?: number;
        startInterval?: number;
        retries?: number;
      }
  );

export type Op = Instruction['op'];
export type InstructionOf<K extends Op> = Extract<Instruction, { op: K }>;

/**
 * One stage's variables: the ENV of its image and steps, and the ARGs it declared, with
 * Docker's precedence (ENV wins; an ARG takes the user's value, else its default, else the
 * meta arg of the same name).
 */
export interface StageVars {
  /**
   * The instruction with the words Docker expands expanded against the scope at this point
   * (`ENV A=changed N=$A` reads the old A), and the build args that expansion read.
   */
  expand<I extends Instruction>(ins: I): { ins: I; args: [string, string][] };
  /** Declares an ARG (default already expanded). */
  declareArg(key: string, value: string | undefined): void;
  /** Sets an ENV variable (value already expanded). */
  setEnv(key: string, value: string): void;
  /** Declared args with values that no ENV overrides, as sorted `K=V` (RUN's history prefix). */
  runBuildArgs(): string[];
  /** The environment of a RUN: config env + its build args (+ proxy args given by the user). */
  runEnv(configEnv: readonly string[]): string[];
}

/** What the solver needs of the Dockerfile frontend. */
export interface Frontend {
  /** A stage's scope, starting from its base image's env (`K=V` list). */
  stageVars(imageEnv: readonly string[]): StageVars;
  /** Parses an ONBUILD trigger as an instruction (reported at the FROM's line). */
  parseTrigger(text: string, line: number): Instruction;
  /** User build args no ARG consumed. */
  unconsumedArgs(): string[];
}
