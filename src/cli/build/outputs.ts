/**
 * @module cli/build/outputs
 * What `berth build` writes besides the image, as buildx does:
 * - `--output` / `-o`: the result's file system instead of an image. `type=local,dest=DIR`
 *   (short form `-o DIR`) extracts it into DIR; `type=tar,dest=FILE` writes one tar
 *   (`dest=-` or `-o -`: to stdout). The files come from the daemon's
 *   `GET /images/{id}/rootfs` (a berth extension); the build's image is not tagged.
 * - `--metadata-file FILE`: the build's result as buildx writes it with Docker's classic image
 *   store, where the image digest is the config digest (the image ID).
 */
import { mkdirSync, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { InvalidArgument } from '../../errdefs/index.js';
import { writeFileAtomic } from '../../util/atomic.js';
import { Extractor } from '../../util/tar/extract.js';
import { extractTarStream } from '../../util/tar/extract-stream.js';
import type { Client } from '../../client/client.js';

export type BuildOutput = { type: 'local'; dest: string } | { type: 'tar'; dest: string };

/** Parses one `--output` value; `resolve` makes paths absolute (`-` stays stdout). */
export function parseOutput(spec: string, resolve: (p: string) => string): BuildOutput {
  if (spec === '-') return { type: 'tar', dest: '-' };
  if (!spec.includes('=')) return { type: 'local', dest: resolve(spec) };
  const fields = new Map<string, string>();
  for (const part of spec.split(',')) {
    const i = part.indexOf('=');
    if (i <= 0) throw new InvalidArgument(`invalid value "${part}" in --output "${spec}": want key=value`);
    fields.set(part.slice(0, i).trim().toLowerCase(), part.slice(i + 1));
  }
  const type = fields.get('type');
  if (type === undefined) throw new InvalidArgument(`--output "${spec}": type is required (local or tar)`);
  const dest = fields.get('dest');
  for (const k of fields.keys()) {
    if (k !== 'type' && k !== 'dest') throw new InvalidArgument(`--output "${spec}": unknown key "${k}"`);
  }
  if (type === 'local') {
    if (!dest || dest === '-') throw new InvalidArgument(`--output "${spec}": type=local needs dest=DIR`);
    return { type, dest: resolve(dest) };
  }
  if (type === 'tar') {
    if (!dest) throw new InvalidArgument(`--output "${spec}": type=tar needs dest=FILE or dest=-`);
    return { type, dest: dest === '-' ? '-' : resolve(dest) };
  }
  throw new InvalidArgument(`--output "${spec}": unsupported type "${type}" (berth writes local and tar)`);
}

/** Writes the file system of image `id` where `out` says; `stdout` for `-`. */
export async function writeOutput(client: Client, id: string, out: BuildOutput, stdout: NodeJS.WritableStream): Promise<void> {
  const res = await client.request('GET', `/images/${encodeURIComponent(id)}/rootfs`);
  if (out.type === 'tar') {
    if (out.dest === '-') {
      for await (const c of res) stdout.write(c as Buffer);
      return;
    }
    await pipeline(res, createWriteStream(out.dest));
    return;
  }
  mkdirSync(out.dest, { recursive: true });
  await extractTarStream(res, new Extractor(out.dest, { whiteouts: 'literal' }));
}

/** buildx's metadata file for a build that made image `id`, tagged `names` (normalized). */
export function buildMetadata(id: string, names: readonly string[]): Record<string, string> {
  const m: Record<string, string> = { 'containerimage.config.digest': id, 'containerimage.digest': id };
  if (names.length) m['image.name'] = names.join(',');
  return m;
}

export async function writeMetadataFile(path: string, meta: Record<string, unknown>): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(meta, null, 2)}\n`);
}
