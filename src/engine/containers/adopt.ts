/**
 * @module engine/containers/adopt
 * Intermediate containers the builder keeps (`build --rm=false`, or a failed step without
 * `--force-rm`) become containers of the engine, as Docker's are: listed by `ps -a` (Exited with
 * the step's status, or Created for steps that ran no process), inspectable and removable with
 * `rm`. A RUN step's directory (its overlay upper and work directories) moves into the store, so
 * the container keeps what the step wrote.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { KeptContainer } from '../../builder/types.js';
import type { ContainerContext } from './context.js';
import { generateName } from './names.js';
import { initialState, nowRfc3339Nano, ZERO_TIME, type ContainerRecord } from './record.js';

export async function adoptBuildContainer(ctx: Pick<ContainerContext, 'store'>, k: KeptContainer): Promise<void> {
  let name = generateName();
  for (let i = 0; ctx.store.nameTaken(name); i++) name = generateName(i);
  const cfg = k.config as unknown as ContainerRecord['Config'];
  const argv = k.ran?.argv ?? (k.config.Cmd ?? []);
  const rec: ContainerRecord = {
    ID: k.id,
    Name: `/${name}`,
    Created: k.ran?.startedAt ?? nowRfc3339Nano(),
    Path: argv[0] ?? '',
    Args: argv.slice(1),
    Config: { ...cfg, Hostname: k.id.slice(0, 12), Image: k.imageId, Labels: cfg.Labels ?? {} },
    HostConfig: { NetworkMode: 'default', RestartPolicy: { Name: 'no', MaximumRetryCount: 0 }, LogConfig: { Type: 'json-file', Config: {} } },
    ImageID: k.imageId,
    State: initialState(),
    RestartCount: 0,
    Mounts: [],
  };
  const ran = k.ran;
  if (ran?.exitCode !== undefined) {
    rec.State = { ...rec.State, Status: 'exited', ExitCode: ran.exitCode, StartedAt: ran.startedAt ?? ZERO_TIME, FinishedAt: ran.finishedAt ?? nowRfc3339Nano() };
    rec.HasBeenStarted = true;
  }
  const dir = ctx.store.dirOf(k.id);
  ctx.store.reserveName(name, k.id);
  try {
    await fs.mkdir(join(dir, '..'), { recursive: true });
    if (ran) await fs.rename(ran.dir, dir);
    else {
      await fs.mkdir(join(dir, 'upper'), { recursive: true, mode: 0o755 });
      await fs.mkdir(join(dir, 'work'), { mode: 0o700 });
    }
    await ctx.store.save(rec);
  } catch (e) {
    ctx.store.releaseName(name, k.id);
    throw e;
  }
}
