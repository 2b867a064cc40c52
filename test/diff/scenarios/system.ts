/** system df, version, info (the fields two engines share). */
import type { Scenario } from '../harness.js';


export const system: Scenario[] = [
];
