/**
 * @module util/go-path
 * Go's path.Clean for slash-separated paths: one slash between elements, no `.` elements,
 * `..` resolved against the element before it, `/..` at the root dropped, `.` for empty.
 * `cleanAbsPath(p)` cleans `p` as an absolute path (container paths, mount destinations).
 */

export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(seg);
  }
  const s = (rooted ? '/' : '') + out.join('/');
  return s === '' ? '.' : s;
}

/** Cleans `p` as an absolute path: Go's path.Clean of `/` + p (container paths, mount destinations). */
export function cleanAbsPath(p: string): string {
  return cleanPath('/' + p);
}
