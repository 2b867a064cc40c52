/**
 * @module network/netavark-driver
 * What changes the host's network: Podman's netavark (veth pair, Linux bridge, addresses,
 * routes, iptables forwarding and masquerade), berth's isolation chains, and
 * aardvark-dns (a resolver per network on its gateway address, for names and aliases; it runs
 * as its own process, so names resolve while berthd is down). Also the network namespace
 * files containers run in, and the removal of netavark's shared iptables chains once nothing
 * uses them. Published ports are port-proxy.ts's processes.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, promises as fs, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { MNT_DETACH, MS_BIND, native } from '../util/native.js';
import { logger } from '../util/log.js';
import type { Endpoint, NetworkRecord } from './types.js';

const log = logger('network');
const execFileP = promisify(execFile);

export const NETAVARK = '/usr/lib/podman/netavark';
export const AARDVARK = '/usr/lib/podman/aardvark-dns';

export class NetavarkError extends Error {}

/**
 * netavark creates its shared iptables chains check-then-create, so two runs at once (two
 * berthd on one host, as the tests do) can fail with "Chain already exists": every run, and the
 * removal of those chains, holds this host-wide lock (flock(1)).
 */
export const HOST_LOCK = '/run/lock/berth-netavark.lock';

/**
 * Isolation between networks is berth's own, not netavark's: netavark 1.4's teardown drops the
 * FORWARD jump to its isolation chain while other networks still need it, and each of its
 * setups moves its accept-all-from-my-subnets jump to the top of FORWARD, so netavark's
 * isolation has windows in which containers of different networks reach each other (several
 * berthd on one host make those windows frequent). berth's chains sit in the mangle table's
 * FORWARD, which runs before filter's and which netavark never touches, so nothing netavark
 * does can reorder or remove them. As Docker's: a packet entering from a berth bridge and
 * leaving through another berth bridge is dropped. Rules are keyed by bridge name, added before
 * netavark attaches the first container to a bridge, removed once the bridge is gone; the
 * chains and their jump go with the last rule. Every change holds HOST_LOCK.
 */
export const ISOLATION_CHAINS = ['BERTH-ISOLATION-1', 'BERTH-ISOLATION-2'] as const;

/** Shell functions: `iso_add BRIDGE` and `iso_gc` (drops the rules of bridges that are gone). */
const ISOLATION_LIB = `
M="iptables -w -t mangle"
iso_add() {
  if $M -C BERTH-ISOLATION-2 -o "$1" -j DROP 2>/dev/null && $M -C FORWARD -j BERTH-ISOLATION-1 2>/dev/null; then return 0; fi
  $M -N BERTH-ISOLATION-1 2>/dev/null; $M -N BERTH-ISOLATION-2 2>/dev/null
  $M -C BERTH-ISOLATION-2 -o "$1" -j DROP 2>/dev/null || $M -A BERTH-ISOLATION-2 -o "$1" -j DROP || return 1
  $M -C BERTH-ISOLATION-1 -i "$1" ! -o "$1" -j BERTH-ISOLATION-2 2>/dev/null || $M -A BERTH-ISOLATION-1 -i "$1" ! -o "$1" -j BERTH-ISOLATION-2 || return 1
  $M -C FORWARD -j BERTH-ISOLATION-1 2>/dev/null || $M -I FORWARD 1 -j BERTH-ISOLATION-1
}
iso_gc() {
  for b in $($M -S BERTH-ISOLATION-2 2>/dev/null | awk '$1 == "-A" && $3 == "-o" { print $4 }'); do
    [ -e "/sys/class/net/$b" ] && continue
    $M -D BERTH-ISOLATION-1 -i "$b" ! -o "$b" -j BERTH-ISOLATION-2 2>/dev/null
    $M -D BERTH-ISOLATION-2 -o "$b" -j DROP 2>/dev/null
  done
  if $M -S BERTH-ISOLATION-2 >/dev/null 2>&1 && ! $M -S BERTH-ISOLATION-2 | grep -q '^-A'; then
    while $M -D FORWARD -j BERTH-ISOLATION-1 2>/dev/null; do :; done
    $M -F BERTH-ISOLATION-1 2>/dev/null; $M -X BERTH-ISOLATION-1 2>/dev/null; $M -X BERTH-ISOLATION-2 2>/dev/null
  fi
  true
}
`;

/** The Linux bridge a network uses. */
export function bridgeName(n: NetworkRecord): string {
  return n.Options['com.docker.network.bridge.name'] || `br-${n.Id.slice(0, 12)}`;
}

/** netavark's description of one network. */
export function networkInfo(n: NetworkRecord, dns: boolean): Record<string, unknown> {
  const mtu = n.Options['com.docker.network.driver.mtu'];
  return {
    name: n.Name,
    id: n.Id,
    driver: 'bridge',
    network_interface: bridgeName(n),
    subnets: n.IPAM.Config.map((c) => ({ subnet: c.Subnet, gateway: c.Gateway })),
    ipv6_enabled: false,
    internal: n.Internal,
    dns_enabled: dns,
    ipam_options: { driver: 'host-local' },
    options: { isolate: 'false', ...(mtu && mtu !== '0' ? { mtu } : {}) },
  };
}

