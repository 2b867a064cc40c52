/**
 * @module store/testing/busybox-rootfs
 * The root file system of berth's local `busybox` base image, built in-process as a tar (for
 * tests; scripts/make-busybox.sh builds the same layout with system tools): Debian's static
 * /bin/busybox with every applet of `busybox --list` hard-linked beside it, /etc/passwd and
 * /etc/group with root, nobody (65534) and user (1000), /tmp (1777), /root, /home/user and
 * empty /dev, /proc, /sys, /var, /usr. Fixed mtimes, so the same machine always gives the
 * same bytes (and layer diffID).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tarFromEntries, type MemEntry } from '../../util/tar/memory-tar.js';

export const BUSYBOX_BINARY = '/bin/busybox';
const MTIME = 1_700_000_000;

export const PASSWD =
  'root:x:0:0:root:/root:/bin/sh\n' +
  'nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' +
  'user:x:1000:1000:user:/home/user:/bin/sh\n';
export const GROUP = 'root:x:0:\nnogroup:x:65534:\nuser:x:1000:\n';

/** Applet names from `busybox --list`, sorted, without `busybox` itself. */
export function busyboxApplets(binary = BUSYBOX_BINARY): string[] {
  return execFileSync(binary, ['--list'])
    .toString()
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s && s !== 'busybox' && !s.includes('/'))
    .sort();
}

/** The rootfs as a plain tar. */
export function busyboxRootfsTar(binary = BUSYBOX_BINARY): Buffer {
  const dir = (name: string, mode = 0o755, uid = 0): MemEntry => ({ name, type: 'dir', mode, uid, gid: uid, mtime: MTIME });
  const entries: MemEntry[] = [
    dir('bin/'),
    { name: 'bin/busybox', data: readFileSync(binary), mode: 0o755, mtime: MTIME },
    // Hard links carry their target's mode, as GNU tar writes them (dockerd applies a link entry's mode).
    ...busyboxApplets(binary).map((a): MemEntry => ({ name: `bin/${a}`, type: 'link', linkname: 'bin/busybox', mode: 0o755, mtime: MTIME })),
    dir('dev/'),
    dir('etc/'),
    { name: 'etc/group', data: GROUP, mtime: MTIME },
    { name: 'etc/passwd', data: PASSWD, mtime: MTIME },
    dir('home/'),
    dir('home/user/', 0o755, 1000),
    dir('proc/'),
    dir('root/', 0o700),
    dir('sys/'),
    dir('tmp/', 0o1777),
    dir('usr/'),
    dir('var/'),
  ];
  return tarFromEntries(entries);
}
