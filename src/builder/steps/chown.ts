/**
 * @module builder/steps/chown
 * `--chown=user[:group]` as Docker resolves it: numbers are taken as they are; names are looked
 * up in the destination image's /etc/passwd and /etc/group; without a group the *user* part is
 * also used as the group (a group of that name must exist; a number gives gid = uid).
 */
import { InvalidArgument } from '../../errdefs/index.js';
import { readFileInRoot } from '../../util/in-root.js';
import type { Identity } from './copy-files.js';

function lookup(root: string, file: 'passwd' | 'group', name: string): number | undefined {
  const text = readFileInRoot(root, `/etc/${file}`);
  if (text === undefined) return undefined;
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f[0] === name && f.length >= 3 && /^\d+$/.test(f[2]!)) return Number(f[2]);
  }
  return undefined;
}

function isNumber(s: string): boolean {
  return /^-?\d+$/.test(s);
}

/** Resolves a chown spec against the file system at `root`. */
export function parseChown(spec: string, root: string): Identity {
  const parts = spec.split(':');
  if (parts.length > 2) throw new InvalidArgument(`invalid chown string format: ${spec}`);
  const userStr = parts[0]!;
  const groupStr = parts.length === 2 ? parts[1]! : parts[0]!;
  const prefix = 'unable to convert uid/gid chown string to host mapping';
  let uid: number;
  if (isNumber(userStr)) uid = Number(userStr);
  else {
    const u = lookup(root, 'passwd', userStr);
    if (u === undefined) throw new InvalidArgument(`${prefix}: can't find uid for user ${userStr}: no such user: ${userStr}`);
    uid = u;
  }
  let gid: number;
  if (isNumber(groupStr)) gid = Number(groupStr);
  else {
    const g = lookup(root, 'group', groupStr);
    if (g === undefined) throw new InvalidArgument(`${prefix}: can't find gid for group ${groupStr}: no such group: ${groupStr}`);
    gid = g;
  }
  return { uid, gid };
}
