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
];
