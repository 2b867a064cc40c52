/**
 * @module daemon/config
 * berthd's command line: dockerd's flag names where they apply.
 */
import { readFileSync } from 'node:fs';
import { InvalidArgument } from '../errdefs/index.js';
import { type AddressPool, addressPool, IpamError, parseAddressPool } from '../network/ipam.js';
import { parseFlags, type FlagSpec, formatFlagHelp } from '../util/flags.js';
import { defaultDataRoot, defaultExecRoot } from '../util/default-paths.js';
import { isLevel, type Level } from '../util/log.js';
import { type LogConfig, validateLogConfig } from '../engine/containers/log-config.js';

export interface DaemonConfig {
  hosts: string[];
  dataRoot: string;
  execRoot: string;
  logLevel: Level;
  debug: boolean;
  pidFile: string;
  group: string;
  /** TLS for TCP hosts (`--tls`/`--tlsverify` with certificate files), as dockerd's. */
  tls?: DaemonTls;
  /** The default network's Linux bridge. */
  bridgeName: string;
  /** The default network's address and prefix (`--bip`), else Docker's choice of subnet. */
  bip?: string;
  /** `--default-address-pool` / daemon.json `default-address-pools`: where networks' subnets come from. */
  defaultAddressPools: AddressPool[];
  /** `insecure-registries`: flags and daemon.json together. */
  insecureRegistries: string[];
  /** `registry-mirrors` for docker.io. */
  registryMirrors: string[];
  /** dockerd's max-concurrent-downloads / -uploads. */
  maxConcurrentDownloads: number;
  maxConcurrentUploads: number;
  /** Containers' default logging driver and options (`--log-driver`/`--log-opt`, daemon.json `log-driver`/`log-opts`). */
  logConfig: LogConfig;
  /** Entitlements builds may ask for (`security.insecure`): daemon.json `allow-insecure-entitlements` and `--allow-insecure-entitlement`. */
  allowInsecureEntitlements: string[];
}

export interface DaemonTls {
  certFile: string;
  keyFile: string;
  /** CA to verify client certificates against (`--tlsverify`). */
  caFile?: string;
  verify: boolean;
}

const LOOPBACK = ['127.0.0.1', 'localhost', '::1', '[::1]'];

/** The daemon configuration file (dockerd's daemon.json), read when it exists. */
export const DEFAULT_CONFIG_FILE = '/etc/berth/daemon.json';

export const daemonFlags: FlagSpec[] = [
  { long: 'host', short: 'H', type: 'list', help: 'Daemon socket(s) to listen on (unix:///path or tcp://127.0.0.1:PORT)' },
  { long: 'data-root', type: 'string', help: 'Root directory of persistent berth state', placeholder: 'string' },
  { long: 'exec-root', type: 'string', help: 'Root directory for execution state files', placeholder: 'string' },
  { long: 'log-level', short: 'l', type: 'string', help: 'Set the logging level ("debug"|"info"|"warn"|"error"|"fatal")', default: 'info' },
  { long: 'debug', short: 'D', type: 'bool', help: 'Enable debug mode' },
  { long: 'pidfile', short: 'p', type: 'string', help: 'Path to use for daemon PID file' },
  { long: 'group', short: 'G', type: 'string', help: 'Group for the unix socket', default: 'root' },
  { long: 'tls', type: 'bool', help: 'Use TLS; implied by --tlsverify. --tls=false allows TCP without TLS on a non-loopback address (unsafe)' },
  { long: 'tlsverify', type: 'bool', help: 'Use TLS and verify the remote' },
  { long: 'tlscacert', type: 'string', help: 'Trust certs signed only by this CA', placeholder: 'string' },
  { long: 'tlscert', type: 'string', help: 'Path to TLS certificate file', placeholder: 'string' },
  { long: 'tlskey', type: 'string', help: 'Path to TLS key file', placeholder: 'string' },
  { long: 'bridge-name', type: 'string', help: 'Name of the Linux bridge of the default "bridge" network', default: 'berth0', placeholder: 'string' },
  { long: 'bip', type: 'string', help: 'IPv4 address and prefix of the default bridge (e.g. 10.20.0.1/24)', placeholder: 'string' },
  { long: 'default-address-pool', type: 'list', help: 'Default address pool for networks (base=CIDR,size=N)' },
  { long: 'config-file', type: 'string', help: 'Daemon configuration file', default: DEFAULT_CONFIG_FILE },
  { long: 'insecure-registry', type: 'list', help: 'Enable insecure registry communication' },
  { long: 'allow-insecure-entitlement', type: 'list', help: 'Allow builds to ask for an insecure entitlement (security.insecure, network.host)' },
  { long: 'registry-mirror', type: 'list', help: 'Preferred Docker registry mirror' },
  { long: 'max-concurrent-downloads', type: 'string', help: 'Set the max concurrent downloads (default 3)', placeholder: 'int' },
  { long: 'max-concurrent-uploads', type: 'string', help: 'Set the max concurrent uploads (default 5)', placeholder: 'int' },
  { long: 'log-driver', type: 'string', help: 'Default driver for container logs (json-file, local, none)', default: 'json-file', placeholder: 'string' },
  { long: 'log-opt', type: 'list', help: 'Default log driver options for containers' },
  { long: 'version', short: 'v', type: 'bool', help: 'Print version information and quit' },
];

