/** images, tag, rmi, history, save/load, import. */
import type { Scenario } from '../harness.js';

const N = '--network none';

export const images: Scenario[] = [
  {
    name: 'images table and formats',
    script: `
      docker images
      docker images -q
      docker images --no-trunc --format '{{.Repository}} {{.Tag}} {{.ID}} {{.Size}}'
      docker images --format json
      docker image ls busybox
      docker images nosuch
    `,
  },
  {
    name: 'tag and rmi of tags',
    script: `
      docker tag busybox mine:1
      docker tag busybox:latest localhost:5000/a/b:c
      docker images --format '{{.Repository}}:{{.Tag}}'
      docker rmi mine:1
      docker rmi localhost:5000/a/b:c
      docker rmi mine:1
      docker tag nosuch x:1
      docker tag busybox 'Bad:Tag'
    `,
  },
  {
    name: 'rmi of an image in use',
    script: `
      docker tag busybox used:1
      docker create --name ru ${N} used:1
      docker rmi busybox
      docker rmi used:1
      docker images --format '{{.Repository}}:{{.Tag}}'
    `,
  },
  {
    name: 'rmi of the only tag of an image with children untags it',
    script: `
      mkdir r && echo hi > r/hello && tar -cf r.tar -C r hello
      docker import r.tar base:1 > /dev/null
      printf 'FROM base:1\\nLABEL a=b\\n' > Dockerfile
      DOCKER_BUILDKIT=0 docker build -q -t kid:1 . > /dev/null
      docker rmi base:1
      docker images --format '{{.Repository}}:{{.Tag}}' | sort
      docker rmi kid:1 | grep -c Deleted
      docker images -a --format '{{.Repository}}:{{.Tag}}' | sort
    `,
  },
  {
    name: 'history',
    script: `
      docker history busybox
      docker history -q busybox
      docker history --no-trunc --format '{{.CreatedBy}}|{{.Size}}|{{.Comment}}' busybox
      docker history nosuch
    `,
  },
  {
    name: 'import with changes and message',
    script: `
      mkdir r && echo hi > r/hello && tar -cf r.tar -C r hello
      docker import -c 'ENV A=1' -c 'CMD ["cat", "/hello"]' -c 'WORKDIR /w' -m 'my msg' r.tar imp:1
      docker inspect -f '{{.Config.Env}} {{.Config.Cmd}} {{.Config.WorkingDir}} {{.Comment}}' imp:1
      docker history --format '{{.CreatedBy}}|{{.Comment}}' imp:1
      cat r.tar | docker import - imp:2
      docker images --format '{{.Repository}}:{{.Tag}}' imp
    `,
  },
];
