/**
 * @module image/reference
 * Image references with Docker's grammar and normalization (distribution/reference):
 * `busybox` is `docker.io/library/busybox:latest`, shown short ("familiar") as `busybox:latest`;
 * `localhost:5000/x:1`; `name@sha256:…`. Errors carry Docker's wording
 * (`invalid reference format: repository name (library/Busybox) must be lowercase`).
 */
import { InvalidArgument } from '../errdefs/index.js';

export const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_REPO = 'library';
const NAME_TOTAL_LENGTH_MAX = 255;

const alphaNumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]*)';
const nameComponent = `${alphaNumeric}(?:${separator}${alphaNumeric})*`;
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const ipv6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const domain = `(?:${domainComponent}(?:\\.${domainComponent})*|${ipv6})(?::[0-9]+)?`;
const tag = '[\\w][\\w.-]{0,127}';
const digestPat = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';
const name = `(?:${domain}/)?${nameComponent}(?:/${nameComponent})*`;

const referenceRe = new RegExp(`^(${name})(?::(${tag}))?(?:@(${digestPat}))?$`);
const anchoredName = new RegExp(`^(?:(${domain})/)?(${nameComponent}(?:/${nameComponent})*)$`);
const anchoredTag = new RegExp(`^${tag}$`);
const anchoredIdentifier = /^[a-f0-9]{64}$/;

/** A parsed, normalized reference. `domain` is always set (docker.io for Docker Hub names). */
export interface Reference {
  readonly domain: string;
  readonly path: string;
  readonly tag?: string;
  readonly digest?: string;
}

function invalid(message: string): InvalidArgument {
  return new InvalidArgument(message);
}

/** distribution's `Parse`: the full grammar, no normalization. */
export function parseReference(s: string): Reference {
  const m = referenceRe.exec(s);
  if (!m) {
    if (s === '') throw invalid('repository name must have at least one component');
    if (referenceRe.test(s.toLowerCase())) throw invalid('invalid reference format: repository name must be lowercase');
    throw invalid('invalid reference format');
  }
  const nameStr = m[1]!;
  if (nameStr.length > NAME_TOTAL_LENGTH_MAX) {
    throw invalid(`repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`);
  }
  const nm = anchoredName.exec(nameStr);
  const dom = nm?.[1] ?? '';
  const path = nm?.[2] ?? nameStr;
  const digest = m[3];
  if (digest !== undefined) {
    const algo = digest.slice(0, digest.indexOf(':'));
    const hex = digest.slice(digest.indexOf(':') + 1);
    if (algo !== 'sha256') throw invalid('unsupported digest algorithm');
    if (!/^[a-f0-9]{64}$/.test(hex)) throw invalid('invalid checksum digest length');
  }
  return { domain: dom, path, ...(m[2] !== undefined ? { tag: m[2] } : {}), ...(digest !== undefined ? { digest } : {}) };
}

function splitDockerDomain(s: string): { domain: string; remainder: string } {
  const i = s.indexOf('/');
  let dom: string;
  let remainder: string;
  const first = i >= 0 ? s.slice(0, i) : '';
  if (i === -1 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    dom = DEFAULT_DOMAIN;
    remainder = s;
  } else {
    dom = first;
    remainder = s.slice(i + 1);
  }
  if (dom === LEGACY_DEFAULT_DOMAIN) dom = DEFAULT_DOMAIN;
  if (dom === DEFAULT_DOMAIN && !remainder.includes('/')) remainder = `${OFFICIAL_REPO}/${remainder}`;
  return { domain: dom, remainder };
}

/**
 * distribution's `ParseNormalizedNamed`: `busybox` → docker.io/library/busybox (no tag added).
 * Rejects 64-hex strings, which would be confused with image IDs.
 */
export function parseNormalizedNamed(s: string): Reference {
  if (anchoredIdentifier.test(s)) {
    throw invalid(`invalid repository name (${s}), cannot specify 64-byte hexadecimal strings`);
  }
  const { domain: dom, remainder } = splitDockerDomain(s);
  const tagSep = remainder.indexOf(':');
  const remoteName = tagSep > -1 ? remainder.slice(0, tagSep) : remainder;
  if (remoteName.toLowerCase() !== remoteName) {
    throw invalid(`invalid reference format: repository name (${remoteName}) must be lowercase`);
  }
  const ref = parseReference(`${dom}/${remainder}`);
  return ref;
}

/** Adds `latest` when the reference has neither tag nor digest (`TagNameOnly`). */
export function tagNameOnly(ref: Reference): Reference {
  if (ref.tag === undefined && ref.digest === undefined) return { ...ref, tag: 'latest' };
  return ref;
}

/**
 * `ParseDockerRef`: normalized, `latest` added when there is no tag or digest, and the tag
 * dropped when a digest is present (the digest wins).
 */
export function parseDockerRef(s: string): Reference {
  const ref = parseNormalizedNamed(s);
  if (ref.digest !== undefined && ref.tag !== undefined) return { domain: ref.domain, path: ref.path, digest: ref.digest };
  return tagNameOnly(ref);
}

/** Sets the tag, validating it ("invalid tag format"). */
export function withTag(ref: Reference, t: string): Reference {
  if (!anchoredTag.test(t)) throw invalid('invalid tag format');
  return { domain: ref.domain, path: ref.path, tag: t };
}

/** The repository: `docker.io/library/busybox`. */
export function fullName(ref: Reference): string {
  return ref.domain ? `${ref.domain}/${ref.path}` : ref.path;
}

/** The full string: `docker.io/library/busybox:latest`, `x@sha256:…`. */
export function referenceString(ref: Reference): string {
  return fullName(ref) + (ref.tag !== undefined ? `:${ref.tag}` : '') + (ref.digest !== undefined ? `@${ref.digest}` : '');
}

/** The repository as Docker shows it: `busybox`, `user/app`, `localhost:5000/x`. */
export function familiarName(ref: Reference): string {
  if (ref.domain === DEFAULT_DOMAIN) {
    const parts = ref.path.split('/');
    if (parts.length === 2 && parts[0] === OFFICIAL_REPO) return parts[1]!;
    return ref.path;
  }
  return fullName(ref);
}

/** The reference as Docker shows it: `busybox:latest`, `localhost:5000/x@sha256:…`. */
export function familiarString(ref: Reference): string {
  return familiarName(ref) + (ref.tag !== undefined ? `:${ref.tag}` : '') + (ref.digest !== undefined ? `@${ref.digest}` : '');
}

/** Whether `s` looks like a full 64-hex image ID, with or without `sha256:`. */
export function isFullId(s: string): boolean {
  return anchoredIdentifier.test(s) || (s.startsWith('sha256:') && anchoredIdentifier.test(s.slice(7)));
}
