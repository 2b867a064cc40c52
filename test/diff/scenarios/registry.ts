/** Registries: pull, push, login, digests; each daemon has its own registries ($REG, $AREG). */
import type { Scenario } from '../harness.js';

const N = '--network none';
/** curl to the daemon's Engine API: `${API}/path` prints the body and then the status. */
const API = 'curl -s -w " %{http_code}\\n" --unix-socket "${DOCKER_HOST#unix://}" http://d/v1.41';

export const registry: Scenario[] = [
  {
    name: 'registry: push, re-push, pull by tag and by digest',
    registry: true,
    script: `
      docker tag busybox $REG/a/bb:1
      docker push $REG/a/bb:1
      docker push $REG/a/bb:1
      docker rmi $REG/a/bb:1
      docker pull $REG/a/bb:1
      docker images --digests --format '{{.Repository}} {{.Tag}} {{.Digest}}' | sort
      docker inspect -f '{{.RepoTags}} {{.RepoDigests}}' $REG/a/bb:1
      docker inspect -f '{{index .RepoDigests 0}}' $REG/a/bb:1 > dref
      docker rmi $REG/a/bb:1
      docker pull $(cat dref)
      docker images --digests --format '{{.Repository}} {{.Tag}} {{.Digest}}' | sort
      docker inspect -f '{{.RepoTags}} {{.RepoDigests}}' $(cat dref)
      docker pull $(cat dref)
      docker pull -q $REG/a/bb:1
      docker images --digests --format '{{.Repository}} {{.Tag}} {{.Digest}}' | sort
    `,
  },
  {
    name: 'registry: pull errors',
    registry: true,
    script: `
      docker tag busybox $REG/e/bb:1
      docker push -q $REG/e/bb:1
      docker pull $REG/e/bb:nosuch
      docker pull $REG/nosuch/repo:1
      docker pull $REG/e/bb@sha256:0000000000000000000000000000000000000000000000000000000000000000
      docker pull 'bad name'
      docker pull $REG/UPPER:1
      docker pull $REG/e/bb:1@sha256:0000000000000000000000000000000000000000000000000000000000000000
      docker pull -a $REG/nosuch
      docker pull -a $REG/e/bb:1
      ${API}/images/create?fromImage=$REG/e/bb\\&tag=nosuch
      ${API}/images/create?fromImage=$REG/nosuch/repo\\&tag=1
      ${API}/images/create?fromImage=bad%20name
    `,
  },
  {
    name: 'registry: pull -a and push -a',
    registry: true,
    script: `
      docker tag busybox $REG/all/bb:1
      docker tag busybox $REG/all/bb:2
      docker push -a $REG/all/bb
      docker push $REG/all/bb
      docker rmi $REG/all/bb:1 $REG/all/bb:2
      docker pull -a $REG/all/bb
      docker images --digests --format '{{.Repository}} {{.Tag}} {{.Digest}}' | sort
      docker pull -a -q $REG/all/bb
    `,
  },
  {
    name: 'registry: push errors and cross-repository mounts',
    registry: true,
    script: `
      docker push $REG/p/bb:nosuch
      docker tag busybox $REG/p/bb:1
      docker push $REG/p/bb:nosuch
      docker push nosuchlocal:1
      docker push nosuchlocal
      docker push $REG/p/bb:1
      docker tag busybox $REG/q/bb:1
      docker push $REG/q/bb:1
      docker push -q $REG/q/bb:1
      docker push 'bad name'
    `,
  },
  {
    name: 'registry: run and create of an image not here',
    registry: true,
    script: `
      docker tag busybox $REG/r/bb:1
      docker push -q $REG/r/bb:1
      docker rmi $REG/r/bb:1
      docker create ${N} --name c1 $REG/r/bb:1 > /dev/null
      docker rmi -f $REG/r/bb:1
      docker run --rm ${N} $REG/r/bb:1 echo ran
      docker run --rm ${N} --pull always $REG/r/bb:1 echo ran
      docker run --rm ${N} --pull never $REG/r/bb:2 echo ran
      docker run --rm ${N} --pull missing $REG/r/bb:nosuch echo ran
      docker run --rm ${N} --pull bogus $REG/r/bb:1 echo ran
      docker create ${N} --pull always $REG/r/bb:nosuch
      docker run --rm ${N} -q --pull always $REG/r/bb:1 echo ran
    `,
  },
  {
    name: 'registry: login and logout',
    registry: true,
    // Kept on purpose: dockerd asks for a tag's manifest with a HEAD first, berth with one GET,
    // and each names the request it made.
    normalize: [[/Get "(http:\/\/\$AREG\/v2\/l\/bb\/manifests\/1)"/g, 'Head "$1"']],
    script: `
      docker tag busybox $AREG/l/bb:1
      docker push $AREG/l/bb:1
      docker login -u u -p wrong $AREG
      docker login -u u -p p $AREG
      sed 's/"auth": ".*"/"auth": "<auth>"/' "$DOCKER_CONFIG/config.json"
      docker push -q $AREG/l/bb:1
      docker logout $AREG
      docker logout $AREG
      echo p | docker login -u u --password-stdin $AREG
      docker pull -q $AREG/l/bb:1
      docker logout $AREG
      docker pull $AREG/l/bb:1
      docker login -u nosuch -p p $AREG
      docker login -u u -p p $REG
      ${API}/auth -H 'Content-Type: application/json' -d '{"username":"u","password":"wrong","serveraddress":"'$AREG'"}'
      ${API}/auth -H 'Content-Type: application/json' -d '{"username":"u","password":"p","serveraddress":"'$AREG'"}'
      docker logout $REG
    `,
  },
  {
    name: 'registry: digest references: images, inspect, tag, rmi, prune',
    registry: true,
    script: `
      docker tag busybox $REG/d/bb:1
      docker push -q $REG/d/bb:1 > /dev/null
      docker inspect -f '{{index .RepoDigests 0}}' $REG/d/bb:1 > dref
      docker rmi $REG/d/bb:1
      docker pull -q $(cat dref)
      # The docker CLI prints one image's repositories in no fixed order.
      docker images --digests | sort
      docker images --format '{{.Repository}}:{{.Tag}} {{.Digest}}' --filter reference=$REG/d/bb
      docker images --filter dangling=true --format '{{.Repository}}:{{.Tag}}'
      docker tag $(cat dref) $REG/d/bb:2
      docker tag $(cat dref) t:1
      docker inspect -f '{{.RepoTags}} {{.RepoDigests}}' t:1
      docker image inspect -f '{{.RepoTags}}' $(cat dref)
      docker rmi $(cat dref)
      docker inspect -f '{{.RepoTags}} {{.RepoDigests}}' t:1
      docker rmi $REG/d/bb:2 t:1
      docker pull -q $(cat dref)
      docker image prune -f
      docker image prune -a -f | grep -c Untagged
      docker images --digests --format '{{.Repository}}:{{.Tag}} {{.Digest}}'
      docker rmi $REG/d/bb@sha256:0000000000000000000000000000000000000000000000000000000000000000
    `,
  },
  {
    name: 'registry: save and load of a pulled image',
    registry: true,
    script: `
      docker tag busybox $REG/s/bb:1
      docker push -q $REG/s/bb:1 > /dev/null
      docker inspect -f '{{index .RepoDigests 0}}' $REG/s/bb:1 > dref
      docker rmi $REG/s/bb:1
      docker pull -q $REG/s/bb:1
      docker save -o s.tar $REG/s/bb:1
      tar -xOf s.tar manifest.json
      tar -xOf s.tar repositories
      docker rmi $REG/s/bb:1
      docker load -i s.tar
      docker inspect -f '{{.RepoTags}} {{.RepoDigests}}' $REG/s/bb:1
      docker save $(cat dref) | tar -xOf - manifest.json
      docker pull -q $(cat dref)
      docker save -o d.tar $(cat dref)
      tar -xOf d.tar manifest.json
    `,
  },
  {
    name: 'registry: distribution inspect',
    registry: true,
    script: `
      docker tag busybox $REG/i/bb:1
      docker push -q $REG/i/bb:1 > /dev/null
      docker inspect -f '{{index .RepoDigests 0}}' $REG/i/bb:1 > dref
      ${API}/distribution/$REG/i/bb:1/json
      ${API}/distribution/$(cat dref)/json
      ${API}/distribution/$REG/i/bb:nosuch/json
      ${API}/distribution/$REG/nosuch/json
      ${API}/distribution/bad%20name/json
      $INDEX $REG/i/bb:multi $REG/i/bb:1=linux/amd64 $REG/i/bb:1=linux/arm64/v8
      ${API}/distribution/$REG/i/bb:multi/json
    `,
  },
  {
    name: 'registry: pull --platform from a manifest list',
    registry: true,
    script: `
      docker tag busybox $REG/m/bb:1
      docker push -q $REG/m/bb:1
      docker rmi $REG/m/bb:1
      $INDEX $REG/m/bb:multi $REG/m/bb:1=linux/amd64 $REG/m/bb:1=linux/arm64/v8 $REG/m/bb:1=linux/arm/v7
      $INDEX $REG/m/bb:armonly $REG/m/bb:1=linux/arm/v7
      docker pull $REG/m/bb:multi
      docker inspect -f '{{.Os}}/{{.Architecture}} {{.Variant}} {{.RepoDigests}}' $REG/m/bb:multi
      docker pull --platform linux/arm64 $REG/m/bb:multi
      docker inspect -f '{{.Os}}/{{.Architecture}} {{.Variant}} {{.RepoDigests}}' $REG/m/bb:multi
      docker pull --platform linux/arm/v7 -q $REG/m/bb:multi
      docker inspect -f '{{.Os}}/{{.Architecture}} {{.Variant}}' $REG/m/bb:multi
      docker pull --platform linux/s390x $REG/m/bb:multi
      docker pull --platform bogus $REG/m/bb:multi
      docker pull $REG/m/bb:armonly
      docker pull --platform linux/arm64 $REG/m/bb:1
      # Two digests of one repository list in the order of their (different) hex on each side.
      docker images --digests --format '{{.Repository}}:{{.Tag}} {{.Digest}}' | sed 's/sha256:[0-9a-f]*/sha256:x/' | sort
      docker rmi -f $REG/m/bb:multi $REG/m/bb:1 > /dev/null
      docker pull -q $REG/m/bb:multi
      docker inspect -f '{{index .RepoDigests 0}}' $REG/m/bb:multi > lref
      docker pull --platform linux/arm64 $(cat lref)
      docker pull -a --platform linux/arm64 $REG/m/bb
      docker images --digests --format '{{.Repository}}:{{.Tag}} {{.Digest}}' | sort
    `,
  },
  {
    name: 'registry: image events of pull, push and tag',
    registry: true,
    script: `
      sleep 1
      date +%s > t0
      docker tag busybox $REG/ev/bb:1
      docker push -q $REG/ev/bb:1 > /dev/null
      docker inspect -f '{{index .RepoDigests 0}}' $REG/ev/bb:1 > dref
      docker rmi $REG/ev/bb:1 > /dev/null
      docker pull -q $REG/ev/bb:1
      docker pull -q $(cat dref)
      docker pull -q $REG/ev/bb:nosuch
      docker pull -a -q $REG/ev/bb
      docker events --since $(cat t0) --until $(($(date +%s) + 1)) --filter type=image --format '{{.Action}} {{.Actor.ID}} {{.Actor.Attributes.name}}'
    `,
  },
  {
    name: 'registry: build FROM a registry image and build --pull',
    registry: true,
    script: `
      docker tag busybox $REG/b/base:1
      docker push -q $REG/b/base:1
      docker rmi $REG/b/base:1
      printf 'FROM %s/b/base:1\\nRUN true\\n' $REG > Dockerfile
      DOCKER_BUILDKIT=0 docker build --network none -t out:1 .
      DOCKER_BUILDKIT=0 docker build --network none --pull -t out:2 .
      printf 'FROM %s/b/base:nosuch\\n' $REG > Dockerfile.2
      DOCKER_BUILDKIT=0 docker build --network none -f Dockerfile.2 .
      docker images --digests --format '{{.Repository}}:{{.Tag}} {{.Digest}}' | sort
    `,
  },
];
export const registryMore: Scenario[] = [
  {
    name: 'registry: pull of layers not here, push of several layers',
    registry: true,
    // Kept on purpose: dockerd's transfer watchers pass on only the latest progress of a layer
    // (a quick one's 'Verifying Checksum' may never show) and say 'Waiting' only for a layer
    // whose turn has not come when it is queued (quick uploads free their slot first); berth
    // says each status, and 'Waiting' for every layer beyond the limit.
    normalize: [
      [/^(?:<id\d+>: Verifying Checksum| +\d+ Waiting| +\d+ Verifying Checksum)\n/gm, ''],
    ],
    script: `
      mkdir r && echo one > r/one && tar -cf r.tar -C r one
      docker import r.tar $REG/n/one:1 > /dev/null
      for f in a b c d e f; do echo $f > $f; done
      printf 'FROM %s/n/one:1\\nCOPY a /a\\nCOPY b /b\\nCOPY c /c\\nCOPY d /d\\nCOPY e /e\\nCOPY f /f\\n' $REG > Dockerfile
      DOCKER_BUILDKIT=0 docker build -q -t $REG/n/many:1 . > /dev/null
      # Layers go in parallel: each status counted.
      docker push $REG/n/many:1 | sed 's/^[0-9a-f]\\{12\\}: //' | sort | uniq -c
      docker push $REG/n/one:1
      docker rmi $REG/n/many:1 $REG/n/one:1 | grep -c Deleted
      docker pull $REG/n/one:1
      # dockerd hands each watcher only the latest progress of a transfer, so its intermediate
      # statuses (fs layer, waiting, checksum, download complete) come and go from run to run.
      docker pull $REG/n/many:1 | sed 's/^[0-9a-f]\\{12\\}: //' | grep -v -e 'Pulling fs layer' -e Waiting -e 'Verifying Checksum' -e 'Download complete' | sort | uniq -c
      docker inspect -f '{{.RepoTags}} {{len .RootFS.Layers}}' $REG/n/many:1
      docker image inspect -f '{{json .Metadata}}' $REG/n/many:1 | grep -c 0001-01-01
      docker history --format '{{.CreatedBy}}' $REG/n/many:1 | head -3
    `,
  },
  {
    name: 'registry: stored credentials that the registry refuses',
    registry: true,
    script: `
      docker tag busybox $AREG/w/bb:1
      echo p | docker login -u u --password-stdin $AREG 2>/dev/null
      docker push -q $AREG/w/bb:1
      sed -i 's/"auth": "[^"]*"/"auth": "dTp3cm9uZw=="/' "$DOCKER_CONFIG/config.json"
      docker push $AREG/w/bb:1
      docker pull $AREG/w/bb:1
      docker run --rm --network none --pull always $AREG/w/bb:1 true
      docker logout $AREG
      docker logout $AREG
    `,
  },
  {
    name: 'registry: run and pull when the registry does not answer',
    registry: true,
    script: `
      docker tag busybox 127.0.0.1:9/x/bb:1
      docker run --rm --network none --pull always 127.0.0.1:9/x/bb:1 true
      docker run --rm --network none --pull missing 127.0.0.1:9/x/bb:1 echo here
      docker create --network none 127.0.0.1:9/x/bb:nosuch
      docker pull 127.0.0.1:9/x/bb@sha256:0000000000000000000000000000000000000000000000000000000000000000
      docker push 127.0.0.1:9/x/bb:1
      docker login -u u -p p 127.0.0.1:9
    `,
  },
  {
    name: 'registry: push events and digest references after push',
    registry: true,
    script: `
      sleep 1
      date +%s > t0
      docker tag busybox $REG/pe/bb:1
      docker tag busybox $REG/pe/bb:2
      docker push -a -q $REG/pe/bb
      docker inspect -f '{{.RepoTags}} {{len .RepoDigests}}' busybox
      docker rmi busybox:latest > /dev/null
      docker rmi $REG/pe/bb:1
      docker images --digests --format '{{.Repository}}:{{.Tag}}' | sort
      docker rmi $REG/pe/bb:2
      docker events --since $(cat t0) --until $(($(date +%s) + 1)) --filter type=image --format '{{.Action}} {{.Actor.ID}} {{.Actor.Attributes.name}}'
    `,
  },
];

