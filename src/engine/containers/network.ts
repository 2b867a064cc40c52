/**
 * @module engine/containers/network
 * The one place where a container meets the network engine (ContainerDeps.networking):
 * `joinNetwork` before the runtime creates the process (the network engine makes the
 * namespace, attaches it and publishes ports; the runtime only gets the namespace's path, the
 * container's addresses and its resolvers), or, with `--network container:NAME`, NAME's
 * namespace and /etc files; `leaveNetwork` once its process has ended, its start
 * failed, or it is removed. A container engine without a network engine gives containers only
 * what their network mode alone gives (`none`, `host`).
 */
import type { HostSettings } from '../../runtime/types.js';
import type { ContainerNetworkHooks } from '../networks/types.js';
import { Conflict, SystemError } from '../../errdefs/index.js';
import { logger } from '../../util/log.js';
import type { ContainerContext } from './context.js';
import { containerModeTarget } from './create-config.js';
import type { ContainerRecord } from './record.js';

const log = logger('containers');

/**
 * `--network container:NAME`: the running container NAME's network namespace, hostname and
 * /etc files (hosts, resolv.conf, hostname), shared as Docker shares them. The hostname is
 * recorded as the other container's, as dockerd records it.
 */
function joinContainerNamespace(ctx: Pick<ContainerContext, 'deps' | 'store'>, rec: ContainerRecord, target: string, host: HostSettings): void {
  // dockerd 20.10's words; `target` is the ID create recorded (or the name it was given, when missing then).
  const nc = ctx.store.resolve(target);
  if (nc.ID === rec.ID) throw new SystemError('cannot join own network namespace');
  if (!nc.State.Running || !nc.State.Pid) throw new Conflict(`cannot join network of a non running container: ${target}`);
  if (nc.State.Restarting) throw new Conflict(`Container ${nc.ID} is restarting, wait until the container is running`);
  const files = ctx.deps.runtime.paths(ctx.store.dirOf(nc.ID), nc.ID);
  host.network = { mode: 'path', path: `/proc/${nc.State.Pid}/ns/net` };
  host.hostname = nc.Config.Hostname ?? nc.ID.slice(0, 12);
  host.domainname = nc.Config.Domainname || undefined;
  host.sharedEtcFiles = { hosts: files.hosts, resolvConf: files.resolvConf, hostname: files.hostname };
  rec.Config.Hostname = host.hostname;
  rec.Config.Domainname = nc.Config.Domainname ?? '';
}

/** Joins the container's networks and points `host` at the namespace (failures fail the start). */
export async function joinNetwork(ctx: Pick<ContainerContext, 'deps' | 'store'>, rec: ContainerRecord, host: HostSettings): Promise<void> {
  const shared = containerModeTarget(rec.HostConfig.NetworkMode);
  if (shared !== undefined) return joinContainerNamespace(ctx, rec, shared, host);
  const joined = await ctx.deps.networking?.join(rec);
  if (!joined) return;
  host.network = { mode: 'path', path: joined.netnsPath };
  host.addresses = joined.addresses;
  // On a user network Docker's 127.0.0.11 answers, whatever `--dns` says (dockerd's embedded
  // resolver forwards to those; aardvark-dns to the host's).
  if (joined.nameservers) host.dns = joined.nameservers;
}

/** Releases what joinNetwork took (idempotent; nothing when it took nothing); failures are logged. */
export async function leaveNetwork(ctx: Pick<ContainerContext, 'deps'>, id: string, announced?: Promise<void>): Promise<void> {
  await ctx.deps.networking?.leave(id, announced).catch((e) => log.warn('releasing the network of a container', { id, error: String(e) }));
}

/** What the network use cases need of containers: lookups, and the networks a container joins at its next start. */
export function containerNetworkHooks(ctx: Pick<ContainerContext, 'store' | 'locks' | 'deps'>): ContainerNetworkHooks {
  return {
    lookup: (ref) => {
      const r = ctx.store.resolve(ref);
      return { id: r.ID, name: r.Name.replace(/^\//, ''), running: r.State.Running, networkMode: r.HostConfig.NetworkMode ?? 'default' };
    },
    configuredNetworks: (id) => Object.keys(ctx.store.get(id)?.NetworkConfig ?? {}),
    all: () => ctx.store.all().map((r) => r.ID),
    resolversChanged: async (id, nameservers) => {
      const r = ctx.store.get(id);
      if (!r?.State.Running) return;
      const h = r.HostConfig;
      // 127.0.0.11 on a user network; else `--dns`, or the host's resolvers.
      const dns = nameservers ?? (h.Dns?.length ? h.Dns : undefined);
      await ctx.deps.runtime.writeResolvConf(ctx.store.dirOf(id), id, { dns, dnsSearch: h.DnsSearch ?? undefined, dnsOptions: h.DnsOptions ?? undefined });
    },
    setEndpointConfig: (id, network, config) =>
      ctx.locks.run(id, async () => {
        const r = ctx.store.get(id);
        if (!r) return;
        const next = { ...(r.NetworkConfig ?? {}) };
        if (config) next[network] = config;
        else delete next[network];
        r.NetworkConfig = next;
        await ctx.store.save(r);
      }),
  };
}
