/**
 * @module engine/containers/networking
 * The container engine's one dependency on networks (ContainerDeps.networking): the networks a
 * new container joins, its network namespace before `runc start`, the release at exit and
 * removal, and what inspect and ps show. Without it, containers run with `none` or `host`.
 */
import type { PortWire } from '../../api/types/containers.js';
import type { EndpointConfigWire } from '../../api/types/networks.js';
import type { ContainerRecord } from './record.js';

/** The network part of a container as it starts. */
export interface JoinedNetwork {
  netnsPath: string;
  /** The network's resolver (user networks), else the host's are used. */
  nameservers?: string[];
  /** The container's own addresses (for /etc/hosts). */
  addresses: string[];
}

export interface ContainerNetworking {
  /**
   * At create: checks NetworkMode and EndpointsConfig (NotFound `network X not found`) and
   * returns the networks the container joins, by name, with their endpoint settings
   * (empty for `host`, `none`).
   */
  plan(networkMode: string, endpoints: Record<string, EndpointConfigWire | null> | undefined): Record<string, EndpointConfigWire>;
  /** Before `runc start`: joins the container's networks and publishes its ports. */
  join(rec: ContainerRecord): Promise<JoinedNetwork | undefined>;
  /**
   * At exit and removal: releases addresses, ports and the namespace (idempotent). Its
   * `disconnect` events wait for `announced` too (the exit's `die`, which dockerd sends first).
   */
  leave(containerId: string, announced?: Promise<void>): Promise<void>;
  /** Inspect's NetworkSettings. */
  inspectSettings(rec: ContainerRecord): Record<string, unknown>;
  /** ps: Ports and NetworkSettings.Networks. */
  summary(rec: ContainerRecord): { ports: PortWire[]; networks: Record<string, unknown> };
}
