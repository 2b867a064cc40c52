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
  {
    name: 'exec -u runs the command as that user with its groups',
    script: `
      ${up}
      docker exec -u nobody xc id
      docker exec -u nobody xc sh -c 'exit 3'
      docker exec -u 1000:1000 xc id
      docker exec -u user xc sh -c 'id; echo $HOME'
      docker exec xc id
      docker exec -u bogus xc id
    `,
  },
  {
    name: 'exec of a missing binary or a bad workdir exits 126',
    script: `
      ${up}
      docker exec xc nosuchbin
      docker exec xc /etc/passwd
      docker exec -w /nosuch xc pwd
      docker exec xc /tmp
    `,
  },
  {
    name: 'exec on a paused container',
    script: `
      ${up}
      docker pause xc
      docker exec xc true
      docker unpause xc
      docker exec xc echo back
    `,
  },
  {
    name: 'top with ps options and errors',
    script: `
      ${up}
      docker top xc -o comm
      docker top xc -o pid,args | tail -n +2 | wc -l
      docker top xc -o bogus
      docker top xc -p 1
      docker stop -t 0 xc
      docker top xc
      docker top nosuch
    `,
  },
];
