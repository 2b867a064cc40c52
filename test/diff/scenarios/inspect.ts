/** inspect of containers and images: shapes, templates, errors. */
import type { Scenario } from '../harness.js';

const N = '--network none';

export const inspect: Scenario[] = [
  {
    name: "image inspect has Docker's keys",
    script: `
      docker image inspect busybox | $KEYS | grep -v '^GraphDriver'
      docker image inspect -f '{{.Config.Cmd}} {{.Os}} {{.Architecture}} {{.RepoTags}} {{.Size}}' busybox
    `,
  },
  {
    name: 'inspect templates on containers',
    script: `
      docker create --name i3 ${N} -e A=1 --entrypoint sh busybox -c 'echo x'
      docker inspect -f '{{.Name}} {{.Path}} {{.Args}} {{.Config.Entrypoint}} {{.Config.Cmd}}' i3
      docker inspect -f '{{.State.Status}} {{.State.Pid}} {{.RestartCount}} {{.Driver}} {{.Platform}}' i3
      docker inspect -f '{{index .Config.Env 0}}' i3
      docker inspect -f '{{json .Config.Env}}' i3
      docker inspect -f '{{.Config.Hostname}}' i3
      docker inspect --format '{{.NoSuchField}}' i3
    `,
  },
  {
    name: 'inspect --type and several objects',
    script: `
      docker create --name busybox ${N} busybox
      docker inspect -f '{{.Name}}' busybox
      docker inspect --type image -f '{{.RepoTags}}' busybox
      docker inspect --type container -f '{{.Name}}' busybox
      docker inspect -f '{{.Id}}' busybox nosuch
      docker inspect --type volume busybox
    `,
  },
  {
    name: 'inspect -s of a container',
    script: `
      docker run --name is1 ${N} busybox sh -c 'head -c 2000 /dev/zero > /f'
      docker inspect -s -f '{{.SizeRw}}' is1
    `,
  },
  {
    name: 'HostConfig.Links and endpoint links as dockerd shows them (none, empty, legacy, user network, rename)',
    script: `
      docker network create lnet
      docker create --name ldb ${N} busybox
      docker create --name l1 ${N} busybox
      docker create --name l2 ${N} --link ldb:alias busybox
      docker create --name l3 --network lnet --link nosuch:x busybox
      docker create --name l4 --network lnet --network-alias a --link ldb busybox
      docker create --name l5 --network host --link ldb busybox
      docker inspect -f '{{.Name}} {{json .HostConfig.Links}}{{range $k, $v := .NetworkSettings.Networks}} {{$k}}={{json $v.Links}}{{end}}' l1 l2 l3 l4
      # The Engine API as docker-compose and SDKs call it: no Links key, null, [], and links on a user network (in HostConfig and in the endpoint).
      for b in '"NetworkMode":"none"' '"NetworkMode":"none","Links":null' '"NetworkMode":"none","Links":[]' '"NetworkMode":"lnet","Links":[]' '"NetworkMode":"lnet","Links":["ldb:x"]'; do curl -s --unix-socket "\${DOCKER_HOST#unix://}" -H 'Content-Type: application/json' -d "{\\"Image\\":\\"busybox\\",\\"HostConfig\\":{$b}}" http://x/v1.41/containers/create | sed -E 's/.*"Id":"([0-9a-f]+)".*/\\1/' | xargs docker inspect -f "$b {{json .HostConfig.Links}}{{range \\$k, \\$v := .NetworkSettings.Networks}} {{\\$k}}={{json \\$v.Links}}{{end}}"; done
      for e in '[]' '["ldb:y"]' '["nosuch"]'; do curl -s --unix-socket "\${DOCKER_HOST#unix://}" -H 'Content-Type: application/json' -d "{\\"Image\\":\\"busybox\\",\\"HostConfig\\":{\\"NetworkMode\\":\\"lnet\\"},\\"NetworkingConfig\\":{\\"EndpointsConfig\\":{\\"lnet\\":{\\"Links\\":$e}}}}" http://x/v1.41/containers/create | sed -E 's/.*"Id":"([0-9a-f]+)".*/\\1/' | xargs docker inspect -f "$e {{json .HostConfig.Links}}{{range \\$k, \\$v := .NetworkSettings.Networks}} {{\\$k}}={{json \\$v.Links}}{{end}}"; done
      # On a user network a link's target need not run.
      docker start l3
      docker wait l3
      # Links follow a rename of either end.
      docker rename ldb ldb2
      docker rename l2 l2b
      docker inspect -f '{{.Name}} {{json .HostConfig.Links}}' l2b
      docker rm -f $(docker ps -aq) > /dev/null
      docker network rm lnet
    `,
  },
  {
    name: "inspect before the first start: no /etc or log paths, endpoints name no network; connect and disconnect while stopped",
    script: `
      docker network create inn1
      docker network create inn2
      docker create --name ic1 --network inn1 busybox true
      docker create --name ic2 ${N} busybox true
      docker network connect inn2 ic1
      docker inspect -f '{{.Name}} {{if .HostnamePath}}paths{{else}}no-paths{{end}} {{if .LogPath}}log{{else}}no-log{{end}}{{range $k, $v := .NetworkSettings.Networks}} {{$k}}:{{if $v.NetworkID}}id{{else}}no-id{{end}}:{{$v.Aliases}}{{end}}' ic1 ic2
      docker start ic1 ic2
      docker wait ic1 ic2
      docker inspect -f '{{.Name}} {{if .HostnamePath}}paths{{else}}no-paths{{end}} {{if .LogPath}}log{{else}}no-log{{end}}{{range $k, $v := .NetworkSettings.Networks}} {{$k}}:{{if $v.NetworkID}}id{{else}}no-id{{end}}:{{$v.Aliases}}{{end}}' ic1 ic2
      docker network disconnect inn2 ic1
      docker network connect inn2 ic1
      docker inspect -f '{{.Name}}{{range $k, $v := .NetworkSettings.Networks}} {{$k}}:{{if $v.NetworkID}}id{{else}}no-id{{end}}:{{$v.Aliases}}{{end}}' ic1
      docker rm ic1 ic2
      docker network rm inn1 inn2
    `,
  },
];
