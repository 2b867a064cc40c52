/** ps: the table, formats and filters. */
import type { Scenario } from '../harness.js';

const N = '--network none';
const three = `
      docker create --name a1 ${N} --label env=prod busybox sh -c 'exit 3'
      docker run -d --name a2 ${N} --label env=dev busybox sleep 1000
      docker run --name a3 ${N} busybox true`;

export const ps: Scenario[] = [
  {
    name: 'ps and ps -a tables',
    script: `${three}
      docker ps
      docker ps -a
      docker ps -a -q
      docker ps -l --format '{{.Names}}'
      docker ps -a -n 2 --format '{{.Names}}'
    `,
  },
  {
    name: 'ps --format fields',
    script: `${three}
      docker ps -a --format '{{.Names}}|{{.Image}}|{{.Command}}|{{.Status}}|{{.State}}|{{.Labels}}|{{.Label "env"}}|{{.Ports}}|{{.Networks}}|{{.Mounts}}'
      docker ps -a --no-trunc --format '{{.Names}} {{.Command}}'
      docker ps -a --format 'table {{.Names}}\\t{{.Status}}'
      docker ps -a --format json
    `,
    normalize: [[/"CreatedAt":"[^"]*"/g, '"CreatedAt":"<T>"']],
  },
  {
    name: 'ps --filter status, exited, label, name, id',
    script: `${three}
      docker ps -a --filter status=exited --format '{{.Names}}'
      docker ps -a --filter status=created --format '{{.Names}}'
      docker ps -a --filter status=running --format '{{.Names}}'
      docker ps -a --filter exited=0 --format '{{.Names}}'
      docker ps -a --filter label=env --format '{{.Names}}'
      docker ps -a --filter label=env=dev --format '{{.Names}}'
      docker ps -a --filter name=a --format '{{.Names}}'
      docker ps -a --filter name=a1 --filter name=a3 --format '{{.Names}}'
      docker ps -a --filter ancestor=busybox --format '{{.Names}}'
      docker ps -a --filter before=a3 --format '{{.Names}}'
      docker ps -a --filter since=a1 --format '{{.Names}}'
    `,
  },
  {
    name: 'ps -s',
    script: `
      docker run --name sz ${N} busybox sh -c 'head -c 1000 /dev/zero > /big'
      docker ps -a -s --format '{{.Names}} {{.Size}}'
    `,
  },
  {
    name: 'ps --filter name is a regex matched against /name',
    script: `
      docker create --name web1 ${N} busybox
      docker create --name web10 ${N} busybox
      docker create --name db ${N} busybox
      docker ps -a --filter 'name=^/web1$' --format '{{.Names}}'
      docker ps -a --filter 'name=^web1$' --format '{{.Names}}'
      docker ps -a --filter 'name=b1' --format '{{.Names}}' | sort
      docker ps -a --filter 'name=^/w' --format '{{.Names}}' | sort
      docker ps -a --filter 'name=[' --format '{{.Names}}'
      docker ps -a --filter 'name=a(' --format '{{.Names}}'
    `,
  },
  {
    name: 'ps --filter errors',
    script: `
      docker create --name f1 ${N} busybox
      docker ps -a --filter exited=abc
      docker ps -a --filter status=bogus
      docker ps -a --filter bogus=1
      docker ps -a --filter noequals
      docker ps -a --filter health=bogus
      docker ps -a --filter before=nosuch
      docker ps -a --filter since=nosuch
      docker ps -a --filter is-task=maybe
    `,
  },
  {
    name: 'ps --filter publish and expose',
    script: `
      # A container on no network has no ports to match, exposed or not.
      docker create --name pe1 ${N} --expose 80 --expose 90-91/udp busybox
      docker ps -a --filter expose=80 --filter expose=85-95/udp --format '{{.Names}}'
      docker ps -a --filter publish=80/tcp --format '{{.Names}}'
      docker ps -a --filter publish=a:b
      docker ps -a --filter publish=abc
      docker ps -a --filter expose=9-1
      docker ps -a --filter 'publish='
      docker ps -a --filter expose=1-70000
    `,
  },
  {
    name: 'ps --filter volume, network, id and health',
    script: `
      docker create --name fv ${N} -v fvol:/data busybox
      docker create --name fh --network host busybox
      docker ps -a --filter volume=fvol --format '{{.Names}}'
      docker ps -a --filter volume=/data --format '{{.Names}}'
      docker ps -a --filter network=none --format '{{.Names}}'
      docker ps -a --filter network=host --format '{{.Names}}'
      docker ps -a --filter id=$(docker inspect -f '{{.Id}}' fv | cut -c1-6) --format '{{.Names}}'
      docker ps -a --filter health=none --format '{{.Names}}' | sort
      docker ps -a --filter is-task=false --format '{{.Names}}' | sort
    `,
  },
  {
    name: 'ps -q --no-trunc, -n and --last',
    script: `
      docker create --name q1 ${N} busybox
      docker create --name q2 ${N} busybox
      docker ps -a -q --no-trunc
      docker ps -a --last 1 --format '{{.Names}}'
      docker ps -n 0 --format '{{.Names}}'
      docker ps --format '{{.Names}}'
      docker ps -a --format '{{.ID}} {{.Names}}' --no-trunc
    `,
  },
];
