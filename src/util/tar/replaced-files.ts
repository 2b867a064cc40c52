/**
 * @module util/tar/replaced-files
 * What an extraction does when a later tar entry replaces an earlier one: the earlier entry
 * is removed, but a regular file whose content the tar-split record references is moved
 * aside (into the extra directory, named by its record index) so that the original tar can
 * still be reproduced byte for byte.
 */
import { lstatSync, readdirSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

export class ReplacedFiles {
  readonly #root: string;
  readonly #extraDir: string | undefined;
  /** Recorded regular files still in place: root-relative path → tar-split file index. */
  readonly #recorded = new Map<string, number>();
  /** File index → name in the extra directory. */
  readonly moved: Record<string, string> = {};

  constructor(root: string, extraDir: string | undefined) {
    this.#root = root;
    this.#extraDir = extraDir;
  }

  #abs(rel: string): string {
    return rel ? `${this.#root}/${rel}` : this.#root;
  }

  /** Notes that the file at `rel` is tar-split file #index. */
  recorded(rel: string, index: number): void {
    this.#recorded.set(rel, index);
  }

  #keep(rel: string): boolean {
    const idx = this.#recorded.get(rel);
    if (idx === undefined || !this.#extraDir) return false;
    renameSync(this.#abs(rel), join(this.#extraDir, String(idx)));
    this.moved[String(idx)] = String(idx);
    this.#recorded.delete(rel);
    return true;
  }

  /** Removes whatever is at `rel` (recursively), keeping recorded contents. */
  remove(rel: string): void {
    const abs = this.#abs(rel);
    if (lstatSync(abs).isDirectory()) {
      if (this.#recorded.size) this.#keepUnder(rel);
      rmSync(abs, { recursive: true, force: true });
      return;
    }
    if (!this.#keep(rel)) unlinkSync(abs);
  }

  #keepUnder(rel: string): void {
    for (const name of readdirSync(this.#abs(rel))) {
      const child = `${rel}/${name}`;
      if (lstatSync(this.#abs(child)).isDirectory()) this.#keepUnder(child);
      else this.#keep(child);
    }
  }
}