export const registryEdges: Scenario[] = [
  {
    name: 'registry: login forms and POST /auth without credentials',
    registry: true,
    // Kept on purpose: dockerd asks for a tag's manifest with a HEAD first, berth with one GET.
    normalize: [[/Get \\"(http:\/\/\$AREG\/v2\/l\/bb\/manifests\/1)\\"/g, 'Head \\"$1\\"']],
    script: `
      docker login -u u -p p http://$AREG 2>/dev/null
      docker login -u u -p p $AREG/ 2>/dev/null
      sed 's/"auth": ".*"/"auth": "<auth>"/' "$DOCKER_CONFIG/config.json"
      docker logout http://$AREG
      docker logout $AREG
      ${API}/auth -H 'Content-Type: application/json' -d '{"serveraddress":"'$REG'"}'
      ${API}/auth -H 'Content-Type: application/json' -d '{"serveraddress":"'$AREG'"}'
      ${API}/auth -H 'Content-Type: application/json' -d '{"username":"u","password":"p","serveraddress":"http://'$AREG'/v2/"}'
      ${API}/distribution/$AREG/l/bb:1/json
    `,
  },
  {
    name: 'registry: a pull that moves a tag leaves the old image dangling; rmi of a digest in use',
    registry: true,
    script: `
      mkdir r && echo one > r/one && tar -cf r.tar -C r one
      docker import r.tar $REG/mv/x:1 > /dev/null
      docker push -q $REG/mv/x:1
      docker tag busybox $REG/mv/x:1
      docker pull -q $REG/mv/x:1
      docker images --filter dangling=true --format '{{.Repository}}:{{.Tag}}'
      docker images --digests --format '{{.Repository}}:{{.Tag}} {{.Digest}}' $REG/mv/x
      docker inspect -f '{{index .RepoDigests 0}}' $REG/mv/x:1 > dref
      docker create --network none --name user1 $(cat dref) true > /dev/null
      docker rmi $(cat dref)
      docker rmi $REG/mv/x:1
      docker images --digests --format '{{.Repository}}:{{.Tag}} {{.Digest}}' $REG/mv/x
      docker rmi $(cat dref)
      docker ps -a --format '{{.Names}} {{.Image}}'
      docker push $(cat dref)
      docker images --filter reference=$REG/mv/x --format '{{.Repository}}:{{.Tag}}'
    `,
  },
  {
    name: 'registry: image events of rmi and prune of pulled images',
    registry: true,
    // Kept on purpose: berth counts the removed images' configs in the space reclaimed, dockerd
    // only their layers (see pruneImages).
    normalize: [[/^prune {2}<no value> \d+$/gm, 'prune  <no value> N']],
    script: `
      mkdir r && echo one > r/one && tar -cf r.tar -C r one
      docker import r.tar $REG/pr/x:1 > /dev/null
      printf 'FROM %s/pr/x:1\\nCOPY Dockerfile /d\\n' $REG > Dockerfile
      DOCKER_BUILDKIT=0 docker build -q -t $REG/pr/y:1 . > /dev/null 2>&1
      docker push -q $REG/pr/x:1
      docker push -q $REG/pr/y:1
      docker rmi $REG/pr/y:1 $REG/pr/x:1 | grep -c Deleted
      docker pull -q $REG/pr/y:1
      docker pull -q $REG/pr/x:1
      docker tag $REG/pr/x:1 other:1
      sleep 1
      date +%s > t0
      docker rmi other:1 $REG/pr/x:1
      docker image prune -a -f | grep -c sha256
      docker events --since $(cat t0) --until $(($(date +%s) + 1)) --filter type=image --format '{{.Action}} {{.Actor.ID}} {{.Actor.Attributes.name}} {{.Actor.Attributes.reclaimed}}'
    `,
  },
  {
    name: 'registry: pull of OCI manifests and an OCI index (pushed by skopeo)',
    registry: true,
    // Kept on purpose: dockerd 20.10's /distribution reads platforms of Docker manifests and
    // lists only (an OCI image manifest gets "Platforms":null, fixed in later dockerd); berth
    // reads the OCI manifest's config as it does a Docker one's.
    normalize: [[/"Platforms":\[\{"architecture":"amd64","os":"linux"\}\]\}/g, '"Platforms":null}']],
    script: `
      mkdir r && echo oci > r/oci && tar -cf r.tar -C r oci
      docker import r.tar oci:1 > /dev/null
      docker save -o o.tar oci:1
      skopeo --insecure-policy copy -q --format oci --dest-tls-verify=false docker-archive:o.tar docker://$REG/oci/x:1
      docker rmi oci:1 | grep -c Deleted
      docker pull $REG/oci/x:1
      docker inspect -f '{{.RepoTags}} {{len .RepoDigests}} {{.Os}}/{{.Architecture}}' $REG/oci/x:1
      ${API}/distribution/$REG/oci/x:1/json | sed 's/"size":[0-9]*/"size":N/'
      OCI=1 $INDEX $REG/oci/x:multi $REG/oci/x:1=linux/amd64 $REG/oci/x:1=linux/arm64/v8
      docker pull -q $REG/oci/x:multi
      docker pull --platform linux/arm64 $REG/oci/x:multi
      ${API}/distribution/$REG/oci/x:multi/json | sed 's/"size":[0-9]*/"size":N/g'
      ${API}/distribution/$REG/oci/x:nosuch/json
      docker push $REG/oci/x:1
    `,
  },
];