/**
 * TLS settings from the flags. A TCP host off the loopback address needs TLS (anyone who can
 * reach a plain TCP socket controls the machine as root), unless `--tls=false` is given
 * explicitly to accept that, as dockerd requires.
 */
function tlsOf(flags: ReturnType<typeof parseFlags>['flags'], hosts: readonly string[]): DaemonTls | undefined {
  const verify = flags.bool('tlsverify');
  const on = verify || flags.bool('tls');
  if (on) {
    const certFile = flags.string('tlscert');
    const keyFile = flags.string('tlskey');
    if (!certFile || !keyFile) throw new InvalidArgument('--tls and --tlsverify need --tlscert and --tlskey');
    const caFile = flags.string('tlscacert');
    if (verify && !caFile) throw new InvalidArgument('--tlsverify needs --tlscacert to verify clients against');
    return { certFile, keyFile, ...(caFile ? { caFile } : {}), verify };
  }
  const acceptedRisk = flags.changed('tls') && !flags.bool('tls');
  for (const h of hosts) {
    if (!h.startsWith('tcp://')) continue;
    const host = new URL(h.replace(/^tcp:/, 'http:')).hostname;
    if (LOOPBACK.includes(host) || acceptedRisk) continue;
    throw new InvalidArgument(
      `refusing to listen on ${h} without TLS: anyone who can reach it controls this machine as root. ` +
        'Use --tlsverify with --tlscacert, --tlscert and --tlskey, or give --tls=false to accept the risk',
    );
  }
  return undefined;
}

export function daemonUsage(): string {
  return `Usage:\tberthd [OPTIONS]\n\nA self-sufficient runtime for containers, speaking the Docker Engine API.\n\nOptions:\n${formatFlagHelp(daemonFlags)}\n`;
}

export function parseDaemonArgs(argv: string[]): { config: DaemonConfig; help: boolean; version: boolean } {
  const { flags, args, help } = parseFlags(argv, daemonFlags);
  if (args.length) throw new InvalidArgument(`berthd takes no arguments, got "${args.join(' ')}"`);
  const execRoot = flags.string('exec-root') || defaultExecRoot();
  let level = flags.string('log-level');
  if (!isLevel(level)) throw new InvalidArgument(`unable to parse logging level: ${level}`);
  const debug = flags.bool('debug');
  if (debug) level = 'debug';
  const hosts = flags.list('host');
  for (const h of hosts) {
    if (!h.startsWith('unix://') && !h.startsWith('tcp://')) {
      throw new InvalidArgument(`invalid host "${h}": use unix:///path or tcp://127.0.0.1:PORT`);
    }
  }
  const tls = tlsOf(flags, hosts);
  if (!/^[a-zA-Z0-9_.-]{1,15}$/.test(flags.string('bridge-name'))) throw new InvalidArgument(`invalid bridge name "${flags.string('bridge-name')}"`);
  const file = readConfigFile(flags.string('config-file'), flags.string('config-file') !== DEFAULT_CONFIG_FILE);
  const count = (name: string, fromFile: unknown, dflt: number) => {
    const v = Number(flags.string(name) || (fromFile ?? dflt));
    if (!Number.isInteger(v) || v < 1) throw new InvalidArgument(`invalid value for --${name}: must be a positive integer`);
    return v;
  };
  return {
    help,
    version: flags.bool('version'),
    config: {
      hosts: hosts.length ? hosts : [`unix://${execRoot}/berth.sock`],
      dataRoot: flags.string('data-root') || defaultDataRoot(),
      execRoot,
      logLevel: level as Level,
      debug,
      pidFile: flags.string('pidfile') || `${execRoot}/berthd.pid`,
      group: flags.string('group'),
      ...(tls ? { tls } : {}),
      bridgeName: flags.string('bridge-name'),
      bip: flags.string('bip') || undefined,
      defaultAddressPools: addressPools(flags.list('default-address-pool'), file['default-address-pools']),
      insecureRegistries: [...strings(file['insecure-registries'], 'insecure-registries'), ...flags.list('insecure-registry')].map((e) => {
        if (e.includes('://')) throw new InvalidArgument(`insecure registry ${e} should not contain '://'`);
        return e;
      }),
      registryMirrors: [...strings(file['registry-mirrors'], 'registry-mirrors'), ...flags.list('registry-mirror')],
      maxConcurrentDownloads: count('max-concurrent-downloads', file['max-concurrent-downloads'], 3),
      maxConcurrentUploads: count('max-concurrent-uploads', file['max-concurrent-uploads'], 5),
      logConfig: logConfigOf(flags, file),
      allowInsecureEntitlements: [...strings(file['allow-insecure-entitlements'], 'allow-insecure-entitlements'), ...flags.list('allow-insecure-entitlement')].map((e) => {
        if (e !== 'security.insecure' && e !== 'network.host') throw new InvalidArgument(`invalid entitlement: ${e}`);
        return e;
      }),
    },
  };
}

