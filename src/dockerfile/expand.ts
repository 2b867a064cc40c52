/**
 * @module dockerfile/expand
 * Expands the words of one typed instruction with the environment at that point of the build,
 * as Docker does, and reports the variables used.
 *
 * Expanded: FROM (image, --platform; against the global scope), ENV and LABEL (keys and values,
 * all against the environment *before* the instruction, so `ENV A=changed N=$A` gives N the
 * old A), ARG (names and defaults), ADD and COPY (sources, destination, --chown, --chmod, ADD's
 * --checksum, and heredoc bodies whose delimiter was not quoted), EXPOSE (each word may expand
 * into several; the ports are parsed from the result), VOLUME (each entry), USER, WORKDIR,
 * STOPSIGNAL, and RUN's --mount values. Not expanded: RUN's command (the shell does it), CMD,
 * ENTRYPOINT, SHELL, HEALTHCHECK, MAINTAINER, ONBUILD, COPY --from, --exclude patterns.
 */
import { InvalidArgument, LocationError } from '../errdefs/index.js';
import { reasonOf, stepError } from './errors.js';
import { parsePortSpecs } from './instructions/expose.js';
import { parseMount } from './instructions/run-mount.js';
import type { Command, InlineFile, KeyValue } from './instructions/types.js';
import { ShellLex } from './shell-lex.js';
import type { EnvGetter } from './types.js';

export interface ExpandOptions {
  /** The Dockerfile's escape character (`DockerfileAst.escapeToken`); default `\`. */
  escapeToken?: string;
}

export interface ExpandedCommand<C extends Command = Command> {
  /** A copy of the instruction with its words expanded. */
  command: C;
  /** Variables the expansion used that were set (build args among them go into cache keys). */
  used: Set<string>;
  /** Variables the expansion referred to that were not set (for UndefinedVar warnings). */
  unmatched: Set<string>;
}

/** Heredoc bodies expand with quotes taken literally and `\` as escape, whatever the directive. */
const heredocLex = new ShellLex({ skipProcessQuotes: true });

class Expander {
  readonly used = new Set<string>();
  readonly unmatched = new Set<string>();
  readonly #lex: ShellLex;
  readonly #env: EnvGetter;

  constructor(env: EnvGetter, escapeToken: string) {
    this.#env = env;
    this.#lex = new ShellLex({ escapeToken });
  }

  #record(r: { matched: Set<string>; unmatched: Set<string> }): void {
    for (const n of r.matched) this.used.add(n);
    for (const n of r.unmatched) this.unmatched.add(n);
  }

  word = (w: string): string => {
    const r = this.#lex.process(w, this.#env);
    this.#record(r);
    return r.result;
  };

  words = (w: string): string[] => {
    const r = this.#lex.process(w, this.#env);
    this.#record(r);
    return r.words;
  };

  optional(w: string | undefined): string | undefined {
    return w === undefined ? undefined : this.word(w);
  }

  pairs(pairs: readonly KeyValue[]): KeyValue[] {
    return pairs.map((p) => ({ key: this.word(p.key), value: this.word(p.value), legacy: p.legacy }));
  }

  inline(files: readonly InlineFile[]): InlineFile[] {
    return files.map((f) => {
      if (!f.expand) return { ...f };
      const r = heredocLex.process(f.data, this.#env);
      this.#record(r);
      return { ...f, data: r.result };
    });
  }
}

function withOptional<T extends object, K extends string>(obj: T, key: K, value: string | undefined): T {
  const out = { ...obj } as Record<string, unknown>;
  if (value === undefined || value === '') delete out[key];
  else out[key] = value;
  return out as T;
}

function expandInner(cmd: Command, x: Expander): Command {
  switch (cmd.kind) {
    case 'FROM': {
      const out = { ...cmd, image: x.word(cmd.image) };
      if (out.image === '') throw new InvalidArgument(`base name (${cmd.image}) should not be blank`);
      return withOptional(out, 'platform', x.optional(cmd.platform));
    }
    case 'ENV':
    case 'LABEL':
      return { ...cmd, pairs: x.pairs(cmd.pairs) };
    case 'ARG':
      return {
        ...cmd,
        args: cmd.args.map((a) => (a.value === undefined ? { key: x.word(a.key) } : { key: x.word(a.key), value: x.word(a.value) })),
      };
    case 'COPY': {
      let out = { ...cmd, sources: cmd.sources.map(x.word), dest: x.word(cmd.dest), inline: x.inline(cmd.inline), exclude: [...cmd.exclude] };
      out = withOptional(out, 'chown', x.optional(cmd.chown));
      return withOptional(out, 'chmod', x.optional(cmd.chmod));
    }
    case 'ADD': {
      let out = { ...cmd, sources: cmd.sources.map(x.word), dest: x.word(cmd.dest), inline: x.inline(cmd.inline), exclude: [...cmd.exclude] };
      out = withOptional(out, 'chown', x.optional(cmd.chown));
      out = withOptional(out, 'chmod', x.optional(cmd.chmod));
      return withOptional(out, 'checksum', x.optional(cmd.checksum));
    }
    case 'EXPOSE': {
      const words = cmd.specs.flatMap(x.words);
      return { ...cmd, specs: words, ports: parsePortSpecs(words) };
    }
    case 'VOLUME': {
      const volumes = cmd.volumes.map(x.word);
      if (volumes.some((v) => v.trim() === '')) throw new InvalidArgument('VOLUME specified can not be an empty string');
      return { ...cmd, volumes };
    }
    case 'USER':
      return { ...cmd, user: x.word(cmd.user) };
    case 'WORKDIR':
      return { ...cmd, path: x.word(cmd.path) };
    case 'STOPSIGNAL':
      return { ...cmd, signal: x.word(cmd.signal) };
    case 'RUN':
      return { ...cmd, mounts: cmd.mountSpecs.map((spec) => parseMount(spec, { expand: x.word })) };
    default:
      return cmd;
  }
}

/**
 * Expands one instruction against `env` (the global scope for FROM, the stage scope's
 * `getter()` otherwise). Returns a copy; the input is not changed. Throws a LocationError (the
 * instruction's lines; the message in Docker's words for a failing step) when a word cannot be
 * expanded or a result is invalid (EXPOSE ports, RUN mounts, an empty VOLUME or FROM).
 */
export function expandCommand<C extends Command>(cmd: C, env: EnvGetter, opts: ExpandOptions = {}): ExpandedCommand<C> {
  const x = new Expander(env, opts.escapeToken ?? '\\');
  try {
    return { command: expandInner(cmd, x) as C, used: x.used, unmatched: x.unmatched };
  } catch (e) {
    if (e instanceof InvalidArgument && !(e instanceof LocationError)) {
      throw stepError(reasonOf(e), cmd.location.file, cmd.location.startLine, cmd.location.endLine, e);
    }
    throw e;
  }
}
