/**
 * @module engine/containers/links
 * Docker's legacy links (`--link NAME[:ALIAS]`, compose's `links:`). At create the target must
 * exist, and the link is recorded as dockerd records it (`/db:/web/database`). At start the
 * target must run; the linking container then finds it by the alias: an /etc/hosts line
 * (`IP ALIAS HOSTNAME NAME`) and, on the default bridge, dockerd's environment variables
 * (`ALIAS_PORT_5432_TCP_ADDR`, `ALIAS_NAME`, `ALIAS_ENV_…`).
 *
 * On a user network links are no legacy links: dockerd keeps them out of its link graph (inspect
 * shows `HostConfig.Links` null, and checks no target), and takes them from the endpoint's
 * settings (`EndpointsConfig[NET].Links`, where the docker CLI copies `--link`). It answers the
 * alias from its DNS for the linking container only, when the target runs; berth gives the
 * linking container an /etc/hosts line (`IP ALIAS`) instead, for targets running at its start.
 */
import { InvalidArgument, SystemError } from '../../errdefs/index.js';
import type { ContainerRecord } from './record.js';

export interface LinkTarget {
  name: string;
  alias: string;
}

/** `NAME[:ALIAS]` as given, or `/NAME:/CONTAINER/ALIAS` as recorded. */
export function parseLink(link: string): LinkTarget {
  const i = link.indexOf(':');
  const name = (i < 0 ? link : link.slice(0, i)).replace(/^\//, '');
  const aliasPart = i < 0 ? name : link.slice(i + 1);
  const alias = aliasPart.slice(aliasPart.lastIndexOf('/') + 1);
  if (!name || !alias) throw new InvalidArgument(`invalid link format: ${link}`);
  return { name, alias };
}

/** dockerd's `IsUserDefined`: a network mode that names a network of the user's. */
export function userNetworkMode(mode: string | undefined): boolean {
  return !!mode && !['default', 'bridge', 'host', 'none'].includes(mode) && !mode.startsWith('container:');
}

/**
 * Create: every target exists; the links as dockerd's inspect shows them (null for none, `[]`
 * too, and on a user network).
 */
export function recordLinks(links: readonly string[] | null | undefined, networkMode: string, containerName: string, find: (ref: string) => ContainerRecord | undefined): string[] | null {
  if (!links?.length) return null;
  if (networkMode === 'host') throw new InvalidArgument("conflicting options: host type networking can't be used with links. This would result in undefined behavior");
  if (userNetworkMode(networkMode)) return null;
  return links.map((l) => {
    const { name, alias } = parseLink(l);
    const target = find(name);
    if (!target) throw new InvalidArgument(`could not get container for ${name}: No such container: ${name}`);
    return `${target.Name}:/${containerName.replace(/^\//, '')}/${alias}`;
  });
}

/**
 * Rename: recorded links (`/TARGET:/CONTAINER/ALIAS`) that name the renamed container, as
 * target or as the linking one, name it by its new name (dockerd's link graph holds containers,
 * not names, so its inspect and the link follow a rename). Undefined when nothing changes.
 */
export function renameInLinks(links: readonly string[] | null | undefined, oldName: string, newName: string): string[] | undefined {
  if (!links?.length) return undefined;
  const old = oldName.replace(/^\//, '');
  const now = newName.replace(/^\//, '');
  let changed = false;
  const out = links.map((l) => {
    const m = /^\/([^:]+):\/([^/]+)\/(.+)$/.exec(l);
    if (!m || (m[1] !== old && m[2] !== old)) return l;
    changed = true;
    return `/${m[1] === old ? now : m[1]}:/${m[2] === old ? now : m[2]}/${m[3]}`;
  });
  return changed ? out : undefined;
}

/** What a linked container's addresses look like to the link. */
export interface LinkedAddress {
  /** Its address on a network the linking container is on. */
  ip: string;
  /** That network is the default bridge (dockerd adds the environment only there). */
  defaultBridge: boolean;
}

/** The ports a link's environment names: sorted by number, TCP first on a tie. */
function linkPorts(target: ContainerRecord): { port: number; proto: string }[] {
  return Object.keys(target.Config.ExposedPorts ?? {})
    .map((k) => {
      const [p, proto] = k.split('/');
      return { port: Number(p), proto: proto || 'tcp' };
    })
    .filter((p) => Number.isInteger(p.port))
    .sort((a, b) => a.port - b.port || (a.proto === 'tcp' ? -1 : b.proto === 'tcp' ? 1 : a.proto.localeCompare(b.proto)));
}

/** dockerd's link variables for one link. */
export function linkEnv(alias: string, linkName: string, ip: string, target: ContainerRecord): string[] {
  const prefix = alias.toUpperCase().replace(/-/g, '_');
  const env: string[] = [];
  const ports = linkPorts(target);
  if (ports[0]) env.push(`${prefix}_PORT=${ports[0].proto}://${ip}:${ports[0].port}`);
  // Runs of consecutive ports of one protocol also get _START/_END variables.
  for (let i = 0; i < ports.length; ) {
    let j = i;
    while (j + 1 < ports.length && ports[j + 1]!.proto === ports[i]!.proto && ports[j + 1]!.port === ports[j]!.port + 1) j++;
    if (j > i) {
      const first = ports[i]!;
      const last = ports[j]!;
      const key = `${prefix}_PORT_${first.port}_${first.proto.toUpperCase()}`;
      env.push(`${key}_START=${first.proto}://${ip}:${first.port}`, `${key}_ADDR=${ip}`, `${key}_PORT_START=${first.port}`, `${key}_PROTO=${first.proto}`,
        `${key}_END=${last.proto}://${ip}:${last.port}`, `${key}_PORT_END=${last.port}`);
    }
    i = j + 1;
  }
  for (const p of ports) {
    const key = `${prefix}_PORT_${p.port}_${p.proto.toUpperCase()}`;
    env.push(`${key}=${p.proto}://${ip}:${p.port}`, `${key}_ADDR=${ip}`, `${key}_PORT=${p.port}`, `${key}_PROTO=${p.proto}`);
  }
  env.push(`${prefix}_NAME=${linkName}`);
  for (const e of target.Config.Env ?? []) {
    const eq = e.indexOf('=');
    if (eq < 0) continue;
    const key = e.slice(0, eq);
    if (key === 'HOME' || key === 'PATH') continue;
    env.push(`${prefix}_ENV_${key}=${e.slice(eq + 1)}`);
  }
  return env;
}

/**
 * Start: the /etc/hosts entries (as `--add-host` takes them: `NAMES:IP`) and the environment
 * of the container's links. A target that is gone is dropped, as dockerd drops its links; one
 * that is not running fails the start with dockerd's words.
 */
export function linkSettings(rec: ContainerRecord, find: (ref: string) => ContainerRecord | undefined, addressOf: (target: ContainerRecord) => LinkedAddress | undefined): { hosts: string[]; env: string[] } {
  const hosts: string[] = [];
  const env: string[] = [];
  for (const l of rec.HostConfig.Links ?? []) {
    const { name, alias } = parseLink(l);
    const target = find(name);
    if (!target) continue;
    const self = rec.Name.replace(/^\//, '');
    if (!target.State.Running) throw new SystemError(`Cannot link to a non running container: ${target.Name} AS /${self}/${alias}`);
    const addr = addressOf(target);
    if (!addr) continue;
    const targetName = target.Name.replace(/^\//, '');
    const hostname = target.Config.Hostname || target.ID.slice(0, 12);
    const names = addr.defaultBridge ? [alias, ...(hostname !== alias ? [hostname] : []), ...(targetName !== alias ? [targetName] : [])] : [alias];
    hosts.push(`${names.join(' ')}:${addr.ip}`);
    if (addr.defaultBridge) env.push(...linkEnv(alias, `/${self}/${alias}`, addr.ip, target));
  }
  return { hosts, env };
}

/**
 * Start, on user networks: the /etc/hosts entries (`ALIAS:IP`) of the endpoints' links whose
 * target runs on that network. A target missing or stopped fails nothing (dockerd's DNS would
 * not answer for it).
 */
export function endpointLinkHosts(
  endpoints: Record<string, { Links?: string[] | null }>, find: (ref: string) => ContainerRecord | undefined,
  addressOn: (target: ContainerRecord, network: string) => string | undefined,
): string[] {
  const hosts: string[] = [];
  for (const [network, ep] of Object.entries(endpoints)) {
    if (!userNetworkMode(network)) continue;
    for (const l of ep.Links ?? []) {
      let link: LinkTarget;
      try {
        link = parseLink(l);
      } catch {
        continue;
      }
      const target = find(link.name);
      const ip = target?.State.Running ? addressOn(target, network) : undefined;
      if (ip) hosts.push(`${link.alias}:${ip}`);
    }
  }
  return hosts;
}
