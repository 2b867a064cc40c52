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
      # The docker CLI prints one image's tags in no fixed order.
      docker images --format '{{.Repository}}:{{.Tag}}' | sort
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
      # Both imports may fall in the same second, where the listing's order is not defined.
      docker images --format '{{.Repository}}:{{.Tag}}' imp | sort
    `,
  },
  {
    name: 'save and load',
    script: `
      docker tag busybox saved:1
      docker save -o b.tar saved:1
      # The manifest first, so the config and layer IDs get their numbers in the same order on both sides.
      tar -xOf b.tar manifest.json
      tar -xOf b.tar repositories
      tar -tf b.tar | sed 's/[0-9a-f]\\{64\\}/<hex>/' | sort
      docker rmi saved:1
      docker load -i b.tar
      docker load < b.tar
      docker save saved:1 | docker load -q
      docker save nosuch -o n.tar
      docker load -i nosuch.tar
      echo junk | docker load
    `,
  },
  {
    name: 'save records the parent saved with an image, and load restores it',
    script: `
      printf 'FROM busybox\\nRUN echo x > /x\\n' > Dockerfile
      DOCKER_BUILDKIT=0 docker build -q -t p:1 . >/dev/null 2>&1
      docker save -o a.tar p:1 busybox
      tar -xOf a.tar repositories
      tar -xOf a.tar manifest.json | grep -o '"Parent":"[^"]*"'
      tar -xOf a.tar manifest.json repositories | wc -l
      docker save p:1 | tar -xOf - manifest.json | grep -c Parent
      docker rmi p:1
      docker load -q -i a.tar
      docker inspect -f '{{.Parent}}' p:1
    `,
    // dockerd writes and loads the images in Go's map order.
    sortLines: true,
  },
  {
    name: 'images filters',
    script: `
      docker tag busybox bb:1
      docker images --filter reference=bb --format '{{.Repository}}:{{.Tag}}'
      docker images --filter 'reference=b*:1' --format '{{.Repository}}:{{.Tag}}'
      docker images --filter dangling=true -q
      docker images --filter dangling=false --format '{{.Repository}}:{{.Tag}}' | sort
      docker images --filter label=x -q
      docker images --filter before=bb:1 -q
      docker images --filter bogus=1
      docker images --filter dangling=maybe
    `,
  },
  {
    name: 'import refuses what it cannot apply',
    script: `
      mkdir r && echo hi > r/hello && tar -cf r.tar -C r hello
      docker import -c 'STOPSIGNAL SIGTERM' r.tar s:1
      docker import -c 'RUN true' r.tar s:2
      docker import -c 'BOGUS x' r.tar s:3
      docker import -c 'EXPOSE 80' -c 'USER nobody' -c 'LABEL a=b' -c 'VOLUME /v' -c 'ENTRYPOINT ["sh"]' r.tar s:4
      docker inspect -f '{{.Config.ExposedPorts}} {{.Config.User}} {{.Config.Labels}} {{.Config.Volumes}} {{.Config.Entrypoint}}' s:4
      docker import nosuch.tar s:5
      docker images -q s
    `,
  },
  {
    name: 'image prune and rmi errors',
    script: `
      docker image prune -f
      docker tag busybox p:1
      docker image prune -a -f --filter until=1h
      docker rmi nosuch
      docker rmi -f nosuch
      docker image rm busybox:nosuchtag
      docker image inspect nosuch
      docker images --format '{{.Repository}}:{{.Tag}}' | sort
    `,
  },
];
