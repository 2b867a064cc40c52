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
  {
    name: 'logs --tail, --details and -t',
    script: `
      # One stream only: dockerd 20.10 interleaves stdout and stderr records in no fixed order.
      docker run --name lt ${N} --label l=v -e E=1 busybox sh -c 'echo 1; echo 2; echo 3; echo 4'
      docker logs --tail 2 lt
      docker logs --tail 0 lt
      docker logs --tail all lt | wc -l
      docker logs --tail bogus lt
      docker logs --details lt
      docker logs --details -t lt | sed 's/^[^ ]* /T /'
      docker logs -t lt | cut -c1-4 | sort -u | wc -l
    `,
  },
  {
    name: 'json-file max-size: a file is rotated once it reaches the size',
    script: `
      # Records of about 330 bytes: 4 to a file of max-size 1k, as dockerd fills them (not 3).
      docker run --name lr ${N} --log-opt max-size=1k --log-opt max-file=2 busybox sh -c 'x=$(head -c 256 /dev/zero | tr "\\0" x); for i in $(seq 100 199); do echo line-$i-$x; done'
      docker logs lr | wc -l
      docker logs lr | head -1 | cut -c1-12
    `,
  },
];
