/** Errors of the daemon and the CLI: Docker's words and exit codes. */
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
  {
    name: 'missing containers in every command',
    script: `
      docker inspect nosuch
      docker port nosuch
      docker logs nosuch
      docker export nosuch
      docker attach nosuch
      docker container inspect nosuch
      docker unpause nosuch
      docker exec nosuch true
    `,
  },
  {
    name: 'run exit codes of the CLI',
    script: `
      docker run --rm ${N} busybox nosuchbin
      docker run --rm ${N} busybox /etc/passwd
      docker run --rm ${N} -w /etc/passwd busybox true
      docker run --rm ${N} busybox /tmp
    `,
  },
  {
    name: 'registry errors: a tag that is not here, a registry that does not answer',
    script: `
      docker push 127.0.0.1:9/nosuch:1
      docker pull 127.0.0.1:9/nosuch:1
      docker login -u someone -p secret 127.0.0.1:9
    `,
  },
];
