/** system df, version, info (the fields two engines share). */
import type { Scenario } from '../harness.js';

const N = '--network none';

export const system: Scenario[] = [
  {
    name: 'system df reports images, containers and volumes',
    script: `
      docker system df
      docker create --name sd ${N} -v sdvol:/data busybox
      docker volume create spare
      docker system df
      docker system df --format '{{.Type}} {{.TotalCount}} {{.Active}} {{.Size}} {{.Reclaimable}}'
    `,
  },
  {
    name: 'system df -v',
    script: `
      docker run --name sdv ${N} -v sdv:/data busybox sh -c 'head -c 3000 /dev/zero > /data/f; head -c 100 /dev/zero > /g'
      docker system df -v
    `,
  },
  {
    name: 'version components and shape',
    script: `
      docker version --format '{{json .Server}}' | $KEYS
      # Kept on purpose: berth has no containerd and no docker-init, so it does not list them.
      docker version --format '{{range .Server.Components}}{{.Name}}|{{end}}' | sed -e 's/containerd|//' -e 's/docker-init|//'
      docker version --format '{{.Server.BuildTime}}' | sed -E 's/[0-9]/0/g'
      docker version --format '{{(index .Server.Components 0).Details.BuildTime}}' | sed -E 's/^[A-Z][a-z]{2} [A-Z][a-z]{2} +[0-9]+ [0-9:]{8} [0-9]{4}$/ANSIC time/'
      docker version --format '{{.Server.Os}} {{.Server.Arch}} {{.Server.MinAPIVersion}}'
    `,
  },
  {
    name: 'info counts',
    script: `
      docker create --name ic ${N} busybox
      docker run -d --name ir ${N} busybox sleep 1000
      docker info --format '{{.Containers}} {{.ContainersRunning}} {{.ContainersPaused}} {{.ContainersStopped}} {{.Images}} {{.OSType}} {{.Architecture}}'
      docker info --format '{{.CgroupDriver}} {{.CgroupVersion}} {{.LoggingDriver}} {{.DefaultRuntime}} {{.SecurityOptions}}'
    `,
  },
  {
    name: 'events: since 0, until alone or 0, filters as dockerd matches them, none network connects',
    script: `
      docker create --name evqx ${N} -l a=b busybox sh -c 'exit 2'
      docker start -a evqx
      docker inspect -f '{{.Id}}' evqx > id
      docker volume create evqvol
      docker rm evqx
      docker volume rm evqvol
      sleep 1
      # An unknown filter is ignored; the container filter matches actor IDs and names by prefix.
      docker events --since 0 --until "$(date +%s)" --filter container=$(cat id) --filter bogus=1 --format '{{.Type}} {{.Action}} {{.Actor.Attributes.name}} {{.Actor.Attributes.exitCode}}'
      docker events --since 0 --until "$(date +%s)" --filter container=evq --filter type=container --filter type=volume --format '{{.Type}} {{.Action}} {{.Actor.ID}}'
      docker events --since 0 --until "$(date +%s)" --filter image=busybox --filter event=create --filter container=evqx --format '{{.Action}}'
      docker events --since 0 --until "$(date +%s)" --filter network=none --filter event=connect --filter label=a --format '{{.Type}} {{.Action}}'
      docker events --since 0 --until "$(date +%s)" --filter network=none --filter event=connect --format '{{.Type}} {{.Action}} {{.Actor.Attributes.name}} {{.Actor.Attributes.type}}' | tail -1
      docker events --until "$(date +%s)" --filter container=$(cat id) --filter event=die --format '{{.Action}}'
      docker events --since 0 --until 0 --filter container=$(cat id) --filter event=destroy --format '{{.Action}}'
      docker events --since 0 --until "$(date +%s)" --filter container=$(cat id) --filter type=bogus
      docker events --since 100 --until 50
    `,
  },
  {
    name: "events: a container's volumes (create, mount, unmount, destroy) around its network's connect and disconnect",
    script: `
      docker volume create evv
      date +%s.%N > since
      docker volume create evv
      docker create --name eva ${N} -v evv:/a busybox true
      docker start -a eva
      docker run --rm --name evb ${N} -v /b busybox true
      docker rm -v eva
      docker events --since "$(cat since)" --until "$(date +%s.%N)" --format '{{.Type}} {{.Action}} {{.Actor.ID}} {{json .Actor.Attributes}}'
    `,
  },
  {
    name: 'events: network connect and disconnect of stopped and running containers; wait answers after the exit is cleaned up',
    script: `
      docker network create nev1
      docker network create nev2
      docker create --name ne1 --network nev1 busybox true
      date +%s.%N > since
      docker network connect nev2 ne1
      docker network disconnect nev2 ne1
      docker start ne1
      docker wait ne1
      docker events --since "$(cat since)" --until "$(date +%s.%N)" --format '{{.Type}} {{.Action}} {{.Actor.Attributes.name}} {{.Actor.Attributes.container}}'
      docker run -d --name ne2 --network nev1 busybox sleep 100
      docker network connect nev2 ne2
      docker network disconnect nev2 ne2
      docker rm -f ne2
      docker rm ne1
      docker events --since "$(cat since)" --until "$(date +%s.%N)" --format '{{.Type}} {{.Action}} {{.Actor.Attributes.name}} {{.Actor.Attributes.container}}'
      docker network rm nev1 nev2
    `,
  },
];
