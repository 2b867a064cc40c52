/**
 * @module engine/images/commit
 * The image half of `commit` (POST /commit): a container's changes, as a layer tar, on top of
 * its image, with the config dockerd writes: the container's config (or the request's, merged
 * with the container's where it leaves fields empty), the `-c` changes applied; the container's
 * config as `container_config`; a history entry created by the container's command, with the
 * author and message. No changes at all add no layer (`empty_layer`), as in dockerd.
 */
import { InvalidArgument } from '../../errdefs/index.js';
import { encodeImageConfig, normalizeContainerConfig, nowRfc3339Nano, type ContainerConfig, type HistoryEntry } from '../../image/config.js';
import type { Digest } from '../../image/digest.js';
import { BERTH_VERSION } from '../../util/version.js';
import { applyChanges } from './changes.js';
import type { ImageContext } from './context.js';
import { importRef } from './import.js';

export interface CommitImageRequest {
  /** The container's image. */
  imageId: Digest;
  containerId: string;
  /** The container's own config (container_config, and the base of the new config). */
  containerConfig: ContainerConfig;
  /** The request body's config; undefined: the container's. */
  config?: Partial<ContainerConfig>;
  changes?: string[];
  author?: string;
  comment?: string;
  /** `repo` (may carry a tag) and `tag`, as the API gets them. */
  repo?: string;
  tag?: string;
  /** The container's changes as a layer tar; undefined when it changed nothing. */
  layer?: AsyncIterable<Buffer>;
}

function envKey(e: string): string {
  return e.split('=')[0]!;
}

/** dockerd's merge of a commit's config with the container's: fields left empty come from the container. */
export function mergeCommitConfig(user: ContainerConfig, ctr: ContainerConfig): ContainerConfig {
  const u: ContainerConfig = { ...user };
  if (!u.User) u.User = ctr.User;
  if (!u.ExposedPorts || Object.keys(u.ExposedPorts).length === 0) u.ExposedPorts = ctr.ExposedPorts;
  else u.ExposedPorts = { ...u.ExposedPorts, ...Object.fromEntries(Object.keys(ctr.ExposedPorts ?? {}).map((p) => [p, {}])) };
  if (!u.Env?.length) u.Env = ctr.Env;
  else u.Env = [...u.Env, ...(ctr.Env ?? []).filter((e) => !u.Env!.some((x) => envKey(x) === envKey(e)))];
  u.Labels = { ...(ctr.Labels ?? {}), ...(u.Labels ?? {}) };
  if (!u.Entrypoint?.length) {
    if (!u.Cmd?.length) {
      u.Cmd = ctr.Cmd;
      if (ctr.ArgsEscaped) u.ArgsEscaped = ctr.ArgsEscaped;
    }
    if (u.Entrypoint === null || u.Entrypoint === undefined) u.Entrypoint = ctr.Entrypoint;
  }
  if (ctr.Healthcheck) {
    if (!u.Healthcheck) u.Healthcheck = ctr.Healthcheck;
    else {
      const h = { ...u.Healthcheck };
      if (!h.Test?.length) h.Test = ctr.Healthcheck.Test;
      for (const k of ['Interval', 'Timeout', 'StartPeriod', 'Retries'] as const) if (!h[k] && ctr.Healthcheck[k]) h[k] = ctr.Healthcheck[k];
      u.Healthcheck = h;
    }
  }
  if (!u.WorkingDir) u.WorkingDir = ctr.WorkingDir;
  if (!u.Volumes || Object.keys(u.Volumes).length === 0) u.Volumes = ctr.Volumes;
  else u.Volumes = { ...u.Volumes, ...(ctr.Volumes ?? {}) };
  if (!u.StopSignal && ctr.StopSignal) u.StopSignal = ctr.StopSignal;
  return normalizeContainerConfig(u);
}

/** The new image's config, checked before any file is read (bad changes or names fail first). */
export function commitConfig(req: Pick<CommitImageRequest, 'containerConfig' | 'config' | 'changes'>): ContainerConfig {
  const ctr = normalizeContainerConfig(req.containerConfig);
  const base = req.config === undefined ? ctr : normalizeContainerConfig(req.config);
  return mergeCommitConfig(applyChanges(base, req.changes ?? []), ctr);
}

/** Checks a commit's reference (`repo`, `tag`) before anything is done. */
export function checkCommitRef(repo: string | undefined, tag: string | undefined): void {
  if (!repo && tag) throw new InvalidArgument('tag requires a repository');
  importRef(repo, tag);
}

export async function commitImage(ctx: ImageContext, req: CommitImageRequest): Promise<Digest> {
  const ref = importRef(req.repo, req.tag);
  const config = commitConfig(req);
  const parent = ctx.images.get(req.imageId);
  if (!parent) throw new InvalidArgument(`the container's image ${req.imageId} is gone`);
  const lease = ctx.layers.lease();
  try {
    const top = parent.chainIds.at(-1) ?? null;
    const diffId = req.layer ? (await ctx.layers.applyTar(top, req.layer, { lease })).layer.diffId : undefined;
    const created = nowRfc3339Nano();
    const pc = parent.config;
    const history: HistoryEntry = {
      created,
      ...(req.author ? { author: req.author } : {}),
      created_by: (req.containerConfig.Cmd ?? []).join(' '),
      ...(req.comment ? { comment: req.comment } : {}),
      ...(diffId ? {} : { empty_layer: true }),
    };
    const bytes = encodeImageConfig({
      architecture: pc.architecture,
      ...(pc.variant ? { variant: pc.variant } : {}),
      ...(req.author ? { author: req.author } : {}),
      ...(req.comment ? { comment: req.comment } : {}),
      config,
      container: req.containerId,
      container_config: normalizeContainerConfig(req.containerConfig),
      created,
      docker_version: BERTH_VERSION,
      history: [...(pc.history ?? []), history],
      os: pc.os,
      ...(pc['os.version'] ? { 'os.version': pc['os.version'] } : {}),
      ...(pc['os.features'] ? { 'os.features': pc['os.features'] } : {}),
      rootfs: { type: 'layers', diff_ids: [...pc.rootfs.diff_ids, ...(diffId ? [diffId] : [])] },
    });
    return await ctx.lock.run(async () => {
      const img = await ctx.images.create(bytes, { parent: req.imageId });
      if (ref) {
        await ctx.refs.add(ref, img.record.id);
        await ctx.images.setLastTagTime(img.record.id, nowRfc3339Nano());
      }
      return img.record.id;
    });
  } finally {
    lease.release();
  }
}
