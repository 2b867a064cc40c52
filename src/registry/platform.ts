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

/** GOOS and GOARCH values containerd's platform parser knows (a lone word must be one of them). */
const KNOWN_OS = new Set('aix android darwin dragonfly freebsd hurd illumos ios js linux nacl netbsd openbsd plan9 solaris windows zos'.split(' '));
const KNOWN_ARCH = new Set(
  ('386 amd64 amd64p32 arm armbe arm64 arm64be ppc64 ppc64le loong64 mips mipsle mips64 mips64le mips64p32 mips64p32le ppc riscv riscv64 ' +
    's390 s390x sparc sparc64 wasm').split(' '),
);
const COMPONENT = /^[A-Za-z0-9_-]+$/;

/** containerd's normalizeArch: aliases, and the variant as `--platform` spells it (arm64's v8 dropped, arm's default v7). */
function specArch(arch: string, variant: string): { architecture: string; variant: string } {
  switch (arch) {
    case 'i386':
      return { architecture: '386', variant: '' };
    case 'x86_64':
    case 'x86-64':
      return { architecture: 'amd64', variant: '' };
    case 'aarch64':
    case 'arm64':
      return { architecture: 'arm64', variant: variant === '8' || variant === 'v8' ? '' : variant };
    case 'armhf':
      return { architecture: 'arm', variant: 'v7' };
    case 'armel':
      return { architecture: 'arm', variant: 'v6' };
    case 'arm':
      return { architecture: 'arm', variant: variant === '' || variant === '7' ? 'v7' : ['5', '6', '8'].includes(variant) ? `v${variant}` : variant };
    default:
      return { architecture: arch, variant };
  }
}

function spec(os: string, a: { architecture: string; variant: string }): Platform {
  return { os, architecture: a.architecture, ...(a.variant ? { variant: a.variant } : {}) };
}

/**
 * Parses `os/arch[/variant]`, `os` or `arch` as containerd's `platforms.Parse` does, with its
 * errors and its result (`linux/arm64` has no variant, `linux/arm64/v8` has; compare platforms
 * through {@link normalizePlatform}); `host` fills what is missing.
 */
export function parsePlatform(s: string, host: Platform): Platform {
  if (s.includes('*')) throw new InvalidArgument(`${JSON.stringify(s)}: wildcards not yet supported: invalid argument`);
  const parts = s.split('/');
  for (const p of parts) {
    if (!COMPONENT.test(p)) {
      throw new InvalidArgument(`${JSON.stringify(p)} is an invalid component of ${JSON.stringify(s)}: platform specifier component must match "${COMPONENT.source}": invalid argument`);
    }
  }
  const lower = parts.map((p) => p.toLowerCase());
  const os = lower[0] === 'macos' ? 'darwin' : lower[0]!;
  const noV7 = (a: { architecture: string; variant: string }) => (a.architecture === 'arm' && a.variant === 'v7' ? { ...a, variant: '' } : a);
  if (lower.length === 1) {
    if (KNOWN_OS.has(os)) {
      return spec(os, { architecture: host.architecture, variant: host.architecture === 'arm' && host.variant !== 'v7' ? (host.variant ?? '') : '' });
    }
    const a = noV7(specArch(lower[0]!, ''));
    if (KNOWN_ARCH.has(a.architecture)) return spec(host.os, a);
    throw new InvalidArgument(`${JSON.stringify(s)}: unknown operating system or architecture: invalid argument`);
  }
  if (lower.length === 2) return spec(os, noV7(specArch(lower[1]!, '')));
  if (lower.length === 3) {
    const a = specArch(lower[1]!, lower[2]!);
    return spec(os, a.architecture === 'arm64' && a.variant === '' ? { ...a, variant: 'v8' } : a);
  }
  throw new InvalidArgument(`${JSON.stringify(s)}: cannot parse platform specifier: invalid argument`);
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
  if (!best) throw new NotFound(`no matching manifest for ${formatPlatform(want)} in the manifest list entries`);
  return best;
}
