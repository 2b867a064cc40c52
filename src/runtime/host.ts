/**
 * @module runtime/host
 * Facts about this host the runtime needs: the last capability the kernel knows, the devices
 * a privileged container gets, the init binary for `--init`, the host's resolv.conf and
 * hostname. Each is read once and cached.
 */
import { existsSync, readFileSync, readdirSync, lstatSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import type { OciDevice } from './spec/oci.js';

let lastCap: number | undefined;
export function hostLastCap(): number {
  if (lastCap === undefined) {
    try {
      lastCap = Number(readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8').trim());
    } catch {
      lastCap = 40;
    }
  }
  return lastCap;
}

let bounding: bigint | undefined | null = null;
/** berthd's capability bounding set (CapBnd of /proc/self/status). */
export function hostBoundingSet(): bigint | undefined {
  if (bounding === null) {
    try {
      const m = /^CapBnd:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
      bounding = m ? BigInt('0x' + m[1]) : undefined;
    } catch {
      bounding = undefined;
    }
  }
  return bounding;
}

/** Init binaries for `--init`, in order of preference (static ones work in any image). */
export const INIT_CANDIDATES = ['/usr/bin/tini-static', '/usr/bin/catatonit', '/usr/libexec/podman/catatonit', '/usr/bin/tini'];

export function initBinary(): string | undefined {
  return INIT_CANDIDATES.find((p) => existsSync(p));
}

/** Every character and block device under /dev (for `--privileged`). */
export function hostDevices(): OciDevice[] {
  const out: OciDevice[] = [];
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(dir, n);
      if (p === '/dev/pts' || p === '/dev/shm' || p === '/dev/mqueue' || p === '/dev/console') continue;
      let st;
      try {
        st = lstatSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(p);
      else if (st.isCharacterDevice() || st.isBlockDevice()) {
        const rdev = st.rdev;
        const major = Number((BigInt(rdev) >> 8n) & 0xfffn);
        const minor = Number((BigInt(rdev) & 0xffn) | ((BigInt(rdev) >> 12n) & 0xfff00n));
        out.push({ path: p, type: st.isCharacterDevice() ? 'c' : 'b', major, minor, fileMode: st.mode & 0o7777, uid: st.uid, gid: st.gid });
      }
    }
  };
  walk('/dev');
  return out;
}

export function hostResolvConf(): string {
  try {
    return readFileSync('/etc/resolv.conf', 'utf8');
  } catch {
    return '';
  }
}

export function hostHostsFile(): string {
  try {
    return readFileSync('/etc/hosts', 'utf8');
  } catch {
    return '';
  }
}

export function hostName(): string {
  return osHostname();
}
