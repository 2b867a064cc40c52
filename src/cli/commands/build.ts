/**
 * @module cli/commands/build
 * `berth build [OPTIONS] PATH | URL | -`. Sends the context as the docker CLI does (POST /build
 * with a tar filtered by .dockerignore and Docker's query parameters), or — when the daemon is
 * on this machine and the context is a directory — lets the daemon read the directory in place
 * (same result, nothing re-sent; `BERTH_BUILD_CONTEXT=tar` forces the tar). Output: Docker's
 * classic text, or a live view (`--progress=tty`, default on a terminal) or log lines
 * (`plain`). `--check` parses and checks the Dockerfile without building: each problem
 * printed as `FILE:LINE: message`, exit 1 when there is any.
 */
import { readFileSync, rmSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { InvalidArgument, NotFound } from '../../errdefs/index.js';
import { FlagError, type FlagSpec, type Flags } from '../../util/flags.js';
import { ExitError, type Command } from '../command.js';
import { parseNormalizedNamed } from '../../image/reference.js';
import { parseCacheSpec } from '../../image/cache-spec.js';
import { allowOf, secretsOf, sshOf } from '../build/session-options.js';

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
  { long: 'secret', type: 'list', help: 'Secret to expose to the build (format: "id=mysecret[,src=/local/secret]")' },
  { long: 'ssh', type: 'list', help: 'SSH agent socket to expose to the build (format: "default|<id>[=<socket>]")' },
  { long: 'allow', type: 'list', help: 'Allow extra privileged entitlement (e.g., "network.host", "security.insecure")' },
  { long: 'output', short: 'o', type: 'list', help: 'Output destination (format: "type=local,dest=path", "type=tar,dest=file", "-")' },
  { long: 'metadata-file', type: 'string', help: 'Write build result metadata to a file' },
  { long: 'timeline', type: 'string', help: 'Write an HTML picture of the build (stages, steps, cache hits, critical path) to a file' },
  { long: 'explain-cache', type: 'bool', help: 'Say why each step missed the cache (classic output; plain and tty always do)' },
  { long: 'cache-from', type: 'list', help: 'External cache sources (e.g., "user/app:cache", "type=registry,ref=user/app:cache", "type=local,src=path/to/dir")' },
  { long: 'squash', type: 'bool', help: 'Squash newly built layers into a single new layer (needs an experimental daemon)' },
  { long: 'cache-to', type: 'list', help: 'Cache export destinations (e.g., "type=registry,ref=user/app:cache,mode=max", "type=local,dest=path/to/dir")' },
];

/** `-f` relative to the working directory unless absolute; default PATH/Dockerfile. */
export function dockerfilePath(cwd: string, contextDir: string, file: string): string {
  if (!file) return resolve(cwd, contextDir, 'Dockerfile');
  return resolve(cwd, file);
}

export async function runCheck(ctx: { out(t: string): void; cwd: string }, contextDir: string, file: string): Promise<number> {
  // Loaded on demand: the frontend is only needed by build commands.
  const { checkDockerfile } = await import('../../dockerfile/index.js');
  const path = dockerfilePath(ctx.cwd, contextDir, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NotFound(`unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${path}: no such file or directory`, { cause: e });
    }
    throw new InvalidArgument(`cannot read Dockerfile ${path}: ${(e as Error).message}`, { cause: e });
  }
  const shown = relative(ctx.cwd, path) || path;
  const problems = checkDockerfile(text, shown);
  for (const p of problems) ctx.out(`${shown}:${p.line}: ${p.message}\n`);
  return problems.length ? 1 : 0;
}

/** `--build-arg K=V` / `--build-arg K` (value from the environment, or null when unset). */
export function buildArgsOf(list: readonly string[], env: NodeJS.ProcessEnv): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const a of list) {
    const i = a.indexOf('=');
    if (i === 0) throw new InvalidArgument(`invalid argument "${a}" for "--build-arg" flag: invalid environment variable: ${a}`);
    if (i > 0) out[a.slice(0, i)] = a.slice(i + 1);
    else out[a] = env[a] ?? null;
  }
  return out;
}

/**
 * buildx passes the client's `SOURCE_DATE_EPOCH` as a build arg when the user gave none: the
 * builder then makes a reproducible image (builder/solver/source-date.ts).
 */
export function withSourceDateEpoch(args: Record<string, string | null>, env: NodeJS.ProcessEnv): Record<string, string | null> {
  const v = env.SOURCE_DATE_EPOCH;
  if (v === undefined || v === '' || 'SOURCE_DATE_EPOCH' in args) return args;
  return { ...args, SOURCE_DATE_EPOCH: v };
}

/** `--label k=v` / `--label k`. */
export function labelsOf(list: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of list) {
    const i = l.indexOf('=');
    if (i === 0) throw new InvalidArgument(`invalid argument "${l}" for "--label" flag: invalid label format`);
    if (i > 0) out[l.slice(0, i)] = l.slice(i + 1);
    else out[l] = '';
  }
  return out;
}

function checkAddHosts(list: readonly string[]): void {
  for (const h of list) {
    const i = h.indexOf(':');
    if (i <= 0 || i === h.length - 1) throw new InvalidArgument(`invalid argument "${h}" for "--add-host" flag: bad format for add-host: "${h}"`);
  }
}

