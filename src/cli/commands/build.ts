/**
 * @module cli/commands/build
 * `berth build [OPTIONS] PATH | URL | -`. `--check` parses and checks the Dockerfile without
 * building: each problem printed as `FILE:LINE: message`, exit 1 when there is any.
 */
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { InvalidArgument, NotFound } from '../../errdefs/index.js';
import { ExitError, type Command } from '../command.js';
import type { FlagSpec } from '../flags.js';

export const buildFlags: FlagSpec[] = [
  { long: 'tag', short: 't', type: 'list', help: 'Name and optionally a tag in the "name:tag" format' },
  { long: 'file', short: 'f', type: 'string', help: 'Name of the Dockerfile (Default is "PATH/Dockerfile")' },
  { long: 'build-arg', type: 'list', help: 'Set build-time variables' },
  { long: 'target', type: 'string', help: 'Set the target build stage to build.' },
  { long: 'no-cache', type: 'bool', help: 'Do not use cache when building the image' },
  { long: 'pull', type: 'bool', help: 'Always attempt to pull a newer version of the image' },
  { long: 'quiet', short: 'q', type: 'bool', help: 'Suppress the build output and print image ID on success' },
  { long: 'iidfile', type: 'string', help: 'Write the image ID to the file' },
  { long: 'label', type: 'list', help: 'Set metadata for an image' },
  { long: 'rm', type: 'bool', help: 'Remove intermediate containers after a successful build', default: true },
  { long: 'force-rm', type: 'bool', help: 'Always remove intermediate containers' },
  { long: 'network', type: 'string', help: 'Set the networking mode for the RUN instructions during build', default: 'default' },
  { long: 'add-host', type: 'list', help: 'Add a custom host-to-IP mapping ("host:ip")' },
  { long: 'progress', type: 'string', help: 'Set type of progress output ("auto", "plain", "tty", "classic")', default: 'auto' },
  { long: 'check', type: 'bool', help: 'Check the Dockerfile for problems without building' },
  { long: 'platform', type: 'string', help: 'Set platform if server is multi-platform capable' },
];

/** `-f` relative to the context unless absolute; default PATH/Dockerfile. */
export function dockerfilePath(contextDir: string, file: string): string {
  if (!file) return join(contextDir, 'Dockerfile');
  return resolve(file);
}

export async function runCheck(ctx: { out(t: string): void }, contextDir: string, file: string): Promise<number> {
  // Loaded on demand: the frontend is only needed by build commands.
  const { checkDockerfile } = await import('../../dockerfile/index.js');
  const path = dockerfilePath(contextDir, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NotFound(`unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${path}: no such file or directory`, { cause: e });
    }
    throw new InvalidArgument(`cannot read Dockerfile ${path}: ${(e as Error).message}`, { cause: e });
  }
  const shown = relative(process.cwd(), path) || path;
  const problems = checkDockerfile(text, shown);
  for (const p of problems) ctx.out(`${shown}:${p.line}: ${p.message}\n`);
  return problems.length ? 1 : 0;
}

export const build: Command = {
  name: 'build',
  aliases: ['builder build', 'image build'],
  usage: '[OPTIONS] PATH | URL | -',
  description: 'Build an image from a Dockerfile',
  args: { min: 1, max: 1 },
  flags: buildFlags,
  async run(ctx, args, flags) {
    if (flags.bool('check')) {
      if (args[0] === '-') throw new InvalidArgument('--check needs a build context directory, not "-"');
      return runCheck(ctx, args[0]!, flags.string('file'));
    }
    throw new ExitError(1, 'berth build: building images needs the builder, which this version of berth does not include yet');
  },
};
