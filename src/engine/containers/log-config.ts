/**
 * @module engine/containers/log-config
 * A container's logging driver (HostConfig.LogConfig), as dockerd 20.10 handles it. Pure.
 *
 * Two steps, at the times dockerd takes them:
 * - create: `mergeLogConfig` fills in the daemon's default driver (daemon.json `log-driver`),
 *   adds the daemon's `log-opts` when the container uses that same driver, and refuses unknown
 *   drivers and options a driver does not take (HTTP 400);
 * - start: `logSettings` reads the option values (sizes, counts, booleans) into what the
 *   runtime's log writer needs; a bad value fails the start with dockerd's words, wrapped as
 *   `failed to initialize logging driver: …`.
 *
 * Drivers: `json-file` (unlimited unless max-size), `local` (json-file-compatible records in
 * `local-logs/container.log`, rotated at 20 MB, 5 files, compressed), `none` (nothing kept).
 */
import { InvalidArgument } from '../../errdefs/index.js';
import type { LogSettings } from '../../runtime/types.js';

export interface LogConfig {
  Type: string;
  Config: Record<string, string>;
}

export const LOG_DRIVERS = ['json-file', 'local', 'none'] as const;

const JSON_FILE_OPTS = ['max-file', 'max-size', 'compress', 'labels', 'labels-regex', 'env', 'env-regex', 'tag'];
const LOCAL_OPTS = ['max-file', 'max-size', 'compress'];

/** The daemon's default when daemon.json names none. */
export const DEFAULT_LOG_CONFIG: LogConfig = { Type: 'json-file', Config: {} };

/** Refuses an unknown driver or an option the driver does not take (dockerd's words, 400). */
export function validateLogConfig(cfg: LogConfig): void {
  const opts = Object.keys(cfg.Config ?? {});
  switch (cfg.Type) {
    case 'json-file':
      for (const k of opts) if (!JSON_FILE_OPTS.includes(k)) throw new InvalidArgument(`unknown log opt '${k}' for json-file log driver`);
      return;
    case 'local':
      for (const k of opts) if (!LOCAL_OPTS.includes(k)) throw new InvalidArgument(`unknown log opt '${k}' for log driver local`);
      return;
    case 'none':
      return;
    default:
      throw new InvalidArgument(`error looking up logging plugin ${cfg.Type}: plugin "${cfg.Type}" not found`);
  }
}

/** Create time: the container's LogConfig with the daemon's defaults merged in, validated. */
export function mergeLogConfig(cfg: Partial<LogConfig> | null | undefined, daemonDefault: LogConfig = DEFAULT_LOG_CONFIG): LogConfig {
  const type = cfg?.Type || daemonDefault.Type;
  const config: Record<string, string> = { ...(cfg?.Config ?? {}) };
  if (type === daemonDefault.Type) {
    for (const [k, v] of Object.entries(daemonDefault.Config)) if (!(k in config)) config[k] = v;
  }
  const out = { Type: type, Config: config };
  validateLogConfig(out);
  return out;
}

/** go-units FromHumanSize: decimal multiples (k = 1000), an optional `i` and `b`; no sign. */
export function parseHumanSize(s: string): number {
  const m = /^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(s);
  if (!m) throw new InvalidArgument(`invalid size: '${s}'`);
  const n = Number.parseFloat(m[1]!);
  if (!Number.isFinite(n)) throw new InvalidArgument(`invalid size: '${s}'`);
  const mult = { k: 1e3, m: 1e6, g: 1e9, t: 1e12, p: 1e15 }[(m[2] ?? '').toLowerCase() as 'k'] ?? 1;
  return Math.trunc(n * mult);
}

