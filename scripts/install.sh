#!/usr/bin/env bash
# README's first command: install everything berth needs, then run the main job, the first
# seed tutorial (scripts/tutorial.sh): make the seed images from Debian packages and serve them
# from the local registry that berthd uses as its docker.io mirror (scripts/make-seed-images.sh,
# which writes /etc/berth/daemon.json before any berth command starts berthd), then build
# examples/go-hello (pulling golang:latest from the mirror), run it (it prints "hello world!"),
# build it again with -t dockerdemo:latest, tag it dockerdemo-build and list the images.
# berth starts berthd by itself when no daemon answers.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/make-seed-images.sh
berth version
bash scripts/tutorial.sh
