/** exec and top. */
import type { Scenario } from '../harness.js';

const N = '--network none';
const up = `docker run -d --name xc ${N} busybox sleep 1000`;

export const exec: Scenario[] = [
  {
    name: 'exec output, exit codes, env and workdir',
    script: `
      ${up}
      docker exec xc echo hi
      docker exec xc sh -c 'exit 3'
      docker exec -e A=b xc sh -c 'echo $A'
      docker exec -w /tmp xc pwd
      docker exec xc sh -c 'echo $PATH; echo $HOME; hostname'
    `,
  },
  {
    name: 'exec on stopped and missing containers',
    script: `
      docker create --name xs ${N} busybox
      docker exec xs true
      docker exec nosuch true
    `,
  },
  {
    name: 'exec -i and -d',
    script: `
      ${up}
      echo fed | docker exec -i xc cat
      docker exec -d xc sh -c 'echo bg > /tmp/bg'
      sleep 0.5
      docker exec xc cat /tmp/bg
    `,
  },
  {
    name: 'top default columns',
    script: `
      ${up}
      docker top xc | head -1
      docker top xc | tail -n +2 | wc -l
    `,
  },
];
