/**
 * @module store/testing/archive
 * Builds image archives in memory for tests: images with given configs (fixed creation
 * times, history, labels) and layers given as tars, written as a docker-archive or an OCI
 * layout exactly as `save` writes them.
 */
import { dockerArchivePlan, ociLayoutPlan, type ArchiveImage } from '../../image/archive-plan.js';
import { chainIds } from '../../image/chain.js';
import { emptyContainerConfig, encodeImageConfig, type ContainerConfig, type HistoryEntry } from '../../image/config.js';
import { digestOf } from '../../image/digest.js';
import { parseDockerRef } from '../../image/reference.js';
import { BLOCK, encodeHeader, paddingOf } from '../../util/tar/header.js';
import { headerOf } from '../../util/tar/memory-tar.js';

export interface TestImage {
  tags?: string[];
  /** Layer tars, base first. */
  layers: Buffer[];
  created?: string;
  history?: HistoryEntry[];
  config?: Partial<ContainerConfig>;
  comment?: string;
}

/** The config bytes a TestImage gets (its sha256 is the image ID after load). */
export function testImageConfig(img: TestImage): Buffer {
  const created = img.created ?? '2020-01-02T03:04:05.123456789Z';
  return encodeImageConfig({
    architecture: 'amd64',
    os: 'linux',
    created,
    ...(img.comment ? { comment: img.comment } : {}),
    config: { ...emptyContainerConfig(), ...img.config },
    container_config: emptyContainerConfig(),
    history: img.history ?? img.layers.map(() => ({ created, created_by: '/bin/sh -c #(nop) ADD file in / ' })),
    rootfs: { type: 'layers', diff_ids: img.layers.map((l) => digestOf(l)) },
  });
}

/** A complete archive holding `images`. */
export function buildArchive(images: TestImage[], format: 'docker' | 'oci' = 'docker'): Buffer {
  const layerData = new Map<string, Buffer>();
  const archiveImages: ArchiveImage[] = images.map((img) => {
    const config = testImageConfig(img);
    const diffIds = img.layers.map((l) => digestOf(l));
    const chains = chainIds(diffIds);
    img.layers.forEach((l, i) => layerData.set(chains[i]!, l));
    return {
      id: digestOf(config),
      config,
      refs: (img.tags ?? []).map((t) => parseDockerRef(t)),
      layers: img.layers.map((l, i) => ({ diffId: diffIds[i]!, chainId: chains[i]!, size: l.length })),
      mtime: 1_600_000_000,
    };
  });
  const plan = format === 'oci' ? ociLayoutPlan(archiveImages) : dockerArchivePlan(archiveImages);
  const parts: Buffer[] = [];
  for (const e of plan) {
    const data = e.kind === 'dir' ? Buffer.alloc(0) : e.kind === 'file' ? e.data : layerData.get(e.chainId)!;
    parts.push(encodeHeader(headerOf({ name: e.name, type: e.kind === 'dir' ? 'dir' : 'file', size: data.length, mtime: e.mtime })));
    parts.push(data, Buffer.alloc(paddingOf(data.length)));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}
