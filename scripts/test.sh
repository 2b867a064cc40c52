#!/usr/bin/env bash
# README's second command: install what the tests need, then run the whole suite (npm test).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
npm test
