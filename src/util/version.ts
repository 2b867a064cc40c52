/**
 * @module util/version
 * berth's own version, read once from package.json, and the Engine API versions it speaks:
 * it answers as dockerd 20.10 does (API 1.41); the docker CLI 28 negotiates down to it.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export const BERTH_VERSION: string = (() => {
  try {
    return (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
})();

/** The Engine API version berth answers with (dockerd 20.10's). */
export const API_VERSION = '1.41';
/** The oldest Engine API version berth accepts. */
export const MIN_API_VERSION = '1.12';