/** The flags' pools, else daemon.json's (`[{"base": "10.10.0.0/16", "size": 24}]`), as dockerd takes them. */
function addressPools(flagValues: string[], fromFile: unknown): AddressPool[] {
  try {
    if (flagValues.length) return flagValues.map(parseAddressPool);
    if (fromFile === undefined || fromFile === null) return [];
    if (!Array.isArray(fromFile)) throw new InvalidArgument('daemon configuration: "default-address-pools" must be a list of {"base", "size"}');
    return fromFile.map((p: { base?: unknown; size?: unknown }) => {
      if (typeof p?.base !== 'string' || typeof p.size !== 'number') throw new InvalidArgument('daemon configuration: "default-address-pools" must be a list of {"base", "size"}');
      return addressPool(p.base, p.size);
    });
  } catch (e) {
    if (e instanceof IpamError) throw new InvalidArgument(e.message, { cause: e });
    throw e;
  }
}

/** The default logging driver: flags over daemon.json; an unknown driver or option stops the daemon, as dockerd. */
function logConfigOf(flags: ReturnType<typeof parseFlags>['flags'], file: Record<string, unknown>): LogConfig {
  const fromFile = file['log-driver'];
  if (fromFile !== undefined && typeof fromFile !== 'string') throw new InvalidArgument('daemon configuration: "log-driver" must be a string');
  const opts = file['log-opts'] ?? {};
  if (typeof opts !== 'object' || Array.isArray(opts) || Object.values(opts as object).some((v) => typeof v !== 'string')) {
    throw new InvalidArgument('daemon configuration: "log-opts" must be an object of strings');
  }
  const config: Record<string, string> = { ...(opts as Record<string, string>) };
  for (const kv of flags.list('log-opt')) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new InvalidArgument(`invalid key value pair format in driver options: ${kv}`);
    config[kv.slice(0, i)] = kv.slice(i + 1);
  }
  const type = (flags.changed('log-driver') ? flags.string('log-driver') : fromFile) || 'json-file';
  const cfg = { Type: type, Config: config };
  try {
    validateLogConfig(cfg);
  } catch (e) {
    throw new InvalidArgument(`failed to set log opts: ${(e as Error).message}`, { cause: e });
  }
  return cfg;
}

function strings(v: unknown, key: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new InvalidArgument(`daemon configuration: "${key}" must be a list of strings`);
  return v as string[];
}

/** Reads daemon.json; a missing default file is no configuration, a missing named one is an error. */
function readConfigFile(path: string, explicit: boolean): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' && !explicit) return {};
    throw new InvalidArgument(`unable to configure the daemon with file ${path}: ${(e as Error).message}`, { cause: e });
  }
  try {
    const v = JSON.parse(text) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not a JSON object');
    return v as Record<string, unknown>;
  } catch (e) {
    throw new InvalidArgument(`unable to configure the daemon with file ${path}: ${(e as Error).message}`, { cause: e });
  }
}
