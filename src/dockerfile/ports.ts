/**
 * @module dockerfile/ports
 * EXPOSE port specs as Docker reads them: `80`, `80/tcp`, `53/udp`, ranges `8000-8002/tcp`
 * (one entry per port), protocols lower-cased.
 */
import { InvalidArgument } from '../errdefs/index.js';

export function parsePortSpecs(specs: readonly string[]): string[] {
  const out: string[] = [];
  for (const spec of specs) {
    const [portPart, protoPart] = spec.includes('/') ? [spec.slice(0, spec.indexOf('/')), spec.slice(spec.indexOf('/') + 1)] : [spec, 'tcp'];
    const proto = protoPart!.toLowerCase();
    if (!['tcp', 'udp', 'sctp'].includes(proto)) throw new InvalidArgument(`Invalid proto: ${protoPart}`);
    const m = /^(\d+)(?:-(\d+))?$/.exec(portPart!);
    if (!m) throw new InvalidArgument(`Invalid containerPort: ${portPart}`);
    const start = Number(m[1]);
    const end = m[2] !== undefined ? Number(m[2]) : start;
    if (start > 65535 || end > 65535 || end < start) throw new InvalidArgument(`Invalid containerPort: ${portPart}`);
    for (let p = start; p <= end; p++) out.push(`${p}/${proto}`);
  }
  return out;
}
