/**
 * @module cli/commands/container-create
 * Creating a container the way the docker CLI does: on "No such image", say
 * `Unable to find image 'x:latest' locally`, pull it (POST /images/create) and create again.
 * Daemon errors of run/create print as `berth: Error response from daemon: …` with a pointer
 * to the command's help, and end with status 125.
 */
import { existsSync, writeFileSync } from 'node:fs';
import type { Client } from '../../client/client.js';
import { isDaemonError } from '../../client/client.js';
import type { ContainerCreateResponse } from '../../api/types/containers.js';
import { messageOf } from '../../errdefs/index.js';
import { ExitError, type CliContext } from '../command.js';
import type { CreatePlan } from './container-options.js';
import { pullImage } from './pull.js';

/** `busybox` → `busybox:latest` (nothing added when a tag or digest is there). */
export function withDefaultTag(image: string): string {
  const last = image.slice(image.lastIndexOf('/') + 1);
  return last.includes(':') || last.includes('@') ? image : `${image}:latest`;
}

/** The error of a run/create/start step as docker prints it. */
export function commandError(command: string, e: unknown, status = 125): ExitError {
  const text = isDaemonError(e) ? `Error response from daemon: ${messageOf(e)}` : messageOf(e);
  return new ExitError(status, `berth: ${text}\n\nRun 'berth ${command} --help' for more information`, { cause: e });
}

async function pull(ctx: CliContext, image: string, command: string, quiet: boolean, platform?: string): Promise<void> {
  try {
    await pullImage(ctx, withDefaultTag(image), { quiet, out: 'stderr', platform });
  } catch (e) {
    if (e instanceof ExitError) throw new ExitError(125, `berth: ${e.message}\n\nRun 'berth ${command} --help' for more information`);
    throw e;
  }
}

/** `--pull`, `-q` and `--cidfile` of run and create. */
export interface PullOptions {
  pull?: string;
  quiet?: boolean;
  /** `--cidfile`: refused when the file exists; the new container's ID is written there. */
  cidfile?: string;
}

export async function createContainer(
  ctx: CliContext, client: Client, plan: CreatePlan, command: 'run' | 'create', opts: PullOptions = {},
): Promise<string> {
  const mode = opts.pull || 'missing';
  if (mode !== 'missing' && mode !== 'always' && mode !== 'never') {
    throw new ExitError(125, `berth: invalid pull option: '${mode}': must be one of "always", "missing" or "never"\n\nRun 'berth ${command} --help' for more information`);
  }
  const quiet = opts.quiet ?? false;
  const cidfile = opts.cidfile ? ctx.resolve(opts.cidfile) : undefined;
  if (cidfile && existsSync(cidfile)) {
    throw new ExitError(125, `berth: container ID file found, make sure the other container isn't running or delete ${opts.cidfile}\n\nRun 'berth ${command} --help' for more information`);
  }
  const attempt = () => client.json<ContainerCreateResponse>('POST', '/containers/create', { query: { name: plan.name, platform: plan.platform }, body: plan.body });
  if (mode === 'always') {
    try {
      await pull(ctx, plan.body.Image!, command, quiet, plan.platform);
    } catch (e) {
      if (e instanceof ExitError) throw e;
      throw commandError(command, e);
    }
  }
  let res: ContainerCreateResponse;
  try {
    res = await attempt();
  } catch (e) {
    // A local image of another platform is a 404 too: pulled, as the docker CLI does.
    if (mode !== 'missing' || !(isDaemonError(e) && e.status === 404 && /^No such image|does not match the specified platform/.test(messageOf(e)))) throw commandError(command, e);
    ctx.err(`Unable to find image '${withDefaultTag(plan.body.Image!)}' locally\n`);
    try {
      await pull(ctx, plan.body.Image!, command, quiet, plan.platform);
      res = await attempt();
    } catch (e2) {
      if (e2 instanceof ExitError) throw e2;
      throw commandError(command, e2);
    }
  }
  for (const w of res.Warnings ?? []) ctx.err(`WARNING: ${w}\n`);
  if (cidfile) {
    try {
      writeFileSync(cidfile, res.Id, { flag: 'wx' });
    } catch (e) {
      throw new ExitError(125, `berth: failed to write the container ID to the file: ${messageOf(e)}\n\nRun 'berth ${command} --help' for more information`, { cause: e });
    }
  }
  return res.Id;
}
