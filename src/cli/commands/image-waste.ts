/**
 * @module cli/commands/image-waste
 * `berth image waste IMAGE [--format json]`: berth's layer waste report (the daemon's
 * `GET /images/{name}/waste`): per layer the bytes later layers overwrite or delete, with the
 * Dockerfile step that made the layer, the largest wasted paths, paths stored in several
 * layers, and dive's efficiency score.
 */
import type { Command } from '../command.js';
import { humanSize } from '../format/units.js';

interface Report {
  image: string;
  totalBytes: number;
  wastedBytes: number;
  efficiency: number;
  layers: { index: number; createdBy: string; size: number; wastedBytes: number }[];
  largest: { path: string; bytes: number; layer: number; by: number; how: string }[];
  duplicates: { path: string; layers: number[]; bytes: number }[];
}

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The report as text. */
export function wasteText(r: Report): string {
  let out = `Image: ${r.image}\nEfficiency: ${(r.efficiency * 100).toFixed(2)} %\nTotal: ${humanSize(r.totalBytes)}  Wasted: ${humanSize(r.wastedBytes)}\n\n`;
  out += 'LAYER  SIZE       WASTED     CREATED BY\n';
  for (const l of r.layers) out += `${String(l.index).padEnd(7)}${humanSize(l.size).padEnd(11)}${humanSize(l.wastedBytes).padEnd(11)}${cut(l.createdBy, 70)}\n`;
  if (r.largest.length) {
    out += '\nLARGEST WASTE  PATH (layer → how, by layer: step)\n';
    for (const w of r.largest) {
      out += `${humanSize(w.bytes).padEnd(15)}/${w.path} (${w.layer} → ${w.how} by ${w.by}: ${cut(r.layers[w.by]?.createdBy ?? '', 50)})\n`;
    }
  }
  if (r.duplicates.length) {
    out += '\nIN SEVERAL LAYERS  PATH (layers)\n';
    for (const d of r.duplicates) out += `${humanSize(d.bytes).padEnd(19)}/${d.path} (${d.layers.join(', ')})\n`;
  }
  return out;
}

export const imageWaste: Command = {
  name: 'waste',
  usage: '[OPTIONS] IMAGE',
  description: 'Show the bytes each layer wastes (overwritten or deleted later), and an efficiency score',
  args: { min: 1, max: 1 },
  flags: [{ long: 'format', type: 'string', help: 'Format the output: "json" for the report as JSON' }],
  async run(ctx, args, flags) {
    const r = await (await ctx.client()).json<Report>('GET', `/images/${encodeURIComponent(args[0]!)}/waste`);
    if (flags.string('format') === 'json') ctx.out(`${JSON.stringify(r, null, 2)}\n`);
    else ctx.out(wasteText(r));
  },
};
