/**
 * @module util/tar/paths
 * Lexical checks on paths found in tars: entry names are relative, never absolute and never
 * climb with `..`; symlink and hard-link targets never lead outside the extraction root.
 */
import { InvalidArgument } from '../../errdefs/index.js';

/** A path problem in an archive: nothing outside the target is written. */
export class UnsafePathError extends InvalidArgument {}

/**
 * Normalizes an entry name to a root-relative path without `.` or empty components and
 * without a trailing slash ('' is the root itself). Rejects absolute names and `..`.
 */
export function cleanEntryName(name: string): string {
  if (name.startsWith('/')) {
    throw new UnsafePathError(`invalid tar entry ${JSON.stringify(name)}: absolute paths are not allowed in an archive`);
  }
  if (name.includes('\0')) throw new UnsafePathError(`invalid tar entry ${JSON.stringify(name)}: NUL in name`);
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) {
    throw new UnsafePathError(`invalid tar entry ${JSON.stringify(name)}: ".." would leave the extraction root`);
  }
  return parts.join('/');
}

/**
 * The root-relative target of a hard link (tar stores them root-relative; a leading `/` is
 * read as the root, as GNU tar does). Rejects targets that climb out with `..`.
 */
export function cleanLinkTarget(entry: string, linkname: string): string {
  const parts = linkname.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..') || linkname.includes('\0')) {
    throw new UnsafePathError(
      `invalid hard link ${JSON.stringify(entry)} -> ${JSON.stringify(linkname)}: the target is outside the extraction root`,
    );
  }
  return parts.join('/');
}

/** The parent of a root-relative path ('' for top-level entries). */
export function parentOf(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
}

/** The last component of a root-relative path. */
export function baseOf(rel: string): string {
  return rel.slice(rel.lastIndexOf('/') + 1);
}
