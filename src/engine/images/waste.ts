/**
 * @module engine/images/waste
 * berth's layer waste report (`GET /images/{name}/waste`, `berth image waste`): for each layer,
 * the bytes of its files that later layers overwrite or delete (they still ship with the
 * image), the largest such paths, the paths stored in more than one layer, and an efficiency
 * score computed as dive defines it: over every path, the sum of the smallest size it has in
 * any layer (0 once deleted) divided by the sum of all its sizes in all layers (1 when empty).
 *
 * The layers are read from their directories in the store: overlay whiteouts (0/0 character
 * devices) delete a path, an opaque directory hides what lower layers had below it.
 */
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageConfig } from '../../image/config.js';
import type { LayerReader } from '../../store/layers/types.js';
import { native } from '../../util/native.js';

export interface WastedPath {
  path: string;
  bytes: number;
  /** Index of the layer that holds the bytes, and of the layer that overwrote or deleted them. */
  layer: number;
  by: number;
  how: 'overwritten' | 'deleted';
}

export interface LayerWaste {
  index: number;
  diffId: string;
  /** The Dockerfile step that made the layer (history `created_by`). */
  createdBy: string;
  size: number;
  wastedBytes: number;
}

export interface WasteReport {
  image: string;
  totalBytes: number;
  wastedBytes: number;
  /** dive's efficiency score, 0..1. */
  efficiency: number;
  layers: LayerWaste[];
  /** The largest wasted paths, biggest first (at most 20). */
  largest: WastedPath[];
  /** Paths present in more than one layer, by bytes over all layers (at most 20). */
  duplicates: { path: string; layers: number[]; bytes: number }[];
}

/** One entry of a layer as read from its directory. */
export type LayerEntry = { path: string; kind: 'file'; size: number } | { path: string; kind: 'whiteout' } | { path: string; kind: 'opaque' };

/** The entries of a layer directory (directories themselves are not counted, as dive). */
export function readLayerDir(root: string): LayerEntry[] {
  const out: LayerEntry[] = [];
  const walk = (rel: string) => {
    for (const n of readdirSync(join(root, rel)).sort()) {
      const r = rel ? `${rel}/${n}` : n;
      const st = lstatSync(join(root, r));
      if (st.isCharacterDevice() && st.rdev === 0) out.push({ path: r, kind: 'whiteout' });
      else if (st.isDirectory()) {
        const x = native().lgetxattr(join(root, r), 'trusted.overlay.opaque');
        if (x && x.toString() === 'y') out.push({ path: r, kind: 'opaque' });
        walk(r);
      } else out.push({ path: r, kind: 'file', size: st.isFile() ? st.size : 0 });
    }
  };
  walk('');
  return out;
}

const under = (p: string, dir: string) => p.startsWith(`${dir}/`);

/** The report for layers given as entries (base first). */
export function wasteOf(image: string, layers: { diffId: string; createdBy: string; entries: LayerEntry[] }[]): WasteReport {
  const live = new Map<string, { layer: number; size: number }>();
  const seen = new Map<string, { sizes: number[]; layers: number[] }>();
  const wasted: WastedPath[] = [];
  const perLayer = layers.map(() => 0);
  const drop = (path: string, by: number, how: WastedPath['how']) => {
    const cur = live.get(path);
    if (!cur) return;
    live.delete(path);
    if (cur.size > 0) {
      wasted.push({ path, bytes: cur.size, layer: cur.layer, by, how });
      perLayer[cur.layer]! += cur.size;
    }
  };
  const sizes = layers.map((l, i) => {
    let size = 0;
    for (const e of l.entries) {
      if (e.kind === 'opaque' || e.kind === 'whiteout') {
        for (const p of [...live.keys()]) if (under(p, e.path)) drop(p, i, 'deleted');
        if (e.kind === 'whiteout') {
          drop(e.path, i, 'deleted');
          const s = seen.get(e.path);
          if (s) s.sizes.push(0);
        }
        continue;
      }
      size += e.size;
      drop(e.path, i, 'overwritten');
      live.set(e.path, { layer: i, size: e.size });
      const s = seen.get(e.path) ?? { sizes: [], layers: [] };
      s.sizes.push(e.size);
      s.layers.push(i);
      seen.set(e.path, s);
    }
    return size;
  });
  let min = 0;
  let cumulative = 0;
  const duplicates: WasteReport['duplicates'] = [];
  for (const [path, s] of seen) {
    min += Math.min(...s.sizes);
    const sum = s.sizes.reduce((a, b) => a + b, 0);
    cumulative += sum;
    if (s.layers.length > 1) duplicates.push({ path, layers: s.layers, bytes: sum });
  }
  const by = (a: { bytes: number; path: string }, b: { bytes: number; path: string }) => b.bytes - a.bytes || (a.path < b.path ? -1 : 1);
  return {
    image,
    totalBytes: sizes.reduce((a, b) => a + b, 0),
    wastedBytes: perLayer.reduce((a, b) => a + b, 0),
    efficiency: cumulative === 0 ? 1 : min / cumulative,
    layers: layers.map((l, i) => ({ index: i, diffId: l.diffId, createdBy: l.createdBy, size: sizes[i]!, wastedBytes: perLayer[i]! })),
    largest: wasted.sort(by).slice(0, 20),
    duplicates: duplicates.sort(by).slice(0, 20),
  };
}

/** The `created_by` of each layer: history entries that are not `empty_layer`, in order. */
export function layerSteps(config: ImageConfig): string[] {
  return (config.history ?? []).filter((h) => !h.empty_layer).map((h) => h.created_by ?? '');
}

/** The report of a stored image. */
export function imageWaste(img: { record: { id: string }; config: ImageConfig; topChainId: string | null }, layers: Pick<LayerReader, 'ancestry' | 'diffPath'>): WasteReport {
  const steps = layerSteps(img.config);
  const chain = layers.ancestry(img.topChainId as Parameters<LayerReader['ancestry']>[0]);
  return wasteOf(
    img.record.id,
    chain.map((l, i) => ({ diffId: l.diffId, createdBy: steps[i] ?? '', entries: readLayerDir(layers.diffPath(l.chainId)) })),
  );
}
