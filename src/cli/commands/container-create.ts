/**
 * @module cli/commands/container-create
 * Creating a container the way the docker CLI does: on "No such image", say
 * `Unable to find image 'x:latest' locally`, pull it (POST /images/create) and create again.
 * Daemon errors of run/create print as `berth: Error response from daemon: …` with a pointer
 * to the command's help, and end with status 125.
 */
import type { Client } from '../../client/client.js';
import { isDaemonError } from '../../client/client.js';
import type { ContainerCreateResponse } from '../../api/types/containers.js';
import { messageOf } from '../../errdefs/index.js';
import { ExitError, type CliContext } from '../command.js';
import type { CreatePlan } from './container-options.js';

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

async function pull(ctx: CliContext, client: Client, image: string): Promise<void> {
  const full = withDefaultTag(image);
  const at = full.lastIndexOf('@');
  const colon = full.lastIndexOf(':');
  const [repo, tag] = at > 0 ? [full.slice(0, at), full.slice(at + 1)] : [full.slice(0, colon), full.slice(colon + 1)];
  let error: string | undefined;
  await client.jsonStream('POST', '/images/create', { query: { fromImage: repo, tag }, headers: { 'X-Registry-Auth': 'e30=' } }, (m) => {
    if (typeof m.error === 'string') error = m.error;
    else if (typeof m.status === 'string' && !m.progressDetail) ctx.err(`${m.id ? `${m.id}: ` : ''}${m.status}\n`);
  });
  if (error) throw new ExitError(125, `berth: ${error}\n\nRun 'berth run --help' for more information`);
}

export async function createContainer(ctx: CliContext, client: Client, plan: CreatePlan, command: 'run' | 'create'): Promise<string> {
  const attempt = () => client.json<ContainerCreateResponse>('POST', '/containers/create', { query: { name: plan.name }, body: plan.body });
  let res: ContainerCreateResponse;
  try {
    res = await attempt();
  } catch (e) {
    if (!(isDaemonError(e) && e.status === 404 && /^No such image/.test(messageOf(e)))) throw commandError(command, e);
    ctx.err(`Unable to find image '${withDefaultTag(plan.body.Image!)}' locally\n`);
    try {
      await pull(ctx, client, plan.body.Image!);
      res = await attempt();
    } catch (e2) {
      if (e2 instanceof ExitError) throw e2;
      throw commandError(command, e2);
    }
  }
  for (const w of res.Warnings ?? []) ctx.err(`WARNING: ${w}\n`);
  return res.Id;
}
