/** logs: streams, --tail, timestamps, --details, errors. */
import type { Scenario } from '../harness.js';

const N = '--network none';

export const logs: Scenario[] = [
  {
    name: 'logs separates stdout and stderr',
    script: `
      docker run --name lg ${N} busybox sh -c 'echo o1; echo e1 >&2; echo o2; printf partial'
      docker logs lg
      docker logs lg 2>/dev/null
      docker logs lg 2>&1 >/dev/null
    `,
  },
  {
    name: 'logs --since and --until',
    script: `
      docker run --name ls1 ${N} busybox echo old
      docker logs --since 2000-01-01T00:00:00Z ls1
      docker logs --until 2000-01-01T00:00:00Z ls1
      docker logs --since bogus ls1
    `,
  },
  {
    name: 'logs of missing container and -f of exited',
    script: `
      docker logs nosuch
      docker run --name lf ${N} busybox echo done
      docker logs -f lf
    `,
  },
];
