/** run/create options and the container lifecycle. */
import type { Scenario } from '../harness.js';

const N = '--network none';

export const lifecycle: Scenario[] = [
  {
    name: 'run prints output and exit codes',
    script: `
      docker run --rm ${N} busybox echo hello world
      docker run --rm ${N} busybox sh -c 'echo out; echo err >&2; exit 3'
      docker run --rm ${N} busybox false
    `,
  },
  {
    name: 'run -e, --env-file, -w, -u, --hostname',
    script: `
      printf 'A=1\\n# comment\\nB=two words\\n' > env.list
      docker run --rm ${N} -e X=y --env-file env.list -w /tmp -u 1000:1000 --hostname box busybox sh -c 'echo $X $A $B; pwd; id -u; hostname'
    `,
  },
  {
    name: 'create, start -a, wait, rm',
    script: `
      docker create --name cw1 ${N} busybox sh -c 'echo started; exit 7'
      docker start -a cw1
      docker wait cw1
      docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' cw1
      docker rm cw1
      # Not a hex word: inspect also looks networks up by ID prefix, and the bridge of berthd has a random ID.
      docker inspect cw1
    `,
  },
  {
    name: 'run --entrypoint and image defaults',
    script: `
      docker run --rm ${N} --entrypoint echo busybox a b
      docker run --rm ${N} --entrypoint '' busybox echo empty entrypoint
      docker run --rm ${N} busybox sh -c 'echo $PATH; echo $HOME; pwd'
      docker run --rm ${N} -e HOME=/tmp -u nobody busybox sh -c 'echo $HOME; id -un'
    `,
  },
  {
    name: 'run -d, wait, logs',
    script: `
      docker run -d --name d1 ${N} busybox sh -c 'echo to-out; echo to-err >&2'
      docker wait d1
      docker logs d1
      docker inspect -f '{{.State.Running}} {{.State.ExitCode}} {{.Config.Image}} {{.Name}}' d1
    `,
  },
  {
    name: 'kill, kill -s, exit statuses',
    script: `
      docker run -d --name kk ${N} busybox sleep 1000
      # PID 1 ignores a signal it has no handler for: USR1 leaves sleep running.
      docker kill -s USR1 kk
      docker inspect -f '{{.State.Running}}' kk
      docker kill kk
      docker start kk
      docker kill kk
      docker wait kk
      docker inspect -f '{{.State.Status}} {{.State.ExitCode}} {{.State.OOMKilled}}' kk
    `,
  },
  {
    name: 'stop -t 0 and stop of a stopped container',
    script: `
      docker run -d --name sv ${N} busybox sleep 1000
      docker stop -t 0 sv
      docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' sv
      docker stop sv
      docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' sv
    `,
  },
  {
    name: 'stop sends the stop signal first',
    script: `
      docker run -d --name tt ${N} busybox sh -c 'trap "echo got TERM; exit 5" TERM; while :; do sleep 0.1; done'
      sleep 0.5
      docker stop tt
      docker wait tt
      docker logs tt
    `,
  },
  {
    name: 'pause and unpause',
    script: `
      docker run -d --name pp ${N} busybox sleep 1000
      docker pause pp
      docker inspect -f '{{.State.Status}} {{.State.Running}} {{.State.Paused}}' pp
      docker pause pp
      docker unpause pp
      docker inspect -f '{{.State.Status}} {{.State.Running}} {{.State.Paused}}' pp
      docker unpause pp
      docker rm -f pp
    `,
  },
  {
    name: 'rm of running, missing and stopped containers',
    script: `
      docker run -d --name rr ${N} busybox sleep 1000
      docker rm rr
      docker rm nosuch
      docker rm -f rr
      docker create --name rs ${N} busybox
      docker rm rs nosuch
    `,
  },
  {
    name: 'name conflicts and invalid names',
    script: `
      docker create --name dup ${N} busybox
      docker create --name dup ${N} busybox
      docker create --name 'bad name' ${N} busybox
      docker create --name /slash ${N} busybox
      docker inspect -f '{{.Name}}' slash
    `,
  },
  {
    name: 'run --rm removes the container',
    script: `
      docker run --rm --name gone ${N} busybox true
      docker ps -a -q
      docker inspect gone
    `,
  },
  {
    name: 'run -i feeds stdin',
    script: `
      echo piped | docker run -i --rm ${N} busybox cat
      printf 'a\\nb\\n' | docker run -i --rm ${N} busybox wc -l
      echo ignored | docker run --rm ${N} busybox cat
    `,
  },
  {
    name: 'run --read-only and --tmpfs',
    script: `
      docker run --rm ${N} --read-only busybox touch /x
      docker run --rm ${N} --read-only --tmpfs /t busybox sh -c 'touch /t/x && echo ok; stat -c %a /t'
      docker run --rm ${N} --tmpfs /t:mode=700 busybox stat -c %a /t
    `,
  },
  {
    name: 'run -w creates the directory; -u forms',
    script: `
      docker run --rm ${N} -w /new/dir busybox pwd
      docker run --rm ${N} -u nobody busybox id -u
      docker run --rm ${N} -u 1000 busybox sh -c 'id -u; id -g'
      docker run --rm ${N} -u 4242:4343 busybox sh -c 'id -u; id -g'
      docker run --rm ${N} -u user:root busybox sh -c 'id -u; id -g'
      docker run --rm ${N} -u bogus busybox true
      docker run --rm ${N} -u 1000:bogus busybox true
    `,
  },
  {
    name: 'run --label and --env show in inspect',
    script: `
      docker create --name lb ${N} --label a=1 --label b -e Z=9 busybox
      docker inspect -f '{{json .Config.Labels}} {{json .Config.Env}}' lb
    `,
  },
  {
    name: 'exit codes of signals',
    script: `
      docker run --rm ${N} busybox sh -c 'kill -TERM $$'
      docker run --rm ${N} busybox sh -c 'kill -KILL $$'
      docker run --rm ${N} busybox sh -c 'exit 255'
    `,
  },
  {
    name: 'resource options in inspect',
    script: `
      docker create --name res ${N} -m 64m --cpus 1.5 --pids-limit 50 --cpu-shares 512 busybox
      docker inspect -f '{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.PidsLimit}} {{.HostConfig.CpuShares}}' res
    `,
  },
  {
    name: 'no-new-privileges',
    script: `
      docker run --rm ${N} busybox grep NoNewPrivs /proc/self/status
      docker run --rm ${N} --security-opt no-new-privileges busybox grep NoNewPrivs /proc/self/status
    `,
  },
  {
    name: 'bind mounts',
    script: `
      mkdir d && echo from-host > d/f
      docker run --rm ${N} -v "$PWD/d":/h busybox cat /h/f
      docker run --rm ${N} -v "$PWD/d":/h:ro busybox touch /h/x
      docker run --rm ${N} --mount type=bind,source="$PWD/d",target=/m busybox sh -c 'echo new > /m/g'
      cat d/g
      docker run --rm ${N} --mount type=bind,source="$PWD/nosuch",target=/m busybox true
    `,
  },
  {
    name: 'named volumes are shared and seeded from the image',
    script: `
      docker run --rm ${N} -v vol1:/data busybox sh -c 'echo kept > /data/f'
      docker run --rm ${N} -v vol1:/data busybox cat /data/f
      docker run --rm ${N} -v vol2:/etc busybox cat /etc/group
      docker volume ls -q
    `,
  },
  {
    name: 'anonymous volumes and rm -v',
    script: `
      docker create --name av ${N} -v /data busybox
      docker inspect -f '{{range .Mounts}}{{.Type}} {{.Destination}} {{.RW}} {{.Driver}}{{end}}' av
      docker volume ls -q | wc -l
      docker rm -v av
      docker volume ls -q | wc -l
    `,
  },
  {
    name: 'supplementary groups of users in run',
    script: `
      docker run --rm ${N} busybox id
      docker run --rm ${N} -u nobody busybox id
      docker run --rm ${N} --group-add 1234 --group-add user busybox id
      printf 'root:x:0:\\nnogroup:x:65534:\\nuser:x:1000:\\nextra:x:2000:user,nobody\\nwheel:x:10:user\\n' > group
      docker create --name gu ${N} -u user busybox id
      docker cp group gu:/etc/group
      docker start -a gu
      docker create --name gn ${N} -u nobody busybox sh -c 'id; id -G'
      docker cp group gn:/etc/group
      docker start -a gn
      docker run --rm ${N} --group-add nosuchgroup busybox id
    `,
  },
  {
    name: 'restart -t 0 leaves the container running',
    script: `
      docker run -d --name rt ${N} busybox sleep 1000
      docker restart -t 0 rt
      docker inspect -f '{{.State.Status}} {{.State.Running}} {{.State.ExitCode}} {{.RestartCount}}' rt
      docker restart -t 0 rt
      docker inspect -f '{{.State.Status}} {{.State.Running}} {{.State.ExitCode}}' rt
      docker create --name rt2 ${N} busybox sleep 1000
      docker restart -t 0 rt2
      docker inspect -f '{{.State.Status}} {{.State.Running}}' rt2
      docker restart nosuch
    `,
  },
  {
    name: 'rename',
    script: `
      docker create --name r1 ${N} busybox
      docker create --name r2 ${N} busybox
      docker rename r1 r3
      docker inspect -f '{{.Name}}' r3
      docker rename r3 r2
      docker rename nosuch r9
      docker rename r3 'bad name'
      docker rename r3 r3
      docker rename r3 ''
    `,
  },
  {
    name: 'run options Docker refuses',
    script: `
      docker create ${N} -m 64m --memory-reservation 128m busybox
      docker create ${N} --stop-signal SIGBOGUS busybox
      docker create --network none --network host busybox
      docker create ${N} --cap-add BOGUS busybox
      docker create ${N} --cap-drop BOGUS busybox
      docker create ${N} --restart bogus busybox
      docker create ${N} --restart always --rm busybox
      docker create ${N} --restart on-failure:x busybox
      docker create ${N} --restart always:3 busybox
      docker create ${N} -m 1k busybox
      docker create ${N} --cpus 1000 busybox
      docker create ${N} --tmpfs /t:bogus busybox
      docker create ${N} --tmpfs relative busybox
      docker create ${N} -v relative:/x:bogus busybox
      docker create ${N} --ulimit bogus=1 busybox
      docker ps -a -q | wc -l
    `,
    // dockerd lists the endpoints in a Go map's (random) order; berth sorts them.
    normalize: [[/endpoints: host, none/g, 'endpoints: none, host']],
  },
  {
    name: 'container inspect has Docker keys',
    script: `
      docker create --name ik ${N} busybox
      docker inspect ik | $KEYS | grep -v -e '^\\[\\]\\.GraphDriver' -e '^\\[\\]\\.NetworkSettings'
    `,
  },
  {
    name: 'HostConfig defaults in inspect',
    script: `
      docker create --name hd ${N} busybox
      docker inspect -f '{{json .HostConfig}}' hd
    `,
    // Kept on purpose: berth also masks /sys/devices/virtual/powercap, as Docker does since 25.0
    // (a power-usage side channel), which dockerd 20.10 leaves readable.
    normalize: [[/,"\/sys\/devices\/virtual\/powercap"/g, '']],
  },
  {
    name: '--domainname, --ulimit, -m and MemorySwap',
    script: `
      docker run --rm ${N} --hostname h --domainname example.com busybox sh -c 'hostname; cat /proc/sys/kernel/domainname'
      docker run --rm ${N} --ulimit nofile=100:200 busybox sh -c 'ulimit -n; ulimit -Hn'
      docker create --name ul ${N} --ulimit nofile=100:200 --ulimit nproc=50 -m 64m busybox
      docker inspect -f '{{json .HostConfig.Ulimits}} {{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.Config.Domainname}}' ul
      docker create --name ms ${N} -m 64m --memory-swap -1 --memory-reservation 32m busybox
      docker inspect -f '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.MemoryReservation}}' ms
      docker create --name ms2 ${N} -m 64m --memory-swap 100m busybox
      docker inspect -f '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}' ms2
    `,
  },
  {
    name: 'restart policies and other options in inspect',
    script: `
      docker create --name rp ${N} --restart on-failure:3 --stop-signal SIGUSR1 --stop-timeout 7 --cap-add NET_ADMIN --cap-drop chown --privileged=false --shm-size 32m busybox
      docker inspect -f '{{json .HostConfig.RestartPolicy}} {{.Config.StopSignal}} {{.Config.StopTimeout}} {{.HostConfig.CapAdd}} {{.HostConfig.CapDrop}} {{.HostConfig.ShmSize}}' rp
      docker create --name rp2 ${N} --restart unless-stopped --ipc private --init=false busybox
      docker inspect -f '{{json .HostConfig.RestartPolicy}} {{.HostConfig.IpcMode}} {{.HostConfig.PidMode}} {{.HostConfig.Init}}' rp2
    `,
  },
  {
    name: 'kill ends the restart policy; a start counts restarts from zero',
    script: `
      docker run -d --name kr ${N} --restart always busybox sh -c 'trap "exit 3" USR1; while :; do sleep 0.1; done'
      docker run -d --name ks ${N} --restart always --stop-signal USR2 busybox sh -c 'trap "exit 3" USR1; trap "exit 4" USR2; while :; do sleep 0.1; done'
      sleep 0.5
      # With no stop signal set any signal counts; with one, only it (or SIGKILL) does.
      docker kill -s USR1 kr ks
      sleep 1.5
      docker kill -s USR2 ks
      docker wait ks
      docker inspect -f '{{.State.Status}} {{.State.ExitCode}} {{.RestartCount}}' kr ks
      docker start ks
      docker inspect -f '{{.State.Status}} {{.RestartCount}}' ks
      docker rm -f kr ks
    `,
  },
  {
    name: 'commit -m and -a in the image',
    script: `
      docker create --name cm ${N} busybox
      docker commit -m 'a message' -a someone cm cm:1
      docker inspect -f '{{.Comment}}|{{.Author}}|{{.Container}}' cm:1
      docker history --format '{{.Comment}}|{{.CreatedBy}}' cm:1
    `,
  },
  {
    name: 'kernel memory limits: the deprecation warning and the minimum',
    script: `
      docker create --name km ${N} --kernel-memory 10m busybox
      docker create ${N} --kernel-memory 1m busybox
      docker update --kernel-memory 8m km
      docker update --kernel-memory 1m km
      docker inspect -f '{{.HostConfig.KernelMemory}}' km
    `,
  },
  {
    name: 'host PID and IPC namespaces: no init process, SELinux labels off',
    script: `
      docker run --rm ${N} --init --pid host busybox sh -c 'tr "\\0" " " < /proc/$PPID/cmdline | grep -c docker-init'
      docker create --name so1 ${N} --privileged busybox
      docker create --name so2 ${N} --ipc host --security-opt no-new-privileges busybox
      docker create --name so3 ${N} --pid host --security-opt label=disable busybox
      docker inspect -f '{{json .HostConfig.SecurityOpt}}' so1 so2 so3
    `,
  },
  {
    name: 'state errors of start, stop, kill, pause, wait',
    script: `
      docker create --name se ${N} busybox sleep 1000
      docker kill se
      docker pause se
      docker unpause se
      docker stop se
      docker start se
      docker start se
      docker unpause se
      docker wait nosuch
      docker start nosuch
      docker stop nosuch
      docker kill nosuch
      docker kill -s BOGUS se
      docker pause nosuch
      docker rm -f se
    `,
  },
];
