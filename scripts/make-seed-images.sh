#!/usr/bin/env bash
# Makes the seed tutorials' base images without Docker Hub, from Debian packages only, and
# serves them from a local registry that berthd uses as its docker.io mirror:
#   golang:latest          Debian bookworm minbase + golang-go (Go 1.19), GOPATH=/go, PATH and
#                          WORKDIR /go as the official image
#   nginx:mainline-alpine  a stand-in: Debian bookworm minbase + Debian's nginx, configured as
#                          the official image (logs to stdout/stderr, /usr/share/nginx/html,
#                          EXPOSE 80, STOPSIGNAL SIGQUIT, CMD ["nginx", "-g", "daemon off;"])
# Each rootfs is made once with debootstrap from deb.debian.org and kept as a tar in the cache
# (default /var/cache/berth-seed), so a second run takes seconds.
#
# Usage: scripts/make-seed-images.sh [MODE] [golang|nginx]…     (default: both images)
#   (no mode)  make the tars, start the local registry (CNCF Distribution, Debian's
#              docker-registry) on 127.0.0.1:5115 with its storage in /var/lib/berth-seed-registry,
#              push both images to it as library/golang:latest and library/nginx:mainline-alpine,
#              and make it berthd's docker.io mirror in /etc/berth/daemon.json
#   --tars     only make the cached rootfs tars
#   --local    make the tars and import them straight into the daemon, tagged golang:latest and
#              nginx:mainline-alpine (no registry)
#   --stop     stop the local registry this script started
# Environment:
#   BERTH=/path/to/berth          the berth command to use (default: `berth` on PATH, else this checkout's)
#   BERTH_SEED_CACHE=DIR          where the rootfs tars are kept (default /var/cache/berth-seed)
#   BERTH_SEED_REGISTRY=HOST:PORT push to this registry instead: nothing is started, daemon.json is left alone
#   BERTH_SEED_PORT, BERTH_SEED_REGISTRY_DIR, BERTH_DAEMON_JSON   the local registry's port (5115), its
#                                 directory (/var/lib/berth-seed-registry) and the daemon.json to write
#   DEBIAN_MIRROR=URL             the Debian archive (default http://deb.debian.org/debian)
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
cache="${BERTH_SEED_CACHE:-/var/cache/berth-seed}"
regdir="${BERTH_SEED_REGISTRY_DIR:-/var/lib/berth-seed-registry}"
regport="${BERTH_SEED_PORT:-5115}"
suite=bookworm
archive="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
daemon_json="${BERTH_DAEMON_JSON:-/etc/berth/daemon.json}"
source "$here/scripts/berth-command.sh"

say() { echo "make-seed-images: $*" >&2; }
die() {
  say "$*"
  exit 1
}

mode=registry
case "${1:-}" in
--tars) mode=tars && shift ;;
--local) mode=local && shift ;;
--stop) mode=stop && shift ;;
-h | --help)
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
  exit 0
  ;;
