/** Daemon-side validation of run/create options: Docker's words and exit codes. */
import type { Scenario } from '../harness.js';

const N = '--network none';

export const errors: Scenario[] = [
  {
    name: 'image not found without pulling',
    script: `
      docker create --pull never ${N} nosuch:local
      docker run --pull never --rm ${N} nosuch:local
    `,
  },
];
