/** system df, version, info (the fields two engines share). */
import type { Scenario } from '../harness.js';

const N = '--network none';

export const system: Scenario[] = [
];