-*) die "unknown option $1 (see --help)" ;;
esac
images=("$@")
((${#images[@]})) || images=(golang nginx)
for i in "${images[@]}"; do
  [[ "$i" == golang || "$i" == nginx ]] || die "unknown image $i: golang or nginx"
done

# --- the registry ---------------------------------------------------------------------------
registry_pid() {
  local pid
  pid="$(cat "$regdir/registry.pid" 2>/dev/null)" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && grep -q docker-registry "/proc/$pid/cmdline" 2>/dev/null && echo "$pid"
}

answers() { # URL: true when a GET answers 2xx
  node -e 'const accept = "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.index.v1+json";
fetch(process.argv[1], { method: "HEAD", headers: { accept } }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(2))' "$1"
}

stop_registry() {
  local pid
  if pid="$(registry_pid)"; then
    kill "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    say "stopped the seed registry (pid $pid)"
  else
    say "the seed registry is not running"
  fi
  rm -f "$regdir/registry.pid"
}

start_registry() {
  if registry_pid >/dev/null && answers "http://127.0.0.1:$regport/v2/"; then return; fi
  [[ -x /usr/bin/docker-registry ]] || die "/usr/bin/docker-registry not found: apt-get install docker-registry"
  mkdir -p "$regdir/data"
  cat >"$regdir/config.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $regdir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$regport
EOF
  setsid /usr/bin/docker-registry serve "$regdir/config.yml" </dev/null >>"$regdir/registry.log" 2>&1 &
  echo $! >"$regdir/registry.pid"
  for _ in $(seq 100); do
    answers "http://127.0.0.1:$regport/v2/" && {
      say "seed registry on 127.0.0.1:$regport (pid $(cat "$regdir/registry.pid"), log $regdir/registry.log)"
      return
    }
    kill -0 "$(cat "$regdir/registry.pid")" 2>/dev/null || break
    sleep 0.1
  done
  die "the seed registry did not start: see $regdir/registry.log"
}

if [[ "$mode" == stop ]]; then
  stop_registry
  exit 0
fi

# --- the rootfs tars ------------------------------------------------------------------------
customize_golang() {
  local r="$1"
  mkdir -p "$r/go/src" "$r/go/bin" "$r/usr/local/go"
  chmod -R 1777 "$r/go"
}

customize_nginx() {
  local r="$1"
  # As the official image: logs to the container's stdout/stderr, pages in /usr/share/nginx/html.
  ln -sf /dev/stdout "$r/var/log/nginx/access.log"
  ln -sf /dev/stderr "$r/var/log/nginx/error.log"
  rm -f "$r/etc/nginx/sites-enabled/default"
  mkdir -p "$r/etc/nginx/conf.d" "$r/usr/share/nginx/html"
  cat >"$r/etc/nginx/conf.d/default.conf" <<'EOF'
server {
    listen       80;
    listen  [::]:80;
    server_name  localhost;

    location / {
        root   /usr/share/nginx/html;
        index  index.html index.htm;
    }

    error_page   500 502 503 504  /50x.html;
    location = /50x.html {
        root   /usr/share/nginx/html;
    }
}
EOF
  cat >"$r/usr/share/nginx/html/index.html" <<'EOF'
<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto; font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and working.</p>
<p>This is berth's seed stand-in for <em>nginx:mainline-alpine</em>: Debian's nginx package,
configured as the official image.</p>
</body>
</html>
EOF
  cat >"$r/usr/share/nginx/html/50x.html" <<'EOF'
<!DOCTYPE html>
<html>
<head><title>Error</title></head>
<body><h1>An error occurred.</h1></body>
</html>
EOF
}

make_tar() { # NAME: $cache/NAME.tar, made once
  local name="$1" pkgs work
  [[ -s "$cache/$name.tar" ]] && return
  case "$name" in
  golang) pkgs=golang-go,ca-certificates ;;
  nginx) pkgs=nginx ;;
  esac
  command -v debootstrap >/dev/null || die "debootstrap not found: apt-get install debootstrap"
  [[ $EUID -eq 0 ]] || die "debootstrap needs root"
  mkdir -p "$cache/debs"
  # One debootstrap at a time shares the package cache; another run may have made it meanwhile.
  exec 9>"$cache/.lock"
  flock 9
  [[ -s "$cache/$name.tar" ]] && return
  work="$(mktemp -d "$cache/work-$name.XXXXXX")"
  say "making the $name rootfs with debootstrap ($suite minbase + $pkgs from $archive)"
  local t0=$SECONDS
  if ! debootstrap --variant=minbase --include="$pkgs" --cache-dir="$cache/debs" "$suite" "$work/root" "$archive" >"$work/debootstrap.log" 2>&1; then
    tail -20 "$work/debootstrap.log" >&2
    umount -R "$work/root/proc" "$work/root/sys" 2>/dev/null || true
    rm -rf --one-file-system "$work"
    die "debootstrap failed for $name"
  fi
  "customize_$name" "$work/root"
  rm -rf "$work/root"/var/lib/apt/lists/* "$work/root"/var/cache/apt/*.bin "$work/root"/var/cache/apt/archives/*.deb \
    "$work/root"/var/log/*.log "$work/root"/var/log/apt/* "$work/root"/tmp/* "$work/root"/var/tmp/*
  tar --sort=name --numeric-owner --one-file-system --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' \
    -C "$work/root" -cf "$work/$name.tar" .
  sync -f "$work/$name.tar"
  mv "$work/$name.tar" "$cache/$name.tar"
  rm -rf --one-file-system "$work"
  say "made $cache/$name.tar ($(du -m "$cache/$name.tar" | cut -f1) MB) in $((SECONDS - t0)) s"
}

for i in "${images[@]}"; do make_tar "$i"; done
[[ "$mode" == tars ]] && exit 0

# --- the images -----------------------------------------------------------------------------
dockerfile() { # NAME: the config the official image has, on top of the imported rootfs
  echo "FROM berth-seed-rootfs/$1:import"
  case "$1" in
  golang)
    cat <<'EOF'
LABEL org.opencontainers.image.description="berth seed image: Debian bookworm minbase with golang-go"
ENV GOPATH=/go
ENV PATH=/go/bin:/usr/local/go/bin:/usr/lib/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
WORKDIR /go
CMD ["bash"]
EOF
    ;;
  nginx)
    cat <<'EOF'
LABEL org.opencontainers.image.description="berth seed stand-in for nginx:mainline-alpine: Debian bookworm minbase with Debian's nginx"
EXPOSE 80
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
EOF
    ;;
  esac
}

ref_of() { # NAME: repository:tag of the seed image
  case "$1" in
  golang) echo golang:latest ;;
  nginx) echo nginx:mainline-alpine ;;
  esac
}

make_image() { # NAME TARGET: import the tar and build the config on top, tagged TARGET
  local name="$1" target="$2" ctx
  ctx="$(mktemp -d "${TMPDIR:-/tmp}/berth-seed-ctx.XXXXXX")"
  dockerfile "$name" >"$ctx/Dockerfile"
  "${berth[@]}" import "$cache/$name.tar" "berth-seed-rootfs/$name:import" >/dev/null
  "${berth[@]}" build -q -t "$target" "$ctx" >/dev/null
  "${berth[@]}" rmi "berth-seed-rootfs/$name:import" >/dev/null
  rm -rf "$ctx"
}

if [[ "$mode" == local ]]; then
  for i in "${images[@]}"; do
    make_image "$i" "$(ref_of "$i")"
    say "imported $(ref_of "$i")"
  done
  exit 0
fi

registry="${BERTH_SEED_REGISTRY:-}"
if [[ -z "$registry" ]]; then
  registry="127.0.0.1:$regport"
  # berthd reads daemon.json when it starts: write it before any berth command starts one.
  mkdir -p "$(dirname "$daemon_json")"
  node - "$daemon_json" "http://$registry" <<'EOF'
const fs = require('node:fs');
const [file, mirror] = process.argv.slice(2);
let cfg = {};
try { cfg = JSON.parse(fs.readFileSync(file, 'utf8')); } catch (e) { if (e.code !== 'ENOENT') throw e; }
const mirrors = Array.isArray(cfg['registry-mirrors']) ? cfg['registry-mirrors'] : [];
if (!mirrors.includes(mirror)) {
  cfg['registry-mirrors'] = [mirror, ...mirrors];
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w', 0o644);
  fs.writeSync(fd, `${JSON.stringify(cfg, null, 2)}\n`);
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  fs.renameSync(tmp, file);
  console.error(`make-seed-images: ${file}: registry-mirrors ${JSON.stringify(cfg['registry-mirrors'])}`);
}
EOF
  start_registry
fi

for i in "${images[@]}"; do
  ref="$(ref_of "$i")"
  repo="library/${ref%%:*}"
  tag="${ref#*:}"
  # Pushed before from the same tar (the local registry only): nothing to do.
  stamp="$regdir/$i.pushed"
  ident="$(stat -c '%s %Y %i' "$cache/$i.tar")"
  if [[ -z "${BERTH_SEED_REGISTRY:-}" && "$(cat "$stamp" 2>/dev/null)" == "$ident" ]] && answers "http://$registry/v2/$repo/manifests/$tag"; then
    say "$registry/$repo:$tag is up to date"
    continue
  fi
  make_image "$i" "$registry/$repo:$tag"
  "${berth[@]}" push -q "$registry/$repo:$tag" >/dev/null
  # Only the registry keeps it: the tutorials pull it from there.
  "${berth[@]}" rmi "$registry/$repo:$tag" >/dev/null
  [[ -n "${BERTH_SEED_REGISTRY:-}" ]] || echo "$ident" >"$stamp"
  say "pushed $registry/$repo:$tag"
done

if [[ -z "${BERTH_SEED_REGISTRY:-}" ]]; then
  mirrors="$("${berth[@]}" info --format '{{json .RegistryConfig.Mirrors}}' 2>/dev/null || true)"
  if [[ "$mirrors" != *"http://$registry"* ]]; then
    # A berthd that `berth` started by itself (its command line is exactly that) is restarted
    # to read daemon.json; containers keep running, and the next berth command starts it again.
    data_root="${BERTH_DATA_ROOT:-/var/lib/berth}"
    exec_root="${BERTH_EXEC_ROOT:-/run/berth}"
    pid="$(head -1 "$data_root/berthd.lock" 2>/dev/null || true)"
    auto="$(tr '\0' ' ' <"/proc/${pid:-0}/cmdline" 2>/dev/null || true)"
    if [[ -z "${BERTH:-}${BERTH_HOST:-}" && "$pid" =~ ^[0-9]+$ && "$auto" == *"/daemon/main.js --data-root $data_root --exec-root $exec_root " ]]; then
      say "restarting berthd (pid $pid) so that it reads $daemon_json"
      kill -TERM "$pid"
      for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      mirrors="$("${berth[@]}" info --format '{{json .RegistryConfig.Mirrors}}' 2>/dev/null || true)"
    fi
    if [[ "$mirrors" != *"http://$registry"* ]]; then
      say "berthd is running without the mirror http://$registry (it started before $daemon_json had it):"
      say "restart it to pull the seed images through the mirror"
    fi
  fi
fi
