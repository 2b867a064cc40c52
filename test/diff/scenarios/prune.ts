/** container, volume, network, builder and system prune: their reports and their events. */
import type { Scenario } from '../harness.js';

const N = '--network none';

// Events between two marks (`date +%s.%N` before, and when listing), as `docker events` prints them as JSON.
const EVENTS = `docker events --since "$(cat since)" --until "$(date +%s.%N)" --format '{{json .}}'`;
const TIMES: [RegExp, string] = [/"time":\d+,"timeNano":\d+/g, '"time":<T>,"timeNano":<T>'];

export const prune: Scenario[] = [
  {
    name: 'prune events: each removal, then one prune with the bytes reclaimed',
    script: `
      docker create --name pc1 ${N} -l k=v busybox
      docker run --name pc2 ${N} busybox sh -c 'head -c 5000 /dev/zero > /f'
      docker volume create pv1
      docker run --name pw ${N} -v pv1:/d busybox sh -c 'head -c 3000 /dev/zero > /d/f'
      docker rm pw
      docker network create pn1
      date +%s.%N > since
      docker container prune -f --filter label=k=v
      docker container prune -f
      docker volume prune -f
      docker network prune -f
      docker builder prune -f
      docker container prune -f
      docker network prune -f
      ${EVENTS}
    `,
    normalize: [
      TIMES,
      // Kept on purpose: dockerd 20.10 sends no destroy for a volume that prune removes (later dockerd does, as berth).
      [/^\{"Type":"volume","Action":"destroy","Actor":\{"ID":"pv1","Attributes":\{"driver":"local"\}\}[^\n]*\n/gm, ''],
    ],
  },
  {
    name: 'prune events through the API, and of system prune',
    script: `
      docker create --name ps1 ${N} busybox
      docker volume create psv
      docker network create psn
      date +%s.%N > since
      curl -s --unix-socket "\${DOCKER_HOST#unix://}" -X POST http://x/v1.41/volumes/prune -o /dev/null -w '%{http_code}\\n'
      curl -s --unix-socket "\${DOCKER_HOST#unix://}" -X POST http://x/v1.41/images/prune -o /dev/null -w '%{http_code}\\n'
      docker system prune -f
      docker system prune -f --volumes
      docker events --since "$(cat since)" --until "$(date +%s.%N)" --format '{{.Type}} {{.Action}} {{.Actor.ID}} {{json .Actor.Attributes}}'
      curl -s --unix-socket "\${DOCKER_HOST#unix://}" "http://x/v1.41/events?since=$(cat since)&until=$(date +%s.%N)&filters=%7B%22event%22:%5B%22prune%22%5D%7D"
    `,
    normalize: [
      TIMES,
      // Kept on purpose: dockerd 20.10 sends no destroy for a volume that prune removes (later dockerd does, as berth).
      [/^volume destroy psv \{"driver":"local"\}\n/gm, ''],
    ],
  },
  {
    name: 'prune filters: what each prune accepts, refused before anything is looked at',
    script: `
      docker network prune -f --filter bogus=1
      docker network prune -f --filter until=bogus
      docker network prune -f --filter dangling=true
      docker network prune -f --filter driver=bridge
      docker volume prune -f --filter bogus=1
      docker volume prune -f --filter dangling=true
      docker container prune -f --filter bogus=1
      docker container prune -f --filter until=bogus
      docker network create --label a=b pfl1
      docker network create pfl2
      docker network prune -f --filter label=a=c
      docker network prune -f --filter until=2000-01-01
      docker network prune -f --filter label!=a
      docker network prune -f --filter label=a
      docker volume create --label a=b pfv1
      docker volume create pfv2
      docker volume prune -f --filter label=a=c
      docker volume prune -f --filter label!=a
      docker volume prune -f --filter label=a=b
      docker create --name pfc ${N} -l x=1 busybox
      docker container prune -f --filter label=x=2
      docker container prune -f --filter until=2000-01-01T00:00:00
      docker container prune -f --filter label!=x
      docker container prune -f --filter label=x
    `,
  },
];
