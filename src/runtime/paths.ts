/**
 * @module runtime/paths
 * Where a container's files live (see types.ts for the two directories). Pure.
 */
import { join } from 'node:path';

export interface ContainerFiles {
  dir: string;
  /** OCI bundle config (the bundle is the container directory). */
  config: string;
  rootfs: string;
  upper: string;
  work: string;
  emptyLower: string;
  /** The init layer (mount points, /.dockerenv), the topmost lower. */
  init: string;
  hosts: string;
  hostname: string;
  resolvConf: string;
  log: string;
  /** The `local` driver's log (json-file records, under `local-logs/` as dockerd keeps it). */
  localLog: string;
  exit: string;
  /** /dev/shm of a container whose IPC namespace others may join (a tmpfs mounted here). */
  shm: string;
}

export interface ShimFiles {
  dir: string;
  attach: string;
  console: string;
  pid: string;
  runcLog: string;
  shimLog: string;
  /** Execs: their process.json and exit file live here. */
  process: string;
  exit: string;
}

export function containerFiles(dir: string, id: string): ContainerFiles {
  return {
    dir,
    config: join(dir, 'config.json'),
    rootfs: join(dir, 'rootfs'),
    upper: join(dir, 'upper'),
    work: join(dir, 'work'),
    emptyLower: join(dir, 'empty'),
    init: join(dir, 'init'),
    hosts: join(dir, 'hosts'),
    hostname: join(dir, 'hostname'),
    resolvConf: join(dir, 'resolv.conf'),
    log: join(dir, `${id}-json.log`),
    localLog: join(dir, 'local-logs', 'container.log'),
    exit: join(dir, 'exit.json'),
    shm: join(dir, 'shm'),
  };
}

/** Unix socket paths must stay under 108 bytes: short names under `<execRoot>/shim/<id>/`. */
export function shimFiles(shimRoot: string, key: string): ShimFiles {
  const dir = join(shimRoot, key);
  return {
    dir,
    attach: join(dir, 'a'),
    console: join(dir, 'c'),
    pid: join(dir, 'pid'),
    runcLog: join(dir, 'runc.log'),
    shimLog: join(dir, 'shim.log'),
    process: join(dir, 'process.json'),
    exit: join(dir, 'exit.json'),
  };
}
