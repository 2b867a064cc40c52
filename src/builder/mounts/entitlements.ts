/**
 * @module builder/mounts/entitlements
 * `RUN --security=insecure` runs a privileged container, so it takes two consents, as in
 * BuildKit: the build asks for it (`--allow security.insecure`) and the daemon allows builds to
 * ask (`allow-insecure-entitlements` in daemon.json, or `--allow-insecure-entitlement`).
 */
import { Forbidden } from '../../errdefs/index.js';
import type { BuildRun } from '../solver/step-context.js';

export const SECURITY_INSECURE = 'security.insecure';

/** Throws BuildKit's errors unless both the build and the daemon allow an insecure RUN. */
export function checkInsecure(run: Pick<BuildRun, 'options' | 'backend'>): void {
  if (!run.backend.insecureEntitlements?.includes(SECURITY_INSECURE)) {
    throw new Forbidden(`granting entitlement ${SECURITY_INSECURE} is not allowed by build daemon configuration`);
  }
  if (!run.options.allow?.includes(SECURITY_INSECURE)) throw new Forbidden(`${SECURITY_INSECURE} is not allowed`);
}
