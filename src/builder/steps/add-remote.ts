/**
 * @module builder/steps/add-remote
 * ADD's URL sources: the file is downloaded into the build's scratch space (mode 0600, mtime
 * from Last-Modified, else the epoch) and named after the URL's last path component or the
 * Content-Disposition filename; `--checksum=sha256:…` is verified. Downloads are never
 * extracted. The content digest becomes part of the cache key, as Docker hashes the download.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, promises as fs } from 'node:fs';
import { join, posix } from 'node:path';
import { InvalidArgument } from '../../errdefs/index.js';
import { getWithStatusError } from '../../util/http-get.js';

export function isUrl(s: string): boolean {
  return /^https?:\/\//i.test(s);
}

function filenameFor(url: URL, disposition: string | null): string {
  const p = decodeURIComponent(url.pathname);
  if (p && !p.endsWith('/')) {
    const base = posix.basename(p);
    if (base) return base;
  }
  if (disposition) {
    const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
    if (m && !m[1]!.endsWith('/')) {
      const base = posix.basename(m[1]!);
      if (base) return base;
    }
  }
  return '';
}

export interface Downloaded {
  dir: string;
  name: string;
  digest: string;
}

export async function downloadSource(url: string, dest: string, scratch: string, checksum: string | undefined, signal: AbortSignal): Promise<Downloaded> {
  const res = await getWithStatusError(url, { signal });
  let name = filenameFor(new URL(url), res.header('content-disposition') ?? null);
  if (!name) {
    if (dest.endsWith('/')) throw new InvalidArgument(`cannot determine filename for source ${url}`);
    name = '__unnamed__';
  }
  const dir = join(scratch, `dl-${randomBytes(6).toString('hex')}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, name);
  const h = createHash('sha256');
  const fh = await fs.open(file, 'wx', 0o600);
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      h.update(chunk);
      await fh.write(chunk);
    }
  } finally {
    await fh.close();
  }
  const digest = `sha256:${h.digest('hex')}`;
  if (checksum !== undefined && checksum !== digest) {
    throw new InvalidArgument(`digest mismatch for ${url}: expected ${checksum}, got ${digest}`);
  }
  await fs.chmod(file, 0o600);
  const lm = res.header('last-modified');
  const t = lm && Number.isFinite(Date.parse(lm)) ? Date.parse(lm) / 1000 : 0;
  await fs.utimes(file, t, t);
  return { dir, name, digest };
}
