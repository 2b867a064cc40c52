/**
 * @module registry/platform
 * Platforms as `--platform` writes them (`linux/amd64`, `linux/arm64/v8`, `arm64`) and the
 * choice of one manifest from a manifest list or OCI index, as containerd's platform matcher
 * does: same OS and architecture (normalized: x86_64 = amd64, aarch64 = arm64), the variant
 * when both name one (arm64 defaults to v8, arm to v7), an exact variant preferred.
 */
import { InvalidArgument, NotFound } from '../errdefs/index.js';
import type { Descriptor, Platform } from '../image/manifest.js';

const ARCH_ALIASES: Record<string, string> = { x86_64: 'amd64', 'x86-64': 'amd64', aarch64: 'arm64', i386: '386', i686: '386', armhf: 'arm', armel: 'arm' };

function normalizeArch(arch: string, variant: string | undefined): { architecture: string; variant?: string } {
  const a = ARCH_ALIASES[arch] ?? arch;
  let v = variant;
  if (a === 'arm64' && (v === '8' || v === undefined)) v = 'v8';
  if (a === 'arm' && v === undefined) v = 'v7';
  if (a === 'arm' && v && /^\d+$/.test(v)) v = `v${v}`;
  if (a === 'amd64' && v === 'v1') v = undefined;
  return v === undefined ? { architecture: a } : { architecture: a, variant: v };
}

/** Normalizes a platform (arch aliases, default variants). */
export function normalizePlatform(p: Platform): Platform {
  return { os: p.os.toLowerCase(), ...normalizeArch(p.architecture.toLowerCase(), p.variant?.toLowerCase()) };
}

/** Parses `os/arch[/variant]` or `arch`; `host` fills what is missing. */
export function parsePlatform(s: string, host: Platform): Platform {
  const parts = s.trim().toLowerCase().split('/');
  if (parts.some((p) => p === '') || parts.length > 3) {
    throw new InvalidArgument(`"${s}": invalid platform: expected os[/arch[/variant]]`);
  }
  if (parts.length === 1) {
    const known = new Set(['linux', 'windows', 'darwin', 'freebsd']);
    if (known.has(parts[0]!)) return normalizePlatform({ os: parts[0]!, architecture: host.architecture, variant: host.variant });
    return normalizePlatform({ os: 'linux', architecture: parts[0]! });
  }
  return normalizePlatform({ os: parts[0]!, architecture: parts[1]!, ...(parts[2] ? { variant: parts[2] } : {}) });
}

/** `linux/arm64/v8` */
export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** How well a descriptor fits: undefined = not at all; higher is better. */
function score(d: Descriptor, want: Platform): number | undefined {
  if (!d.platform) return undefined;
  const p = normalizePlatform(d.platform);
  if (p.os !== want.os || p.architecture !== want.architecture) return undefined;
  if (want.variant && p.variant && p.variant !== want.variant) {
    // An older arm variant still runs on a newer CPU (v6 image on v7), as containerd allows.
    if (want.architecture === 'arm' && p.variant < want.variant) return 1;
    return undefined;
  }
  return p.variant === want.variant ? 3 : 2;
}

/** The best manifest for `want` in an index's entries (the first of the best ones). */
export function selectManifest(manifests: Descriptor[], want: Platform): Descriptor {
  const w = normalizePlatform(want);
  let best: Descriptor | undefined;
  let bestScore = 0;
  for (const d of manifests) {
    const s = score(d, w);
    if (s !== undefined && s > bestScore) {
      best = d;
      bestScore = s;
    }
  }
  if (!best) throw new NotFound(`no matching manifest for ${formatPlatform(w)} in the manifest list entries`);
  return best;
}
