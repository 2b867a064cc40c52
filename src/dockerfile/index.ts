/**
 * @module dockerfile
 * The Dockerfile frontend: text → syntax tree (parser/), typed instructions and stages
 * (instructions/), word expansion (shell-lex), build-arg/ENV scoping (scope), EXPOSE specs
 * (ports), .dockerignore (dockerignore) and `build --check` (check). Pure: no I/O; every
 * error is a LocationError (file + line) or an InvalidArgument.
 */
export { parse, type ParseResult, type Warning } from './parser/parser.js';
export { dumpNode, goQuote, type Heredoc, type Node } from './parser/node.js';
export type { Directives } from './parser/directives.js';
export { parseCommand, parseDockerfile, findStage } from './instructions/parse.js';
export type * from './instructions/types.js';
export { parseDuration } from './instructions/duration.js';
export { envFrom, expandWord, expandWords, type EnvGetter, type Expansion } from './shell-lex.js';
export { BuildArgs, StageScope, PROXY_ARGS, platformArgs, type Platform } from './scope.js';
export { parsePortSpecs } from './ports.js';
export { DockerIgnore, parseDockerignore, type IgnorePattern } from './dockerignore.js';
export { checkDockerfile, type Problem } from './check.js';
