/**
 * `node make-index.js HOST/REPO:TAG HOST/REPO:SRC=OS/ARCH[/VARIANT]...` puts a Docker manifest
 * list under TAG with one manifest per source: the image at SRC (same registry and repository),
 * its config rewritten to the platform given (a new config blob and manifest when it differs).
 * How a differential scenario makes a multi-platform image on a plain registry. With OCI=1 in
 * the environment, an OCI image index instead.
 */
import { createHash } from 'node:crypto';

const LIST = process.env.OCI ? 'application/vnd.oci.image.index.v1+json' : 'application/vnd.docker.distribution.manifest.list.v2+json';
const ACCEPT = 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json';

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

function split(ref: string): { host: string; repo: string; tag: string } {
  const slash = ref.indexOf('/');
  const colon = ref.lastIndexOf(':');
  return { host: ref.slice(0, slash), repo: ref.slice(slash + 1, colon), tag: ref.slice(colon + 1) };
}

async function ok(res: Response, what: string): Promise<Response> {
  if (!res.ok) throw new Error(`${what}: ${res.status} ${await res.text()}`);
  return res;
}

const [target, ...sources] = process.argv.slice(2);
if (!target || sources.length === 0) throw new Error('usage: make-index HOST/REPO:TAG HOST/REPO:SRC=OS/ARCH...');
const t = split(target);
const base = `http://${t.host}/v2/${t.repo}`;
const manifests = [];
for (const s of sources) {
  const [ref, plat] = s.split('=') as [string, string];
  const [os, architecture, variant] = plat.split('/') as [string, string, string | undefined];
  const res = await ok(await fetch(`${base}/manifests/${split(ref).tag}`, { headers: { Accept: ACCEPT } }), ref);
  const mediaType = res.headers.get('content-type')!;
  let bytes = Buffer.from(await res.arrayBuffer());
  const manifest = JSON.parse(bytes.toString());
  const config = JSON.parse(Buffer.from(await (await ok(await fetch(`${base}/blobs/${manifest.config.digest}`), 'config')).arrayBuffer()).toString());
  if (config.os !== os || config.architecture !== architecture || config.variant !== variant) {
    Object.assign(config, { os, architecture });
    if (variant) config.variant = variant;
    else delete config.variant;
    const cb = Buffer.from(JSON.stringify(config));
    const up = await ok(await fetch(`${base}/blobs/uploads/`, { method: 'POST' }), 'upload');
    const loc = new URL(up.headers.get('location')!, base);
    loc.searchParams.set('digest', sha(cb));
    await ok(await fetch(loc, { method: 'PUT', headers: { 'Content-Type': 'application/octet-stream' }, body: cb }), 'config upload');
    manifest.config = { ...manifest.config, digest: sha(cb), size: cb.length };
    bytes = Buffer.from(JSON.stringify(manifest));
    await ok(await fetch(`${base}/manifests/${sha(bytes)}`, { method: 'PUT', headers: { 'Content-Type': mediaType }, body: bytes }), 'manifest');
  }
  manifests.push({ mediaType, size: bytes.length, digest: sha(bytes), platform: { architecture, os, ...(variant ? { variant } : {}) } });
}
const body = JSON.stringify({ schemaVersion: 2, mediaType: LIST, manifests });
await ok(await fetch(`${base}/manifests/${t.tag}`, { method: 'PUT', headers: { 'Content-Type': LIST }, body }), target);