export type ProgressMode = 'classic' | 'plain' | 'tty';

/** `auto`: the live view when stderr is a terminal, else Docker's classic text. */
export function progressMode(flag: string, stderrIsTty: boolean): ProgressMode {
  switch (flag) {
    case 'auto':
    case '':
      return stderrIsTty ? 'tty' : 'classic';
    case 'classic':
    case 'plain':
    case 'tty':
      return flag;
    default:
      throw new InvalidArgument(`invalid progress mode "${flag}": use auto, plain, tty or classic`);
  }
}

/** The docker CLI checks `-t` names before anything is sent (a flag error, status 125). */
function checkTags(tags: readonly string[]): void {
  for (const t of tags) {
    try {
      parseNormalizedNamed(t);
    } catch (e) {
      throw new FlagError(`invalid argument "${t}" for "-t, --tag" flag: ${(e as Error).message}`, { cause: e });
    }
  }
}

/** With `--output` the result is files, not an image: the tags are checked but not applied. */
function queryOf(flags: Flags, env: NodeJS.ProcessEnv, resolvePath: (p: string) => string, noTags = false): Record<string, string | string[] | boolean | undefined | Record<string, unknown>> {
  checkAddHosts(flags.list('add-host'));
  checkTags(flags.list('tag'));
  const q: Record<string, string | string[] | boolean | undefined | Record<string, unknown>> = {
    t: noTags ? [] : flags.list('tag'),
    buildargs: withSourceDateEpoch(buildArgsOf(flags.list('build-arg'), env), env),
    labels: labelsOf(flags.list('label')),
    networkmode: flags.string('network') || undefined,
    extrahosts: flags.list('add-host'),
    version: '1',
  };
  if (flags.string('target')) q.target = flags.string('target');
  if (flags.string('platform')) q.platform = flags.string('platform');
  if (flags.bool('no-cache')) q.nocache = true;
  if (flags.bool('pull')) q.pull = true;
  if (flags.bool('quiet')) q.q = true;
  if (flags.bool('force-rm')) q.forcerm = true;
  if (flags.bool('explain-cache')) q.explaincache = true;
  if (flags.string('timeline')) q.timeline = true;
  if (!flags.bool('rm')) q.rm = false;
  const ssh = sshOf(flags.list('ssh'), env, resolvePath);
  if (Object.keys(ssh).length) q.ssh = ssh;
  if (flags.list('allow').length) q.allow = allowOf(flags.list('allow'));
  return q;
}

export const build: Command = {
  name: 'build',
  aliases: ['builder build', 'image build'],
  usage: '[OPTIONS] PATH | URL | -',
  description: 'Build an image from a Dockerfile',
  args: { min: 1, max: 1 },
  flags: buildFlags,
  async run(ctx, args, flags) {
    // The docker CLI's refusal: berthd, like dockerd by default, has no experimental features.
    if (flags.bool('squash')) throw new ExitError(1, '"--squash" is only supported on a Docker daemon with experimental features enabled');
    if (flags.bool('check')) {
      if (args[0] === '-') throw new InvalidArgument('--check needs a build context directory, not "-"');
      return runCheck(ctx, args[0]!, flags.string('file'));
    }
    const quiet = flags.bool('quiet');
    const mode = quiet ? 'classic' : progressMode(flags.string('progress'), ctx.stderr.isTTY === true);
    const iidfile = flags.string('iidfile') && ctx.resolve(flags.string('iidfile'));
    const metadataFile = flags.string('metadata-file') && ctx.resolve(flags.string('metadata-file'));
    // No stale ID or metadata file if this build fails.
    if (iidfile) rmSync(iidfile, { force: true });
    if (metadataFile) rmSync(metadataFile, { force: true });
    const outputs = flags.list('output');
    if (outputs.length > 1) throw new InvalidArgument('multiple outputs are not supported: give one --output');
    const { parseOutput } = await import('../build/outputs.js');
    const output = outputs.length ? parseOutput(outputs[0]!, (p) => ctx.resolve(p)) : undefined;
    if (output?.type === 'tar' && output.dest === '-' && ctx.stdout.isTTY) {
      throw new InvalidArgument('refusing to write the output tar to a terminal: redirect stdout or give dest=FILE');
    }
    // Loaded on demand, so other commands start without the build client.
    const { runBuildRequest } = await import('../build/run-request.js');
    return runBuildRequest(ctx, {
      location: args[0]!,
      file: flags.string('file'),
      query: queryOf(flags, ctx.env, (p) => ctx.resolve(p), output !== undefined),
      secrets: secretsOf(flags.list('secret'), ctx.env, (p) => ctx.resolve(p)),
      quiet,
      mode,
      iidfile,
      metadataFile,
      timeline: flags.string('timeline') && ctx.resolve(flags.string('timeline')),
      output,
      tags: output ? [] : flags.list('tag'),
      cache: {
        from: flags.list('cache-from').map((v) => parseCacheSpec(v, 'cache-from', (p) => ctx.resolve(p))),
        to: flags.list('cache-to').map((v) => parseCacheSpec(v, 'cache-to', (p) => ctx.resolve(p))),
      },
    });
  },
};
