/**
 * @module network/embedded-dns
 * Docker's embedded DNS address, 127.0.0.11, inside containers on user networks. Docker runs a
 * resolver in each container's namespace; berth's resolver is aardvark-dns on the network's
 * gateway, so the container's namespace sends what goes to 127.0.0.11:53 there (UDP and TCP;
 * Debian 12's aardvark-dns 1.4 answers UDP only, as it does on the gateway address):
 * DNAT on output, SNAT to the container's own address (a loopback source cannot leave eth0),
 * and `route_localnet` so the kernel routes the rewritten packet at all. That setting would
 * also let a neighbour on the bridge reach the container's loopback services, so packets for
 * 127.0.0.0/8 arriving on any other interface are dropped first (as kube-proxy does).
 * /etc/resolv.conf then says `nameserver 127.0.0.11` (and `ndots:0`, runtime/files.ts), as Docker writes it,
 * and configurations that name 127.0.0.11 (nginx's `resolver 127.0.0.11`) work.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

export const EMBEDDED_DNS = '127.0.0.11';

/** Where a container's 127.0.0.11 goes: its network's resolver, from its address there. */
export interface DnsTarget {
  /** The resolver (aardvark-dns on the network's gateway address). */
  resolver: string;
  /** The container's address on that network. */
  source: string;
}

/** The container namespace's nat and raw tables (iptables-restore input); without a target, empty. */
export function embeddedDnsRules(t: DnsTarget | undefined): string {
  const nat = ['*nat', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]'];
  const raw = ['*raw', ':PREROUTING ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]'];
  if (t) {
    for (const proto of ['udp', 'tcp']) {
      nat.push(`-A OUTPUT -d ${EMBEDDED_DNS}/32 -p ${proto} -m ${proto} --dport 53 -j DNAT --to-destination ${t.resolver}:53`);
      nat.push(`-A POSTROUTING -s 127.0.0.0/8 -d ${t.resolver}/32 -p ${proto} -m ${proto} --dport 53 -j SNAT --to-source ${t.source}`);
    }
    raw.push('-A PREROUTING ! -i lo -d 127.0.0.0/8 -j DROP');
  }
  return [...nat, 'COMMIT', ...raw, 'COMMIT', ''].join('\n');
}

/** Points the namespace's 127.0.0.11 at `t`, or nowhere (no user network left). */
export async function pointEmbeddedDns(netnsPath: string, t: DnsTarget | undefined): Promise<void> {
  const rules = execFileP('nsenter', [`--net=${netnsPath}`, 'iptables-restore']);
  rules.child.stdin!.end(embeddedDnsRules(t));
  await Promise.all([
    rules,
    execFileP('nsenter', [`--net=${netnsPath}`, 'sysctl', '-qw', `net.ipv4.conf.all.route_localnet=${t ? 1 : 0}`]),
  ]);
}
