/**
 * @module api/types/images
 * Wire shapes of the image endpoints, as dockerd 20.10 (API 1.41) sends them. Key order
 * follows dockerd's output.
 */

/** Docker's container.Config as images carry it (see image/config.ts for the fields). */
export type ContainerConfig = Record<string, unknown>;

/** An item of GET /images/json (and of /system/df's Images). */
export interface ImageSummary {
  Containers: number;
  Created: number;
  Id: string;
  Labels: Record<string, string> | null;
  ParentId: string;
  RepoDigests: string[] | null;
  RepoTags: string[] | null;
  SharedSize: number;
  Size: number;
  VirtualSize: number;
}

/** GET /images/{name}/json */
export interface ImageInspect {
  Id: string;
  RepoTags: string[];
  RepoDigests: string[];
  Parent: string;
  Comment: string;
  Created: string;
  Container: string;
  ContainerConfig: ContainerConfig;
  DockerVersion: string;
  Author: string;
  Config: ContainerConfig | null;
  Architecture: string;
  Variant?: string;
  Os: string;
  OsVersion?: string;
  Size: number;
  VirtualSize: number;
  GraphDriver: { Data: Record<string, string> | null; Name: string };
  RootFS: { Type: string; Layers?: string[] };
  Metadata: { LastTagTime: string };
}

/** An item of GET /images/{name}/history (newest first). */
export interface HistoryItem {
  Comment: string;
  Created: number;
  CreatedBy: string;
  Id: string;
  Size: number;
  Tags: string[] | null;
}

/** An item of DELETE /images/{name}. */
export type DeleteItem = { Untagged: string } | { Deleted: string };

/** POST /images/prune */
export interface PruneReport {
  ImagesDeleted: DeleteItem[] | null;
  SpaceReclaimed: number;
}

/** GET /system/df */
export interface DiskUsage {
  LayersSize: number;
  Images: ImageSummary[];
  Containers: unknown[];
  Volumes: unknown[];
  BuildCache: unknown[] | null;
  BuilderSize: number;
}

/** One message of a JSON progress stream (import, load, pull, push). */
export interface JsonMessage {
  stream?: string;
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  /** dockerd's rendered bar (`[==>   ]  1.2MB/3.4MB`). */
  progress?: string;
  errorDetail?: { message: string; code?: number };
  error?: string;
  aux?: unknown;
}
