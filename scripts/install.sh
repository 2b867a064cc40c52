#!/usr/bin/env bash
# README's first command: install everything berth needs, then run the main job.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
berth version
