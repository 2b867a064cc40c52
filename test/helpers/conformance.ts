/**
 * Where the shared conformance data lives: ../shared/conformance/buildkit beside the
 * repository (CI clones main with shared/ beside it). undefined when absent — tests that need
 * it must then fail, not skip.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// dist/test/helpers → the repository is three levels up.
const repoRoot = join(fileURLToPath(import.meta.url), '..', '..', '..', '..');

export const conformanceDir: string | undefined = [
  process.env.BERTH_CONFORMANCE_DIR,
  join(repoRoot, '..', 'shared', 'conformance', 'buildkit'),
  join(repoRoot, 'shared', 'conformance', 'buildkit'),
].find((d): d is string => !!d && existsSync(d));
