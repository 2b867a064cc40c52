/**
 * @module engine/volumes/types
 * Named volumes (the `local` driver): a directory `<dataRoot>/volumes/<name>/_data` that
 * containers mount. Anonymous volumes get a random 64-hex name. A volume in use by a
 * container is not removed (409).
 */
import type { VolumeCreateRequest, VolumeListResponse, VolumePruneReport, VolumeWire } from '../../api/types/containers.js';

/** Which containers use a volume (the container engine answers). */
export type VolumeUsers = (name: string) => string[];

export interface VolumeService {
  create(req: VolumeCreateRequest): Promise<VolumeWire>;
  /** Creates the volume when missing (a container's `-v name:/x`); returns it and whether it is new. */
  /** The named volume, created (with `labels`) if there is none. */
  ensure(name: string, opts?: { anonymous?: boolean; labels?: Record<string, string> }): Promise<{ volume: VolumeWire; created: boolean }>;
  inspect(name: string): Promise<VolumeWire>;
  list(filters: Map<string, string[]>): Promise<VolumeListResponse>;
  /** Every volume with its UsageData (size of its files, containers using it), for /system/df. */
  diskUsage(): Promise<VolumeWire[]>;
  remove(name: string, opts?: { force?: boolean }): Promise<void>;
  prune(filters: Map<string, string[]>): Promise<VolumePruneReport>;
  recover(): Promise<void>;
}
