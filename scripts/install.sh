#!/usr/bin/env bash
# README's first command: install everything berth needs, then run the main job.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# berth starts berthd by itself when no daemon answers.
berth version
# The local base image, made from Debian's busybox-static (no registry is reachable here).
if ! berth image inspect busybox:latest >/dev/null 2>&1; then
  bash scripts/make-busybox.sh busybox:latest
fi
berth images
