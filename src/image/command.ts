/**
 * @module image/command
 * How Docker combines an image's ENTRYPOINT and CMD with what `run` asks for:
 * - arguments after the image name replace the image's CMD;
 * - `--entrypoint X` replaces the ENTRYPOINT and drops the image's CMD (arguments after the
 *   image still apply); `--entrypoint ""` clears it;
 * - the process is ENTRYPOINT + CMD; neither set is "No command specified".
 * Shell forms arrive already as `["/bin/sh", "-c", "…"]` in the image config.
 */
import { InvalidArgument } from '../errdefs/index.js';

export interface CommandParts {
  Entrypoint: string[] | null;
  Cmd: string[] | null;
}

/**
 * The container's Config.Entrypoint and Config.Cmd from the request and the image
 * (moby's daemon merge). An Entrypoint of `[""]` means "cleared by the user".
 */
export function mergeCommand(request: Partial<CommandParts>, image: Partial<CommandParts> | null | undefined): CommandParts {
  let entrypoint = request.Entrypoint ?? null;
  let cmd = request.Cmd && request.Cmd.length ? request.Cmd : null;
  if (!entrypoint || entrypoint.length === 0) {
    if (!cmd) cmd = image?.Cmd && image.Cmd.length ? [...image.Cmd] : null;
    if (request.Entrypoint === undefined || request.Entrypoint === null) {
      entrypoint = image?.Entrypoint && image.Entrypoint.length ? [...image.Entrypoint] : null;
    }
  }
  if (entrypoint && entrypoint.length === 1 && entrypoint[0] === '') entrypoint = null;
  return { Entrypoint: entrypoint && entrypoint.length ? entrypoint : null, Cmd: cmd };
}

/** The process to run: Path and Args as inspect shows them. */
export function processCommand(c: CommandParts): { path: string; args: string[] } {
  const all = [...(c.Entrypoint ?? []), ...(c.Cmd ?? [])];
  if (all.length === 0) throw new InvalidArgument('No command specified');
  return { path: all[0]!, args: all.slice(1) };
}
