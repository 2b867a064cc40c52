/**
 * @module engine/networks/types
 * The network use cases the API serves: list, inspect, create, remove, prune, connect and
 * disconnect. Networks themselves live in network/; which containers exist is the container
 * engine's answer (`ContainerNetworkHooks`, given at construction).
 */
import type {
  EndpointConfigWire, NetworkCreateRequest, NetworkCreateResponse, NetworkPruneReport, NetworkWire,
} from '../../api/types/networks.js';

export interface NetworkService {
  list(filters: Map<string, string[]>): Promise<NetworkWire[]>;
  inspect(idOrName: string): Promise<NetworkWire>;
  create(req: NetworkCreateRequest): Promise<NetworkCreateResponse>;
  remove(idOrName: string): Promise<void>;
  prune(filters: Map<string, string[]>): Promise<NetworkPruneReport>;
  connect(idOrName: string, container: string, config: EndpointConfigWire): Promise<void>;
  disconnect(idOrName: string, container: string, force: boolean): Promise<void>;
}

/** What the network use cases need from the container engine. */
export interface ContainerNetworkHooks {
  /** NotFound `No such container: X`. */
  lookup(nameOrId: string): { id: string; name: string; running: boolean; networkMode: string };
  /** Records that a container joins (or leaves) a network at its next start. */
  setEndpointConfig(id: string, network: string, config: EndpointConfigWire | null): Promise<void>;
  /** Networks a container (any state) is configured to join, by name. */
  configuredNetworks(id: string): string[];
  /** IDs of all containers. */
  all(): string[];
  /** A running container's networks changed: its resolvers are now `nameservers` (its user networks'), or the host's. */
  resolversChanged(id: string, nameservers: string[] | undefined): Promise<void>;
}
