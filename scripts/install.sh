#!/usr/bin/env bash
# README's first command: install everything berth needs, then run the main job: make the
# local busybox base image (no registry is reachable here), build examples/hello with
# -t hello:latest, list it, tag it and run it (it prints "hello world!").
# berth starts berthd by itself when no daemon answers.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
berth version
bash scripts/demo.sh
