/**
 * @module runtime/files
 * The contents of the files Docker bind-mounts into every container: /etc/hostname,
 * /etc/hosts and /etc/resolv.conf. Pure: the caller passes the host's files in.
 */

export interface HostsOptions {
  /** The container's own addresses, each listed with its hostname. */
  addresses?: string[];
  hostname: string;
  domainname?: string;
  /** `--add-host` entries as `host:ip`. */
  extraHosts?: string[];
}

const DEFAULT_HOSTS = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'ff00::0\tip6-mcastprefix',
  'ff02::1\tip6-allnodes',
  'ff02::2\tip6-allrouters',
];

export function hostsFile(opts: HostsOptions): string {
  const lines = [...DEFAULT_HOSTS];
  for (const e of opts.extraHosts ?? []) {
    const i = e.indexOf(':');
    if (i > 0) lines.push(`${e.slice(i + 1)}\t${e.slice(0, i)}`);
  }
  const names = opts.domainname ? `${opts.hostname}.${opts.domainname} ${opts.hostname}` : opts.hostname;
  for (const a of opts.addresses ?? []) lines.push(`${a}\t${names}`);
  return lines.join('\n') + '\n';
}

export function hostnameFile(hostname: string): string {
  return hostname + '\n';
}

export interface ResolvOptions {
  dns?: string[];
  dnsSearch?: string[];
  dnsOptions?: string[];
  /** Keep loopback nameservers (host network). */
  keepLoopback?: boolean;
}

const isLoopback = (ns: string) => /^127\./.test(ns) || ns === '::1' || ns === '0:0:0:0:0:0:0:1';

/**
 * resolv.conf for a container from the host's: loopback nameservers dropped (unreachable from
 * another network namespace), Google's public ones used when none remain; `--dns*` replace the
 * respective parts; with Docker's embedded resolver, `ndots:0` is added unless ndots is set.
 */
export function resolvConf(host: string, opts: ResolvOptions = {}): string {
  const lines = host.split('\n');
  let nameservers: string[] = [];
  let search: string[] | undefined;
  let options: string[] | undefined;
  for (const l of lines) {
    const f = l.trim().split(/\s+/);
    if (f[0] === 'nameserver' && f[1]) nameservers.push(f[1]);
    else if ((f[0] === 'search' || f[0] === 'domain') && f.length > 1) search = f.slice(1);
    else if (f[0] === 'options' && f.length > 1) options = [...(options ?? []), ...f.slice(1)];
  }
  if (opts.dns?.length) nameservers = opts.dns;
  else if (!opts.keepLoopback) nameservers = nameservers.filter((n) => !isLoopback(n));
  if (nameservers.length === 0) nameservers = ['8.8.8.8', '8.8.4.4'];
  if (opts.dnsSearch?.length) search = opts.dnsSearch.filter((s) => s !== '.');
  if (opts.dnsOptions?.length) options = opts.dnsOptions;
  // Docker's embedded resolver (127.0.0.11, user networks) comes with ndots:0 unless an ndots is set.
  if (nameservers.includes('127.0.0.11') && !options?.some((o) => o.startsWith('ndots:'))) options = [...(options ?? []), 'ndots:0'];
  let out = '';
  if (search?.length) out += `search ${search.join(' ')}\n`;
  for (const n of nameservers) out += `nameserver ${n}\n`;
  if (options?.length) out += `options ${options.join(' ')}\n`;
  return out;
}
