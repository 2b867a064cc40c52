/**
 * @module dockerfile/syntax-frontend
 * `# syntax=…` names the frontend BuildKit would pull to read the file. berth reads every
 * Dockerfile with its own frontend, so it accepts the standard Dockerfile frontends —
 * `docker/dockerfile` and `docker/dockerfile-upstream`, on Docker Hub under any of its names,
 * with any tag (`1`, `1.7`, `1.7-labs`, `labs`, `latest`, …) and/or digest — and says so in
 * a note on the build output. Any other frontend is an error naming the line: berth cannot run it.
 */
import { LocationError } from '../errdefs/index.js';
import type { Directive } from './parser/node.js';

const standard = /^(?:(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\/)?docker\/dockerfile(?:-upstream)?(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

/** Whether `ref` names a standard Dockerfile frontend. */
export function isStandardFrontend(ref: string): boolean {
  return standard.test(ref);
}

/**
 * Checks the `syntax` directive: undefined without one; the note to print for a standard
 * frontend; a LocationError (`file:line`) for any other.
 */
export function syntaxNote(directives: readonly Directive[], file: string): string | undefined {
  const d = directives.find((x) => x.name === 'syntax');
  if (!d) return undefined;
  const ref = d.value.trim();
  if (!isStandardFrontend(ref)) {
    throw new LocationError(
      `${file}:${d.line}: unsupported frontend "${ref}" in # syntax=: berth builds with its own Dockerfile frontend and accepts only docker/dockerfile (any version); remove the directive or name that frontend`,
      file, d.line,
    );
  }
  return `Note: ${file}:${d.line}: # syntax=${ref}: berth reads this Dockerfile with its own frontend (the same syntax)\n`;
}
