/**
 * @module image/digest
 * Content digests as the OCI image spec writes them (`sha256:<64 lowercase hex>`): parsing,
 * validation, computing, and the short forms Docker shows (12 hex characters, no algorithm).
 */
import { createHash } from 'node:crypto';
import { InvalidArgument } from '../errdefs/index.js';

/** A digest string `algorithm:hex`; berth only ever produces sha256. */
export type Digest = `sha256:${string}`;

const SHA256_HEX = /^[a-f0-9]{64}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/** Whether `s` is exactly 64 lowercase hex characters. */
export function isSha256Hex(s: string): boolean {
  return SHA256_HEX.test(s);
}

/** Whether `s` is a well-formed sha256 digest (`sha256:` + 64 lowercase hex). */
export function isDigest(s: string): s is Digest {
  return s.startsWith('sha256:') && SHA256_HEX.test(s.slice(7));
}

/**
 * Parses a digest string. Other algorithms are well-formed but unsupported, with
 * go-digest's messages ("invalid checksum digest format", "unsupported digest algorithm").
 */
export function parseDigest(s: string): Digest {
  if (!DIGEST.test(s)) throw new InvalidArgument('invalid checksum digest format');
  if (!s.startsWith('sha256:')) throw new InvalidArgument('unsupported digest algorithm');
  if (!SHA256_HEX.test(s.slice(7))) throw new InvalidArgument('invalid checksum digest length');
  return s as Digest;
}

/** The hex part of a digest. */
export function hexOf(d: string): string {
  const i = d.indexOf(':');
  return i >= 0 ? d.slice(i + 1) : d;
}

/** `sha256:<hex>` from a hex string (validated). */
export function fromHex(hex: string): Digest {
  if (!SHA256_HEX.test(hex)) throw new InvalidArgument(`invalid sha256 hex "${hex}"`);
  return `sha256:${hex}`;
}

/** The sha256 digest of some bytes. */
export function digestOf(data: string | Uint8Array): Digest {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** Docker's short ID: 12 hex characters without the algorithm (stringid.TruncateID). */
export function shortId(id: string): string {
  return hexOf(id).slice(0, 12);
}
