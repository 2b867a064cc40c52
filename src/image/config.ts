/**
 * @module image/config
 * The image configuration (Docker image JSON, a superset of the OCI image config) and how
 * Docker serializes it, since the image ID is the sha256 of these exact bytes: top-level keys
 * sorted, the container config in Go's struct field order, Go's HTML-safe string escaping,
 * and RFC 3339 times with nanoseconds and trailing zeros trimmed.
 */
import type { Digest } from './digest.js';
import { digestOf } from './digest.js';
import { DataLoss } from '../errdefs/index.js';
import { goJson } from '../util/go-json.js';

/** Docker's container.Config, as stored in images (config and container_config). */
export interface ContainerConfig {
  Hostname: string;
  Domainname: string;
  User: string;
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  ExposedPorts?: Record<string, Record<string, never>>;
  Tty: boolean;
  OpenStdin: boolean;
  StdinOnce: boolean;
  Env: string[] | null;
  Cmd: string[] | null;
  Healthcheck?: HealthConfig;
  ArgsEscaped?: boolean;
  Image: string;
  Volumes: Record<string, Record<string, never>> | null;
  WorkingDir: string;
  Entrypoint: string[] | null;
  NetworkDisabled?: boolean;
  MacAddress?: string;
  OnBuild: string[] | null;
  Labels: Record<string, string> | null;
  StopSignal?: string;
  StopTimeout?: number;
  Shell?: string[];
}

export interface HealthConfig {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  Retries?: number;
}

/** One history entry; `empty_layer` marks steps that changed only the config. */
export interface HistoryEntry {
  created?: string;
  author?: string;
  created_by?: string;
  comment?: string;
  empty_layer?: boolean;
}

export interface RootFS {
  type: string;
  diff_ids: Digest[];
}

/** The image config JSON. Fields other than these are kept as they were (loaded images). */
export interface ImageConfig {
  id?: string;
  parent?: string;
  comment?: string;
  created?: string;
  container?: string;
  container_config?: ContainerConfig;
  docker_version?: string;
  author?: string;
  config?: ContainerConfig | null;
  architecture: string;
  variant?: string;
  os: string;
  'os.version'?: string;
  'os.features'?: string[];
  rootfs: RootFS;
  history?: HistoryEntry[];
  [extra: string]: unknown;
}

const containerConfigOrder: (keyof ContainerConfig)[] = [
  'Hostname', 'Domainname', 'User', 'AttachStdin', 'AttachStdout', 'AttachStderr', 'ExposedPorts', 'Tty', 'OpenStdin',
  'StdinOnce', 'Env', 'Cmd', 'Healthcheck', 'ArgsEscaped', 'Image', 'Volumes', 'WorkingDir', 'Entrypoint',
  'NetworkDisabled', 'MacAddress', 'OnBuild', 'Labels', 'StopSignal', 'StopTimeout', 'Shell',
];
const omitEmpty = new Set<keyof ContainerConfig>([
  'ExposedPorts', 'Healthcheck', 'ArgsEscaped', 'NetworkDisabled', 'MacAddress', 'StopSignal', 'StopTimeout', 'Shell',
]);

/** A container config with every field Docker always writes, at its zero value. */
export function emptyContainerConfig(): ContainerConfig {
  return {
    Hostname: '', Domainname: '', User: '', AttachStdin: false, AttachStdout: false, AttachStderr: false,
    Tty: false, OpenStdin: false, StdinOnce: false, Env: null, Cmd: null, Image: '', Volumes: null,
    WorkingDir: '', Entrypoint: null, OnBuild: null, Labels: null,
  };
}

function isEmptyValue(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === '' || v === 0) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v as object).length === 0;
  return false;
}

/**
 * Puts a container config into Go's field order, fills the always-written fields and drops
 * empty `omitempty` ones, so that equal configs serialize to equal bytes.
 */
