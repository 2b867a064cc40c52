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
];
