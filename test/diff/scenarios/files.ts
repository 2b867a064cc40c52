/** cp (both ways, every path form) and export. */
import type { Scenario } from '../harness.js';

const N = '--network none';
const src = `docker run --name fc ${N} busybox sh -c 'mkdir -p /src/sub && echo hello > /tmp/hello.txt && echo a > /src/a && echo b > /src/sub/b && ln -s /tmp/hello.txt /tmp/link'`;

export const files: Scenario[] = [
  {
    name: 'cp out: file to file, to dir, to new name',
    script: `
      ${src}
      docker cp fc:/tmp/hello.txt ./y.txt
      cat y.txt
      mkdir out && docker cp fc:/tmp/hello.txt out
      ls out
      docker cp fc:/tmp/hello.txt out/renamed
      ls out
    `,
  },
  {
    name: 'cp out: directories and dir/.',
    script: `
      ${src}
      docker cp fc:/src d1
      find d1 | sort
      mkdir d2 && docker cp fc:/src d2
      find d2 | sort
      mkdir d3 && docker cp fc:/src/. d3
      find d3 | sort
      docker cp fc:/src/ d4
      find d4 | sort
    `,
  },
  {
    name: 'cp out: symlinks and -L',
    script: `
      ${src}
      docker cp fc:/tmp/link l1
      ls -l l1 | cut -c1
      docker cp -L fc:/tmp/link l2
      cat l2
    `,
  },
  {
    name: 'cp out to stdout as a tar',
    script: `
      ${src}
      docker cp fc:/src - | tar -tf - | sort
      docker cp fc:/tmp/hello.txt - | tar -xOf -
    `,
  },
  {
    name: 'cp in: file, directory, dir/., new names',
    script: `
      docker create --name gc ${N} busybox
      echo in > in.txt && mkdir -p tree/sub && echo t > tree/sub/t
      docker cp in.txt gc:/tmp/
      docker cp in.txt gc:/tmp/renamed.txt
      docker cp tree gc:/tmp/
      docker cp tree/. gc:/root/
      docker cp tree gc:/newdir
      docker start -a gc
      docker run --rm ${N} --volumes-from gc busybox true
      docker cp gc:/tmp - | tar -tf - | sort
      docker cp gc:/root - | tar -tf - | sort
      docker cp gc:/newdir - | tar -tf - | sort
    `,
  },
  {
    name: 'cp in: errors',
    script: `
      docker create --name g2 ${N} busybox
      echo in > in.txt
      docker cp in.txt g2:/nosuch/dir/
      docker cp nosuch.txt g2:/tmp/
      docker cp in.txt g2:/etc/passwd/
      mkdir d && docker cp d g2:/etc/passwd
    `,
  },
  {
    name: 'cp in from stdin tar',
    script: `
      docker create --name g3 ${N} busybox
      mkdir t && echo x > t/x && tar -cf t.tar -C t x
      docker cp - g3:/tmp < t.tar
      docker cp g3:/tmp/x -  | tar -xOf -
    `,
  },
  {
    name: 'cp out: errors and paths with a trailing slash',
    script: `
      ${src}
      docker cp fc:/etc/passwd/ .
      docker cp fc:/nosuch .
      docker cp nosuch:/x .
      docker cp fc:/tmp/hello.txt nodir/x
      docker cp fc:/src/a back.sh && cat back.sh
      docker cp fc:/src/ d5/
      docker cp fc:/tmp/hello.txt ./
      ls
    `,
    // dockerd names the path in its own storage (…/overlay2/<id>/merged/etc/passwd/).
    normalize: [[/lstat \S*\/merged\//g, 'lstat /']],
  },
  {
    name: 'cp in: symlinks and ownership',
    script: `
      docker create --name gl ${N} busybox
      echo data > f && ln -s f lnk && mkdir dd && ln -s ../f dd/up
      docker cp lnk gl:/tmp/
      docker cp -L lnk gl:/tmp/deref
      docker cp dd gl:/tmp/
      docker cp -a f gl:/tmp/archived
      docker cp gl:/tmp - | tar -tvf - | awk '{print $1, $2, $NF}' | sort
    `,
  },
  {
    name: 'export entry names and owners',
    script: `
      docker create --name ex ${N} busybox
      docker export ex | tar -tf - | sort | head -20
      docker export ex | tar -tvf - | awk '{print $1, $2, $6}' | grep -e ' home' -e ' tmp' -e ' etc/passwd' | sort
      docker export -o ex.tar ex && tar -tf ex.tar | grep -c .
      docker export nosuch
    `,
  },
];
