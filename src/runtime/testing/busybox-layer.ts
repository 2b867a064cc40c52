/**
 * @module runtime/testing/busybox-layer
 * For runtime tests that run without the image store: a layers root holding one busybox layer
 * directory (Debian's static busybox with its applets hard-linked, /etc/passwd and /etc/group
 * with root, nobody and user 1000) and its `l/<link>` symlink, as the layer store lays them out.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, linkSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LayerStack } from '../overlay.js';

export const PASSWD =
  'root:x:0:0:root:/root:/bin/sh\n' +
  'nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' +
  'user:x:1000:1000:user:/home/user:/bin/sh\n';
export const GROUP = 'root:x:0:\nnogroup:x:65534:\nuser:x:1000:\n';

/** Creates `<root>/layers` with a busybox layer (link id BUSYBOX…); returns its stack. */
export function makeBusyboxLayers(root: string, binary = '/bin/busybox'): LayerStack {
  const layersRoot = join(root, 'layers');
  const diff = join(layersRoot, 'busybox', 'diff');
  for (const d of ['bin', 'dev', 'etc', 'home/user', 'proc', 'root', 'sys', 'tmp', 'usr', 'var']) mkdirSync(join(diff, d), { recursive: true });
  copyFileSync(binary, join(diff, 'bin/busybox'));
  chmodSync(join(diff, 'bin/busybox'), 0o755);
  for (const a of execFileSync(binary, ['--list']).toString().split('\n')) {
    const name = a.trim();
    if (!name || name === 'busybox' || name.includes('/')) continue;
    linkSync(join(diff, 'bin/busybox'), join(diff, 'bin', name));
  }
  writeFileSync(join(diff, 'etc/passwd'), PASSWD);
  writeFileSync(join(diff, 'etc/group'), GROUP);
  chmodSync(join(diff, 'tmp'), 0o1777);
  chmodSync(join(diff, 'root'), 0o700);
  chownSync(join(diff, 'home/user'), 1000, 1000);
  mkdirSync(join(layersRoot, 'l'), { recursive: true });
  symlinkSync('../busybox/diff', join(layersRoot, 'l', 'BUSYBOXBUSYBOXBUSYBOXBUSYB'));
  return { layersRoot, lowerLinks: ['l/BUSYBOXBUSYBOXBUSYBOXBUSYB'] };
}
