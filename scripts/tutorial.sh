#!/usr/bin/env bash
# README's main job, the first seed tutorial, on examples/go-hello: `berth build .` pulls
# golang:latest (from the local seed registry, berthd's docker.io mirror: see
# scripts/make-seed-images.sh) and compiles the Go program, `berth run ID` prints
# "hello world!"; then the same build tagged dockerdemo:latest, `berth tag dockerdemo:latest
# dockerdemo-build` and `berth images`.
#   BERTH=/path/to/berth   the berth command to use (default: `berth` on PATH, else this checkout's)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
source "$here/scripts/berth-command.sh"
say() { printf '\n$ berth %s\n' "$*"; }
iid="$(mktemp "${TMPDIR:-/tmp}/berth-tutorial-iid.XXXXXX")"
trap 'rm -f "$iid"' EXIT

cd "$here/examples/go-hello"
say build .
"${berth[@]}" build --iidfile "$iid" .
id="$(cut -c8-19 "$iid")"
say run "$id"
"${berth[@]}" run "$id"
say build -t dockerdemo:latest .
"${berth[@]}" build -t dockerdemo:latest .
say tag dockerdemo:latest dockerdemo-build
"${berth[@]}" tag dockerdemo:latest dockerdemo-build
say images
"${berth[@]}" images
