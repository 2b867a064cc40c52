#!/usr/bin/env bash
# The tutorial flow on examples/hello: build it with -t hello:latest, list it, tag it, run it.
#   scripts/demo.sh                 uses `berth` on PATH (or this checkout's build)
#   BERTH=/path/to/berth            the berth command to use (also for make-busybox.sh)
# The local busybox base image is made first when missing (scripts/make-busybox.sh).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
source "$here/scripts/berth-command.sh"
say() { printf '\n$ berth %s\n' "$*"; }

if ! "${berth[@]}" image inspect busybox:latest >/dev/null 2>&1; then
  bash "$here/scripts/make-busybox.sh" busybox:latest
fi
say build -t hello:latest examples/hello
"${berth[@]}" build -t hello:latest "$here/examples/hello"
say images hello
"${berth[@]}" images hello
say tag hello:latest hello:v1
"${berth[@]}" tag hello:latest hello:v1
say run --rm hello:v1
"${berth[@]}" run --rm hello:v1
