/**
 * @module dockerfile
 * The Dockerfile frontend: text → syntax tree (parser/) → typed instructions and stages
 * (instructions/, stages) → words expanded with Docker's build-arg and ENV scoping (expand,
 * scope, shell-lex); plus `.dockerignore` (dockerignore) and `build --check` (check). Pure:
 * no I/O, imports only errdefs. Every error about a Dockerfile is a LocationError naming the
 * line (see errors.ts for the wording); other errors are InvalidArgument.
 */
export type { EnvGetter, Location, ParseWarning } from './types.js';

// Syntax.
export { parse } from './parser/parser.js';
export { chompHeredoc, type Directive, type DockerfileAst, type Heredoc, type Node } from './parser/node.js';
export { dumpAst, dumpNode } from './ast-dump.js';
export { goQuote } from './go-text.js';

// Typed instructions and stages.
export type * from './instructions/types.js';
export { parseInstruction, parseTrigger } from './instructions/parse.js';
export { runScript, type RunScript } from './instructions/run.js';
export { parseMount } from './instructions/run-mount.js';
export { parsePortSpec, parsePortSpecs } from './instructions/expose.js';
export { parseDuration } from './instructions/duration.js';
export { checkChmod, checkSignal } from './instructions/validate.js';
export { parseHeredocMarker } from './parser/heredoc.js';
export { findStage, parseDockerfile, parseStages, type Dockerfile, type Stage, type Stages } from './stages.js';

// Expansion and scoping.
export { expandWord, expandWords, ShellLex, type Expansion, type LexOptions } from './shell-lex.js';
export { emptyEnv, envFrom, envFromMap, layeredEnv } from './shell-env.js';
export { expandCommand, type ExpandedCommand, type ExpandOptions } from './expand.js';
export {
  BuildArgScope, PLATFORM_ARGS, PROXY_ARGS, StageScope, platformArgs, type BuildArgScopeOptions, type Platform,
} from './scope.js';

// .dockerignore and checks.
export {
  compilePatterns, DockerIgnore, parseDockerignore, readDockerignore, trimBuildFilesFromExcludes, type IgnorePattern,
} from './dockerignore.js';
export { checkDockerfile, type Problem } from './check.js';
export { reasonOf } from './errors.js';
export { isStandardFrontend, syntaxNote } from './syntax-frontend.js';
export { instructionNames } from './parser/line-parsers.js';
