/** volume create/ls/inspect/rm/prune and their errors. */
import type { Scenario } from '../harness.js';

const N = '--network none';

export const volumes: Scenario[] = [
  {
    name: 'volume rm of a volume in use and prune',
    script: `
      docker create --name vu ${N} -v inuse:/u busybox
      docker volume create free
      docker volume rm inuse
      docker volume prune -f
      docker volume ls -q
      docker volume prune -f -a
      docker volume ls -q
    `,
  },
];
