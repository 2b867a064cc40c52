/**
 * @module builder/steps/view-reader
 * Reads an image file system view (a directory) for path resolution and as a COPY source.
 */
import { lstatSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { LinkReader } from '../rootfs/scope.js';

/** A LinkReader over a real directory. */
export function dirLinkReader(root: string): LinkReader {
  return (rel) => {
    try {
      const st = lstatSync(join(root, rel));
      return st.isSymbolicLink() ? { symlink: true, target: readlinkSync(join(root, rel)) } : { symlink: false };
    } catch {
      return undefined;
    }
  };
}

/** Whether `rel` is an existing directory in the view (symlinks not followed). */
export function isDirIn(root: string, rel: string): boolean {
  try {
    return lstatSync(join(root, rel)).isDirectory();
  } catch {
    return false;
  }
}
