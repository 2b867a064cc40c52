/**
 * @module build/steps/types
 * The builder's own view of Dockerfile instructions and of variable scope. `plan/` translates
 * the frontend's typed commands into {@link Instruction}s and implements {@link StageVars} and
 * {@link Frontend} with the frontend's word expansion, so nothing past `plan/` imports the
 * Dockerfile frontend. Words stay unexpanded here: each step expands them against the scope
 * it runs in.
 */

export interface InlineFile {
  /** The heredoc delimiter, also the name it is referred to by. */
  name: string;
  content: string;
  /** Expand variables in the content (unquoted delimiter). */
  expand: boolean;
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

export type Instruction = Base &
  (
    | ({ op: 'RUN'; heredocs: InlineFile[]; mounts: string[]; network?: string; security?: string } & CommandLine)
    | ({ op: 'CMD' } & CommandLine)
    | ({ op: 'ENTRYPOINT' } & CommandLine)
    | { op: 'SHELL'; shell: string[] }
    | { op: 'ENV'; pairs: { key: string; value: string }[] }
    | { op: 'LABEL'; pairs: { key: string; value: string }[]; /** From `--label`: not expanded. */ literal?: boolean }
    | { op: 'ARG'; args: { key: string; value?: string }[] }
    | {
        op: 'COPY' | 'ADD';
        sources: string[];
        dest: string;
        heredocs: InlineFile[];
        chown?: string;
        chmod?: string;
        from?: string;
        link: boolean;
        checksum?: string;
        keepGitDir: boolean;
        exclude: string[];
        parents: boolean;
      }
    | { op: 'EXPOSE'; ports: string[] }
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

/** The result of expanding one word. */
export interface Expanded {
  value: string;
  /** Build args the expansion read, with their values (ENV variables are not args). */
  args: [string, string][];
}

/**
 * One stage's variables: the ENV of its image and steps, and the ARGs it declared, with
 * Docker's precedence (ENV wins; an ARG takes the user's value, else its default, else the
 * meta arg of the same name).
 */
export interface StageVars {
  declareArg(key: string, rawDefault: string | undefined): void;
  /** Sets an ENV variable (value already expanded). */
  setEnv(key: string, value: string): void;
  expand(word: string): Expanded;
  /** Expands into several words (EXPOSE `$PORTS`). */
  expandWords(word: string): { values: string[]; args: [string, string][] };
  /** Declared args with values that no ENV overrides, as sorted `K=V` (RUN's history prefix). */
  runBuildArgs(): string[];
  /** The environment of a RUN: config env + its build args (+ proxy args given by the user). */
  runEnv(configEnv: readonly string[]): string[];
  /** Declared build args with values, name → value. */
  argValues(): Map<string, string>;
}

/** What the solver needs of the Dockerfile frontend. */
export interface Frontend {
  /** A stage's scope, starting from its base image's env (`K=V` list). */
  stageVars(imageEnv: readonly string[]): StageVars;
  /** Expands a word with the meta args only (FROM names, --from values). */
  expandMeta(word: string): string;
  /** Parses an ONBUILD trigger as an instruction (line = the FROM's line). */
  parseTrigger(text: string, line: number): Instruction;
  /** User build args no ARG consumed. */
  unconsumedArgs(): string[];
  /** EXPOSE specs (`80`, `53/udp`, `8000-8002`) → `port/proto` entries; InvalidArgument when malformed. */
  parsePorts(specs: readonly string[]): string[];
}