/** netavark's options for one container on one network (published ports are berth-proxy processes, not netavark's). */
export function setupOptions(c: { id: string; name: string }, n: NetworkRecord, ep: Endpoint, dns: boolean): Record<string, unknown> {
  return {
    container_id: c.id,
    container_name: c.name,
    port_mappings: [],
    networks: { [n.Name]: { static_ips: [ep.ipAddress], static_mac: ep.macAddress, aliases: ep.dnsNames, interface_name: ep.interfaceName } },
    network_info: { [n.Name]: networkInfo(n, dns) },
  };
}

/** The bridge of the (one) network in netavark's options. */
function bridgeOf(opts: Record<string, unknown>): string {
  const info = Object.values((opts.network_info ?? {}) as Record<string, { network_interface?: string }>)[0];
  if (!info?.network_interface) throw new NetavarkError('netavark options name no bridge');
  return info.network_interface;
}

export class NetavarkDriver {
  readonly #configDir: string;
  readonly #netnsDir: string;

  constructor(opts: { configDir: string; netnsDir: string }) {
    this.#configDir = opts.configDir;
    this.#netnsDir = opts.netnsDir;
  }

  static available(): boolean {
    return existsSync(NETAVARK) && existsSync(AARDVARK);
  }

  netnsPath(containerId: string): string {
    return join(this.#netnsDir, containerId);
  }

  /** A new network namespace, kept by a bind mount on `<netnsDir>/<id>`. */
  async createNetns(containerId: string): Promise<string> {
    const p = this.netnsPath(containerId);
    await fs.mkdir(this.#netnsDir, { recursive: true, mode: 0o700 });
    await this.removeNetns(containerId);
    await fs.writeFile(p, '', { mode: 0o600 });
    const t0 = performance.now();
    try {
      await execFileP('unshare', [`--net=${p}`, 'true']);
      log.debug('netns created', { ms: Math.round(performance.now() - t0) });
    } catch (e) {
      await fs.rm(p, { force: true });
      throw new NetavarkError(`creating network namespace: ${(e as Error).message}`, { cause: e });
    }
    return p;
  }

  /**
   * Moves namespace `from` to `to`'s path (a bind mount of it there, then `from`'s removed);
   * when it throws, `from` is as it was.
   */
  async adoptNetns(from: string, to: string): Promise<string> {
    const p = this.netnsPath(to);
    await this.removeNetns(to);
    await fs.writeFile(p, '', { mode: 0o600 });
    try {
      native().mount(this.netnsPath(from), p, null, MS_BIND);
    } catch (e) {
      await fs.rm(p, { force: true });
      throw new NetavarkError(`moving a network namespace: ${(e as Error).message}`, { cause: e });
    }
    await this.removeNetns(from).catch((e) => log.warn('removing a network namespace', { id: from, error: String(e) }));
    return p;
  }

  /** Whether a process (of any container or none) is in that namespace. */
  async netnsInUse(key: string): Promise<boolean> {
    let want: string;
    try {
      want = `net:[${(await fs.stat(this.netnsPath(key))).ino}]`;
    } catch {
      return false;
    }
    for (const pid of await fs.readdir('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        if (readlinkSync(`/proc/${pid}/ns/net`) === want) return true;
      } catch {
        /* gone, or a zombie */
      }
    }
    return false;
  }

  async removeNetns(containerId: string): Promise<void> {
    const p = this.netnsPath(containerId);
    try {
      native().umount2(p, MNT_DETACH);
    } catch {
      /* not mounted */
    }
    await fs.rm(p, { force: true });
  }

  /** Network namespace files left in the directory (by container ID). */
  async netnsFiles(): Promise<string[]> {
    return fs.readdir(this.#netnsDir).catch(() => []);
  }

  async #run(cmd: 'setup' | 'teardown', netns: string, opts: Record<string, unknown>, bridge: string): Promise<string> {
    await fs.mkdir(this.#configDir, { recursive: true, mode: 0o700 });
    const t0 = performance.now();
    return new Promise((resolve, reject) => {
      const args = [NETAVARK, '--config', this.#configDir, '--aardvark-binary', AARDVARK, cmd, netns];
      // Isolation first on setup (before the container's veth joins the bridge); after a
      // teardown, the rules of a bridge netavark removed go.
      const script = cmd === 'setup' ? `${ISOLATION_LIB} iso_add "$BRIDGE" || exit 1; "$@"` : `${ISOLATION_LIB} "$@"; rc=$?; iso_gc; exit $rc`;
      const child = spawn('flock', ['-o', HOST_LOCK, 'sh', '-c', script, 'sh', ...args], {
        env: { ...process.env, BRIDGE: bridge },
        stdio: ['pipe', 'pipe', 'pipe'],
        // aardvark-dns is started by netavark and outlives it: keep it out of berthd's process group.
        detached: true,
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      child.on('error', reject);
      child.on('close', (code) => {
        log.debug('netavark', { cmd, bridge, ms: Math.round(performance.now() - t0) });
        if (code === 0) return resolve(out);
        let msg = err.trim() || out.trim();
        try {
          msg = (JSON.parse(out.trim() || err.trim()) as { error?: string }).error ?? msg;
        } catch {
          /* plain text */
        }
        reject(new NetavarkError(`netavark ${cmd}: ${msg}`));
      });
      child.stdin.end(JSON.stringify(opts));
    });
  }

  async setup(netns: string, opts: Record<string, unknown>): Promise<void> {
    await this.#run('setup', netns, opts, bridgeOf(opts));
  }

  async teardown(netns: string, opts: Record<string, unknown>): Promise<void> {
    await this.#run('teardown', netns, opts, bridgeOf(opts));
  }

  /** Removes a network's bridge if it is still there (netavark removes it with the last veth), and the isolation rules of bridges that are gone. */
  async removeBridge(name: string): Promise<void> {
    if (existsSync(`/sys/class/net/${name}`)) {
      // A bridge with interfaces still on it serves someone else (another daemon given the
      // same bridge name): it stays.
      const ports = await fs.readdir(`/sys/class/net/${name}/brif`).catch(() => [] as string[]);
      if (ports.length) log.warn('leaving a bridge other interfaces are still on', { name, interfaces: ports.join(',') });
      else await execFileP('ip', ['link', 'del', name]).catch((e) => log.debug('removing bridge', { name, error: String(e) }));
    }
    await execFileP('flock', ['-o', HOST_LOCK, 'sh', '-c', `${ISOLATION_LIB} iso_gc`]).catch((e) => log.debug('removing isolation rules', { name, error: String(e) }));
  }

  /**
   * Removes netavark's shared chains and the jumps to them when they hold no rules any more
   * (no container anywhere on the host uses them). A chain that gained a rule meanwhile stays.
   */
  async pruneSharedChains(): Promise<void> {
    await execFileP('flock', ['-o', HOST_LOCK, 'sh', '-c', PRUNE_SCRIPT]);
  }
}

/**
 * Each shared chain goes only when it holds no rule; the jumps to it are removed first and put
 * back if the chain turns out to be in use. The masquerade helpers go with the DNAT chain.
 */
const PRUNE_SCRIPT = `${ISOLATION_LIB}
iso_gc
empty() { ! iptables -w -t "$1" -S "$2" 2>/dev/null | grep -q '^-A'; }
exists() { iptables -w -t "$1" -S "$2" >/dev/null 2>&1; }
if exists filter NETAVARK_FORWARD && empty filter NETAVARK_FORWARD; then
  while iptables -w -D FORWARD -m comment --comment "netavark firewall plugin rules" -j NETAVARK_FORWARD 2>/dev/null; do :; done
  iptables -w -X NETAVARK_FORWARD 2>/dev/null || iptables -w -I FORWARD -m comment --comment "netavark firewall plugin rules" -j NETAVARK_FORWARD
fi
for c in NETAVARK_ISOLATION_1 NETAVARK_ISOLATION_2 NETAVARK_ISOLATION_3; do
  if exists filter $c && empty filter $c; then
    while iptables -w -D FORWARD -j $c 2>/dev/null; do :; done
    iptables -w -X $c 2>/dev/null
  fi
done
if exists nat NETAVARK-HOSTPORT-DNAT && empty nat NETAVARK-HOSTPORT-DNAT; then
  while iptables -w -t nat -D PREROUTING -m addrtype --dst-type LOCAL -j NETAVARK-HOSTPORT-DNAT 2>/dev/null; do :; done
  while iptables -w -t nat -D OUTPUT -m addrtype --dst-type LOCAL -j NETAVARK-HOSTPORT-DNAT 2>/dev/null; do :; done
  if iptables -w -t nat -X NETAVARK-HOSTPORT-DNAT 2>/dev/null; then
    while iptables -w -t nat -D POSTROUTING -j NETAVARK-HOSTPORT-MASQ 2>/dev/null; do :; done
    for c in NETAVARK-HOSTPORT-MASQ NETAVARK-HOSTPORT-SETMARK; do iptables -w -t nat -F $c 2>/dev/null; iptables -w -t nat -X $c 2>/dev/null; done
  else
    iptables -w -t nat -A PREROUTING -m addrtype --dst-type LOCAL -j NETAVARK-HOSTPORT-DNAT
    iptables -w -t nat -A OUTPUT -m addrtype --dst-type LOCAL -j NETAVARK-HOSTPORT-DNAT
  fi
fi
true
`;

