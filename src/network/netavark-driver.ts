/**
 * @module network/netavark-driver
 * The one file that changes the host's network: Podman's netavark (veth pair, Linux bridge,
 * addresses, routes, iptables forwarding/masquerade/isolation and published-port DNAT) and
 * aardvark-dns (a resolver per network on its gateway address, for names and aliases; it runs
 * as its own process, so names resolve while berthd is down). Also the network namespace
 * files containers run in, and the removal of netavark's shared iptables chains once nothing
 * uses them.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MNT_DETACH, native } from '../util/native.js';
import { logger } from '../util/log.js';
import type { Endpoint, NetworkRecord, PublishedPort } from './types.js';

const log = logger('network');
const execFileP = promisify(execFile);

export const NETAVARK = '/usr/lib/podman/netavark';
export const AARDVARK = '/usr/lib/podman/aardvark-dns';

export class NetavarkError extends Error {}

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
    options: { isolate: 'true', ...(mtu && mtu !== '0' ? { mtu } : {}) },
  };
}

/** netavark's options for one container on one network (ports only on its first network). */
export function setupOptions(c: { id: string; name: string }, n: NetworkRecord, ep: Endpoint, ports: PublishedPort[], dns: boolean): Record<string, unknown> {
  return {
    container_id: c.id,
    container_name: c.name,
    port_mappings: ports.map((p) => ({ host_ip: p.hostIp, container_port: p.containerPort, host_port: p.hostPort, range: 1, protocol: p.protocol })),
    networks: { [n.Name]: { static_ips: [ep.ipAddress], static_mac: ep.macAddress, aliases: ep.dnsNames, interface_name: ep.interfaceName } },
    network_info: { [n.Name]: networkInfo(n, dns) },
  };
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
    try {
      await execFileP('unshare', [`--net=${p}`, 'true']);
    } catch (e) {
      await fs.rm(p, { force: true });
      throw new NetavarkError(`creating network namespace: ${(e as Error).message}`, { cause: e });
    }
    return p;
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

  async #run(cmd: 'setup' | 'teardown', netns: string, opts: Record<string, unknown>): Promise<string> {
    await fs.mkdir(this.#configDir, { recursive: true, mode: 0o700 });
    return new Promise((resolve, reject) => {
      const child = spawn(NETAVARK, ['--config', this.#configDir, '--aardvark-binary', AARDVARK, cmd, netns], {
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
    await this.#run('setup', netns, opts);
  }

  async teardown(netns: string, opts: Record<string, unknown>): Promise<void> {
    await this.#run('teardown', netns, opts);
  }

  /** Removes a network's bridge if it is still there (netavark removes it with the last veth). */
  async removeBridge(name: string): Promise<void> {
    if (!existsSync(`/sys/class/net/${name}`)) return;
    await execFileP('ip', ['link', 'del', name]).catch((e) => log.debug('removing bridge', { name, error: String(e) }));
  }

  /**
   * Removes netavark's shared chains and the jumps to them when they hold no rules any more
   * (no container anywhere on the host uses them). A chain that gained a rule meanwhile stays.
   */
  async pruneSharedChains(): Promise<void> {
    const tables: [string, string, string[]][] = [
      ['filter', 'NETAVARK_FORWARD', ['FORWARD -m comment --comment "netavark firewall plugin rules" -j NETAVARK_FORWARD']],
      ['nat', 'NETAVARK-HOSTPORT-DNAT', ['PREROUTING -m addrtype --dst-type LOCAL -j NETAVARK-HOSTPORT-DNAT', 'OUTPUT -m addrtype --dst-type LOCAL -j NETAVARK-HOSTPORT-DNAT']],
      ['filter', 'NETAVARK_ISOLATION_1', []],
      ['filter', 'NETAVARK_ISOLATION_2', []],
    ];
    for (const [table, chain, jumps] of tables) {
      let listing: string;
      try {
        listing = (await execFileP('iptables', ['-w', '-t', table, '-S', chain])).stdout;
      } catch {
        continue;
      }
      if (listing.split('\n').some((l) => l.startsWith('-A '))) continue;
      // A jump to the isolation chains comes from FORWARD.
      const allJumps = jumps.length ? jumps : [`FORWARD -j ${chain}`];
      for (const j of allJumps) await iptablesArgs(table, '-D', j).catch(() => {});
      if (!(await execFileP('iptables', ['-w', '-t', table, '-X', chain]).then(() => true, () => false))) {
        for (const j of jumps) await iptablesArgs(table, '-A', j).catch(() => {});
      }
    }
    // The masquerade helpers are only referenced from POSTROUTING and each other.
    const masq = await execFileP('iptables', ['-w', '-t', 'nat', '-S', 'NETAVARK-HOSTPORT-DNAT']).then(() => true, () => false);
    if (!masq) {
      await iptablesArgs('nat', '-D', 'POSTROUTING -j NETAVARK-HOSTPORT-MASQ').catch(() => {});
      for (const c of ['NETAVARK-HOSTPORT-MASQ', 'NETAVARK-HOSTPORT-SETMARK']) {
        await execFileP('iptables', ['-w', '-t', 'nat', '-F', c]).catch(() => {});
        await execFileP('iptables', ['-w', '-t', 'nat', '-X', c]).catch(() => {});
      }
    }
  }
}

/** Runs `iptables -t TABLE OP RULE`, RULE as iptables -S prints it (double quotes kept together). */
function iptablesArgs(table: string, op: string, rule: string): Promise<unknown> {
  const args = (rule.match(/"[^"]*"|\S+/g) ?? []).map((a) => a.replace(/^"|"$/g, ''));
  return execFileP('iptables', ['-w', '-t', table, op, ...args]);
}
