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
  {
    name: 'volume create, ls, inspect',
    script: `
      docker volume create v1
      docker volume create --label a=b v2
      docker volume create v1
      docker volume ls
      docker volume ls -q
      docker volume ls --format '{{.Name}} {{.Driver}} {{.Labels}} {{.Scope}}'
      docker volume inspect v1 | $KEYS
      docker volume inspect -f '{{.Name}} {{.Driver}} {{.Labels}} {{.Scope}} {{.Options}} {{.Mountpoint | printf "%.0s"}}' v2
      docker volume inspect v1 nosuch -f '{{.Name}}'
    `,
  },
  {
    name: 'volume ls filters',
    script: `
      docker volume create --label env=prod p1
      docker volume create --label env=dev d1
      docker create --name vf ${N} -v d1:/d busybox
      docker volume ls -q --filter dangling=true
      docker volume ls -q --filter dangling=false
      docker volume ls -q --filter label=env=prod
      docker volume ls -q --filter label=env | sort
      docker volume ls -q --filter name=p
      docker volume ls -q --filter driver=local | sort
      docker volume ls --filter bogus=1
      docker volume ls --filter dangling=maybe
    `,
  },
  {
    name: 'volume rm, create and inspect errors',
    script: `
      docker volume rm nosuch
      docker volume rm -f nosuch
      docker volume inspect nosuch
      docker volume create 'bad name'
      # (No --driver nosuch: dockerd looks for the plugin for 15 s before it answers.)
      docker volume create a1 && docker volume rm a1 a1
    `,
  },
  {
    name: '--volumes-from mounts the other container volumes',
    script: `
      docker create --name vsrc ${N} -v /anon -v named:/named busybox
      docker run --rm ${N} --volumes-from vsrc busybox sh -c 'echo x > /anon/f && echo y > /named/g && ls /anon /named'
      docker run --rm ${N} --volumes-from vsrc:ro busybox sh -c 'cat /anon/f /named/g; touch /anon/h'
      docker create --name vdst ${N} --volumes-from vsrc busybox
      docker inspect -f '{{.HostConfig.VolumesFrom}} {{len .Mounts}}' vdst
      docker inspect -f '{{range .Mounts}}{{.Destination}} {{.RW}} {{.Type}}|{{end}}' vdst | tr '|' '\\n' | sort
      docker run --rm ${N} --volumes-from nosuch busybox true
    `,
  },
  {
    name: 'mount options dockerd refuses, and volume labels from --mount',
    script: `
      mkdir d
      docker run --name tb ${N} --tmpfs /t:size=1m,bogus=1 busybox true
      docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' tb
      docker run --rm ${N} --tmpfs /t:huge busybox true
      docker create ${N} --tmpfs / busybox
      docker create ${N} -v $PWD/d:/x:rw,ro busybox
      docker create ${N} -v $PWD/d:/x:z,Z busybox
      docker create ${N} -v /:/ busybox
      docker create ${N} -v vol:/. busybox
      docker create ${N} --mount type=tmpfs,dst=/ busybox
      # The test's directory is not on a shared mount.
      docker run --name pr ${N} --mount type=bind,src=$PWD/d,dst=/x,bind-propagation=rshared busybox true
      docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' pr
      docker create ${N} --mount type=volume,src=lv,dst=/v,volume-label=a=b,volume-label=c busybox
      docker volume inspect -f '{{json .Labels}}' lv
    `,
  },
];
