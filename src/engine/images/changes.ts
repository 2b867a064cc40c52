/**
 * @module engine/images/changes
 * The Dockerfile instructions `import -c` (and `commit -c`) may apply to an image config:
 * CMD, ENTRYPOINT, ENV, EXPOSE, HEALTHCHECK, LABEL, ONBUILD, USER, VOLUME, WORKDIR (dockerd
 * 20.10 refuses STOPSIGNAL: `stopsignal is not a valid change command`) — with
 * Dockerfile syntax (JSON or shell form, `key=value` pairs with quotes). As in a Dockerfile,
 * ENTRYPOINT drops the command unless a CMD among the same changes set one.
 */
import { posix } from 'node:path';
import { InvalidArgument } from '../../errdefs/index.js';
import { normalizeContainerConfig, type ContainerConfig, type HealthConfig } from '../../image/config.js';

const ALLOWED = ['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'HEALTHCHECK', 'LABEL', 'ONBUILD', 'USER', 'VOLUME', 'WORKDIR'];

const UNITS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go's time.ParseDuration, in nanoseconds (`1m30s`, `500ms`, `0`). */
export function parseGoDuration(v: string): number {
  if (v === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gy;
  let total = 0;
  let at = 0;
  for (let m = re.exec(v); m; m = re.exec(v)) {
    total += Number(m[1]) * UNITS[m[2]!]!;
    at = re.lastIndex;
  }
  if (v === '' || at !== v.length) throw new InvalidArgument(`time: invalid duration "${v}"`);
  return Math.round(total);
}

/** `HEALTHCHECK NONE` or `HEALTHCHECK [--interval=D] [--timeout=D] [--start-period=D] [--retries=N] CMD …`. */
function healthcheck(args: string): HealthConfig {
  let rest = args.trim();
  const opts: Record<string, string> = {};
  for (let m = /^--([a-z-]+)=(\S*)\s*/.exec(rest); m; m = /^--([a-z-]+)=(\S*)\s*/.exec(rest)) {
    if (!['interval', 'timeout', 'start-period', 'start-interval', 'retries'].includes(m[1]!)) throw new InvalidArgument(`Unknown flag: ${m[1]}`);
    opts[m[1]!] = m[2]!;
    rest = rest.slice(m[0].length);
  }
  const typ = /^(\S+)\s*(.*)$/s.exec(rest);
  if (!typ) throw new InvalidArgument('HEALTHCHECK requires at least one argument');
  const kind = typ[1]!.toUpperCase();
  if (kind === 'NONE') {
    if (typ[2] || Object.keys(opts).length) throw new InvalidArgument('HEALTHCHECK NONE takes no arguments');
    return { Test: ['NONE'] };
  }
  if (kind !== 'CMD') throw new InvalidArgument(`Unknown type "${typ[1]}" in HEALTHCHECK (try CMD)`);
  const cmd = typ[2]!.trim();
  if (!cmd) throw new InvalidArgument('Missing command after HEALTHCHECK CMD');
  const exec = jsonArray(cmd);
  const out: HealthConfig = { Test: exec ? ['CMD', ...exec] : ['CMD-SHELL', cmd] };
  for (const [flag, key] of [['interval', 'Interval'], ['timeout', 'Timeout'], ['start-period', 'StartPeriod']] as const) {
    if (opts[flag] === undefined) continue;
    const ns = parseGoDuration(opts[flag]);
    if (ns !== 0 && ns < 1e6) throw new InvalidArgument(`Interval "${flag}" cannot be less than 1ms`);
    if (ns) out[key] = ns;
  }
  if (opts.retries !== undefined) {
    if (!/^[+-]?\d+$/.test(opts.retries)) throw new InvalidArgument(`strconv.ParseInt: parsing "${opts.retries}": invalid syntax`);
    const n = Number(opts.retries);
    if (n < 0) throw new InvalidArgument(`--retries cannot be negative (${n})`);
    if (n) out.Retries = n;
  }
  return out;
}

/** Splits words as the Dockerfile shell lexer does for key=value lists: quotes and backslashes. */
export function splitWords(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < s.length) cur += s[++i];
      else cur += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < s.length) {
      cur += s[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) throw new InvalidArgument(`unterminated quote in ${JSON.stringify(s)}`);
  if (inWord) out.push(cur);
  return out;
}

function jsonArray(args: string): string[] | undefined {
  if (!args.trimStart().startsWith('[')) return undefined;
  try {
    const v = JSON.parse(args) as unknown;
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v;
  } catch {
    /* shell form */
  }
  return undefined;
}

function keyValues(instr: string, args: string): [string, string][] {
  const words = splitWords(args);
  if (words.length === 0) throw new InvalidArgument(`${instr} requires at least one argument`);
  if (!words[0]!.includes('=')) {
    // Legacy form: `ENV key value with spaces`.
    const m = /^\s*(\S+)\s+(.*)$/s.exec(args);
    if (!m) throw new InvalidArgument(`${instr} requires at least two arguments`);
    return [[m[1]!, m[2]!.trim()]];
  }
  return words.map((w) => {
    const eq = w.indexOf('=');
    if (eq <= 0) throw new InvalidArgument(`${instr} names can not be blank`);
    return [w.slice(0, eq), w.slice(eq + 1)];
  });
}

/** Applies `changes` to a container config (copied). */
export function applyChanges(base: ContainerConfig, changes: readonly string[]): ContainerConfig {
  const c = { ...normalizeContainerConfig(base) };
  let cmdSet = false;
  for (const raw of changes) {
    const line = raw.trim();
    if (!line) continue;
    const m = /^(\S+)\s*(.*)$/s.exec(line)!;
    const instr = m[1]!.toUpperCase();
    const args = m[2]!;
    if (!ALLOWED.includes(instr)) throw new InvalidArgument(`${m[1]!.toLowerCase()} is not a valid change command`);
    switch (instr) {
      case 'CMD':
      case 'ENTRYPOINT': {
        const v = jsonArray(args) ?? ['/bin/sh', '-c', args];
        if (instr === 'CMD') {
          c.Cmd = v;
          cmdSet = true;
        } else {
          c.Entrypoint = v;
          if (!cmdSet) c.Cmd = null;
        }
        break;
      }
      case 'HEALTHCHECK':
        c.Healthcheck = healthcheck(args);
        break;
      case 'ENV': {
        const env = [...(c.Env ?? [])];
        for (const [k, v] of keyValues(instr, args)) {
          const i = env.findIndex((e) => e.split('=')[0] === k);
          if (i >= 0) env[i] = `${k}=${v}`;
          else env.push(`${k}=${v}`);
        }
        c.Env = env;
        break;
      }
      case 'LABEL':
        c.Labels = { ...(c.Labels ?? {}), ...Object.fromEntries(keyValues(instr, args)) };
        break;
      case 'EXPOSE': {
        const ports = { ...(c.ExposedPorts ?? {}) };
        for (const p of splitWords(args)) {
          if (!/^\d+(-\d+)?(\/(tcp|udp|sctp))?$/i.test(p)) throw new InvalidArgument(`invalid containerPort: ${p}`);
          ports[p.includes('/') ? p.toLowerCase() : `${p}/tcp`] = {};
        }
        c.ExposedPorts = ports;
        break;
      }
      case 'VOLUME': {
        const vols = { ...(c.Volumes ?? {}) };
        for (const v of jsonArray(args) ?? splitWords(args)) vols[v] = {};
        c.Volumes = vols;
        break;
      }
      case 'USER':
        c.User = args.trim();
        break;
      case 'WORKDIR':
        c.WorkingDir = posix.resolve(c.WorkingDir || '/', args.trim());
        break;
      case 'ONBUILD':
        c.OnBuild = [...(c.OnBuild ?? []), args.trim()];
        break;
    }
  }
  return normalizeContainerConfig(c);
}