/** Go's strconv.Atoi, with its error text. */
export function parseGoInt(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw new InvalidArgument(`strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  const n = Number(s);
  if (!Number.isSafeInteger(n) || Math.abs(n) > 2 ** 63) throw new InvalidArgument(`strconv.Atoi: parsing ${JSON.stringify(s)}: value out of range`);
  return n;
}

/** Go's strconv.ParseBool, with its error text. */
export function parseGoBool(s: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  throw new InvalidArgument(`strconv.ParseBool: parsing ${JSON.stringify(s)}: invalid syntax`);
}

/** What a container offers to `labels`/`env` log options. */
export interface LogAttrSource {
  labels: Record<string, string>;
  env: string[];
}

/** The attributes each record carries (`logs --details`): labels and env named by the options. */
export function logAttrs(opts: Record<string, string>, src: LogAttrSource): Record<string, string> {
  const attrs: Record<string, string> = {};
  const envMap = new Map<string, string>();
  for (const e of src.env) {
    const i = e.indexOf('=');
    if (i > 0) envMap.set(e.slice(0, i), e.slice(i + 1));
  }
  const pick = (names: string | undefined, pattern: string | undefined, from: Map<string, string>) => {
    for (const n of (names ?? '').split(',')) {
      const v = from.get(n);
      if (n && v !== undefined) attrs[n] = v;
    }
    if (pattern) {
      let re: RegExp;
      try {
        re = new RegExp(pattern);
      } catch (e) {
        throw new InvalidArgument(`error parsing regexp: ${(e as Error).message}`, { cause: e });
      }
      for (const [k, v] of from) if (re.test(k)) attrs[k] = v;
    }
  };
  pick(opts.labels, opts['labels-regex'], new Map(Object.entries(src.labels)));
  pick(opts.env, opts['env-regex'], envMap);
  return attrs;
}

function jsonFileSettings(o: Record<string, string>): LogSettings {
  let maxSize = -1;
  if (o['max-size'] !== undefined) {
    maxSize = parseHumanSize(o['max-size']);
    if (maxSize <= 0) throw new InvalidArgument('max-size must be a positive number');
  }
  let maxFiles = 1;
  if (o['max-file'] !== undefined) {
    maxFiles = parseGoInt(o['max-file']);
    if (maxFiles < 1) throw new InvalidArgument('max-file cannot be less than 1');
  }
  const compress = o.compress !== undefined ? parseGoBool(o.compress) : false;
  if (compress && (maxFiles === 1 || maxSize === -1)) {
    throw new InvalidArgument('compress cannot be true when max-file is less than 2 or max-size is not set');
  }
  return { driver: 'json-file', maxSize: maxSize > 0 ? maxSize : undefined, maxFiles, compress };
}

function localSettings(o: Record<string, string>): LogSettings {
  let maxSize = 20 * 1024 * 1024;
  if (o['max-size'] !== undefined) {
    try {
      maxSize = parseHumanSize(o['max-size']);
    } catch (e) {
      throw new InvalidArgument(`invalid value for max-size: ${o['max-size']}: ${(e as Error).message}`, { cause: e });
    }
  }
  let maxFiles = 5;
  if (o['max-file'] !== undefined) {
    try {
      maxFiles = parseGoInt(o['max-file']);
    } catch (e) {
      throw new InvalidArgument(`invalid value for max-file: ${o['max-file']}: ${(e as Error).message}`, { cause: e });
    }
    if (maxFiles < 0) throw new InvalidArgument('max file count cannot be less than 0');
  }
  let compress = true;
  if (o.compress !== undefined) {
    try {
      compress = parseGoBool(o.compress);
    } catch (e) {
      throw new InvalidArgument(`error reading compress log option: ${(e as Error).message}`, { cause: e });
    }
  }
  if (compress && maxFiles <= 1) throw new InvalidArgument('compression cannot be enabled when max file count is 1');
  // max-size 0: no rotation.
  return { driver: 'local', maxSize: maxSize > 0 ? maxSize : undefined, maxFiles: Math.max(1, maxFiles), compress };
}

/**
 * Start time: what the runtime's log writer needs, or false for `none`. InvalidArgument with
 * dockerd's text (without the `failed to initialize logging driver: ` prefix) for a bad value.
 */
export function logSettings(cfg: LogConfig, src: LogAttrSource): LogSettings | false {
  const o = cfg.Config ?? {};
  switch (cfg.Type) {
    case 'none':
      return false;
    case 'local':
      return localSettings(o);
    case 'json-file': {
      const s = jsonFileSettings(o);
      const attrs = logAttrs(o, src);
      return Object.keys(attrs).length ? { ...s, attrs } : s;
    }
    default:
      validateLogConfig(cfg);
      return false;
  }
}
