/**
 * @module runtime/spec/user
 * Resolves Docker's `-u` / `USER` value (`name`, `uid`, `name:group`, `uid:gid`, …) against the
 * image's /etc/passwd and /etc/group, as moby/sys/user's GetExecUser does: a name must exist
 * (`unable to find user NAME: no matching entries in passwd file`), a number need not (gid 0,
 * HOME /); supplementary groups come from /etc/group when no group is given. Pure: the caller
 * reads the files.
 */
import { InvalidArgument } from '../../errdefs/index.js';

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  home: string;
  /** The user's name when the passwd file knows it. */
  name?: string;
}

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}
interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

const MAX_ID = 2 ** 31 - 1;

export function parsePasswd(text: string | undefined): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of (text ?? '').split('\n')) {
    const l = line.trim();
    if (!l || l.startsWith('#')) continue;
    const f = l.split(':');
    const uid = Number(f[2]);
    const gid = Number(f[3]);
    if (!f[0] || !Number.isInteger(uid) || !Number.isInteger(gid)) continue;
    out.push({ name: f[0], uid, gid, home: f[5] ?? '' });
  }
  return out;
}

export function parseGroup(text: string | undefined): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of (text ?? '').split('\n')) {
    const l = line.trim();
    if (!l || l.startsWith('#')) continue;
    const f = l.split(':');
    const gid = Number(f[2]);
    if (!f[0] || !Number.isInteger(gid)) continue;
    out.push({ name: f[0], gid, members: (f[3] ?? '').split(',').map((s) => s.trim()).filter(Boolean) });
  }
  return out;
}

const isNumeric = (s: string) => /^[0-9]+$/.test(s);

function numericId(s: string, what: 'uid' | 'gid'): number {
  const n = Number(s);
  if (n > MAX_ID) throw new InvalidArgument(`${what} ${s} is out of range`);
  return n;
}

/**
 * Resolves `spec` (empty = root). `groupAdd` are `--group-add` values (names or numbers),
 * appended to the supplementary groups.
 */
export function resolveUser(spec: string, files: { passwd?: string; group?: string }, groupAdd: string[] = []): ResolvedUser {
  const [userPart = '', groupPart] = spec.split(':', 2) as [string?, string?];
  const users = parsePasswd(files.passwd);
  const groups = parseGroup(files.group);
  const uname = userPart === '' ? '0' : userPart;

  let uid: number;
  let gid = 0;
  let home = '/';
  let name: string | undefined;
  const byName = users.find((u) => u.name === uname);
  if (isNumeric(uname)) {
    uid = numericId(uname, 'uid');
    const byUid = users.find((u) => u.uid === uid);
    if (byUid) {
      gid = byUid.gid;
      home = byUid.home || '/';
      name = byUid.name;
    }
  } else if (byName) {
    uid = byName.uid;
    gid = byName.gid;
    home = byName.home || '/';
    name = byName.name;
  } else {
    throw new InvalidArgument(`unable to find user ${uname}: no matching entries in passwd file`);
  }

  let additionalGids: number[] = [];
  if (groupPart !== undefined && groupPart !== '') {
    if (isNumeric(groupPart)) gid = numericId(groupPart, 'gid');
    else {
      const g = groups.find((x) => x.name === groupPart);
      if (!g) throw new InvalidArgument(`unable to find group ${groupPart}: no matching entries in group file`);
      gid = g.gid;
    }
  } else if (name !== undefined) {
    const member = name;
    additionalGids = groups.filter((g) => g.members.includes(member)).map((g) => g.gid);
  }
  for (const a of groupAdd) {
    if (isNumeric(a)) additionalGids.push(numericId(a, 'gid'));
    else {
      const g = groups.find((x) => x.name === a);
      if (!g) throw new InvalidArgument(`Unable to find group ${a}: no matching entries in group file`);
      additionalGids.push(g.gid);
    }
  }
  // Docker's processes always hold their primary group among the supplementary ones too
  // (`id` shows `groups=0(root)`); the kernel keeps the list sorted.
  additionalGids = [...new Set([gid, ...additionalGids])];
  const out: ResolvedUser = { uid, gid, additionalGids, home };
  if (name !== undefined) out.name = name;
  return out;
}
