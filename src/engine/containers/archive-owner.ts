/**
 * @module engine/containers/archive-owner
 * The owner `docker cp -a` gives the files it copies into a container, as dockerd does: the
 * container's user (Config.User, resolved in the container's own /etc/passwd and /etc/group),
 * or, when the container runs as the default user, the owners the archive carries (the same
 * as without `-a`).
 */
import { InvalidArgument } from '../../errdefs/index.js';
import { readFileInRoot } from '../../util/in-root.js';

function entries(rootfs: string, file: string): string[][] {
  let text: string | undefined;
  try {
    text = readFileInRoot(rootfs, file);
  } catch {
    return [];
  }
  return (text ?? '').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(':'));
}

const isId = (s: string) => /^\d+$/.test(s);

/** The uid and gid for `user` (`name|uid[:group|gid]`) in the root; undefined for the default user. */
export function copyOwnerIn(rootfs: string, user: string): { uid: number; gid: number } | undefined {
  if (!user) return undefined;
  const [u = '', g] = user.split(':', 2) as [string?, string?];
  const passwd = entries(rootfs, '/etc/passwd');
  const entry = passwd.find((f) => f[0] === u || (isId(u) && f[2] === u));
  if (!entry && !isId(u)) throw new InvalidArgument(`unable to find user ${u}: no matching entries in passwd file`);
  const uid = entry ? Number(entry[2]) : Number(u);
  let gid = entry && isId(entry[3] ?? '') ? Number(entry[3]) : 0;
  if (g !== undefined && g !== '') {
    const group = entries(rootfs, '/etc/group').find((f) => f[0] === g || (isId(g) && f[2] === g));
    if (!group && !isId(g)) throw new InvalidArgument(`unable to find group ${g}: no matching entries in group file`);
    gid = group ? Number(group[2]) : Number(g);
  }
  return { uid, gid };
}