export function normalizeContainerConfig(c: Partial<ContainerConfig> | null | undefined): ContainerConfig {
  const base = emptyContainerConfig() as unknown as Record<string, unknown>;
  const src = (c ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of containerConfigOrder) {
    const v = k in src ? src[k] : base[k];
    if (omitEmpty.has(k) && isEmptyValue(v)) continue;
    if (v === undefined) continue;
    out[k] = v;
  }
  // Unknown fields (newer Docker versions) are kept after the known ones.
  for (const [k, v] of Object.entries(src)) if (!(k in out) && !containerConfigOrder.includes(k as keyof ContainerConfig)) out[k] = v;
  return out as unknown as ContainerConfig;
}

function normalizeHistory(h: HistoryEntry): HistoryEntry {
  const out: HistoryEntry = {};
  if (h.created) out.created = h.created;
  if (h.author) out.author = h.author;
  if (h.created_by) out.created_by = h.created_by;
  if (h.comment) out.comment = h.comment;
  if (h.empty_layer) out.empty_layer = true;
  return out;
}

/**
 * Serializes an image config exactly as Docker's image.Image marshaller does: top-level keys
 * sorted, nested structs in field order. The result's sha256 is the image ID.
 */
export function encodeImageConfig(cfg: ImageConfig): Buffer {
  const top: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(cfg)) {
    if (v === undefined) continue;
    if (k === 'config') top[k] = v === null ? null : normalizeContainerConfig(v as ContainerConfig);
    else if (k === 'container_config') top[k] = normalizeContainerConfig(v as ContainerConfig);
    else if (k === 'history') top[k] = (v as HistoryEntry[]).map(normalizeHistory);
    else if (k === 'rootfs') top[k] = { type: (v as RootFS).type, diff_ids: (v as RootFS).diff_ids };
    else top[k] = v;
  }
  const sorted: Record<string, unknown> = {};
  for (const k of Object.keys(top).sort()) sorted[k] = top[k];
  return Buffer.from(goJson(sorted), 'utf8');
}

/** Parses config bytes, checking the fields berth relies on. */
export function decodeImageConfig(bytes: Uint8Array): ImageConfig {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (e) {
    throw new DataLoss(`invalid image config JSON: ${(e as Error).message}`, { cause: e });
  }
  const c = v as ImageConfig;
  if (!c || typeof c !== 'object' || !c.rootfs || !Array.isArray(c.rootfs.diff_ids)) {
    throw new DataLoss('invalid image config: missing rootfs.diff_ids');
  }
  return c;
}

/** The image ID: sha256 of the config bytes. */
export function imageIdOf(configBytes: Uint8Array): Digest {
  return digestOf(configBytes);
}

let lastNanos = 0n;
/** Now as Go's RFC3339Nano (`2026-11-23T01:52:13.538675156Z`), strictly increasing per process. */
export function nowRfc3339Nano(): string {
  let ns = BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
  if (ns <= lastNanos) ns = lastNanos + 1n;
  lastNanos = ns;
  return formatRfc3339Nano(ns);
}

/** Formats nanoseconds since the epoch as Go's RFC3339Nano in UTC. */
export function formatRfc3339Nano(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  const base = new Date(ms).toISOString().slice(0, 19);
  return `${base}${frac ? '.' + frac : ''}Z`;
}

/** Parses an RFC 3339 time to nanoseconds since the epoch (0 when absent or invalid). */
export function rfc3339ToNanos(time: string | undefined): bigint {
  if (!time) return 0n;
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(time);
  if (!m) return 0n;
  const ms = Date.parse(m[1]! + m[3]!);
  if (!Number.isFinite(ms)) return 0n;
  const frac = BigInt((m[2] ?? '').slice(0, 9).padEnd(9, '0'));
  return BigInt(ms) * 1_000_000n + frac;
}

/** Parses an RFC 3339 time (any fractional precision) to unix seconds (0 when absent or invalid). */
export function unixSeconds(time: string | undefined): number {
  if (!time) return 0;
  const ms = Date.parse(time.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : 0;
}
