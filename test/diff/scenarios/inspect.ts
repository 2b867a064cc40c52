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
];
