/**
 * @module builder/solver/commit
 * Turns a step into an image, as Docker's NewChildImage does: the parent's config with the new
 * `config`, `container_config` (the step's command), `container`, `author`, a history entry
 * (`created_by` = the container config's Cmd joined by spaces; `empty_layer` when the step
 * changed no files) and the new layer's diffID appended to `rootfs.diff_ids`.
 */
import { nowRfc3339Nano, type ContainerConfig, type HistoryEntry, type ImageConfig } from '../../image/config.js';
import type { Digest } from '../../image/digest.js';
import { hostPlatform } from '../../image/manifest.js';
import { BERTH_VERSION } from '../../util/version.js';

export interface ChildSpec {
  /** The step's container ('' when none, as for COPY). */
  containerId: string;
  containerConfig: ContainerConfig;
  /** The config the image keeps. */
  config: ContainerConfig;
  author: string;
  /** The new layer, or null when the step changed no files. */
  diffId: Digest | null;
  /** History entries of folded steps (solver/fold.ts) that go before this step's own. */
  earlier?: HistoryEntry[];
}

/** Go writes maps with sorted keys: Labels, ExposedPorts and Volumes come out as Docker's do. */
function sortedMaps(c: ContainerConfig): ContainerConfig {
  const sort = <T>(m: Record<string, T> | null | undefined) =>
    m ? Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : m;
  const out = { ...c };
  if (c.Labels) out.Labels = sort(c.Labels)!;
  if (c.ExposedPorts) out.ExposedPorts = sort(c.ExposedPorts)!;
  if (c.Volumes) out.Volumes = sort(c.Volumes)!;
  return out;
}

/** The config of the image a step produces on `parent` (undefined for `FROM scratch`). */
export function childImageConfig(parent: ImageConfig | undefined, spec: ChildSpec): ImageConfig {
  const created = nowRfc3339Nano();
  const host = hostPlatform();
  const history: HistoryEntry = {
    created,
    ...(spec.author ? { author: spec.author } : {}),
    created_by: (spec.containerConfig.Cmd ?? []).join(' '),
    ...(spec.diffId === null ? { empty_layer: true } : {}),
  };
  const diffIds = [...(parent?.rootfs.diff_ids ?? [])];
  if (spec.diffId !== null) diffIds.push(spec.diffId);
  const variant = parent ? parent.variant : host.variant;
  const cfg: ImageConfig = {
    architecture: parent?.architecture || host.architecture,
    ...(variant ? { variant } : {}),
    os: parent?.os || 'linux',
    ...(parent?.['os.version'] ? { 'os.version': parent['os.version'] } : {}),
    ...(parent?.['os.features'] ? { 'os.features': parent['os.features'] } : {}),
    config: sortedMaps(spec.config),
    container: spec.containerId,
    container_config: sortedMaps(spec.containerConfig),
    created,
    docker_version: BERTH_VERSION,
    ...(spec.author ? { author: spec.author } : {}),
    history: [...(parent?.history ?? []), ...(spec.earlier ?? []), history],
    rootfs: { type: 'layers', diff_ids: diffIds },
  };
  if (!cfg.container) delete cfg.container;
  return cfg;
}
