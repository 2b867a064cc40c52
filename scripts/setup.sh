#!/usr/bin/env bash
# Installs what berth needs on Debian 12, as root, idempotently:
#   Debian packages (see README, "System packages"), npm dependencies, the build,
#   and `berth` / `berthd` on PATH (/usr/local/bin).
# Usage: scripts/setup.sh [--test]   (--test adds the packages only the tests need)
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(runc netavark aardvark-dns iptables busybox-static tini catatonit file debootstrap docker-registry libc6-dev)
if [[ "${1:-}" == "--test" ]]; then
  pkgs+=(tmux openssl python3 skopeo docker.io docker-compose chromium)
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi
npm run build --silent

ln -sf "$PWD/dist/native/berth" /usr/local/bin/berth
ln -sf "$PWD/dist/src/daemon/main.js" /usr/local/bin/berthd
chmod +x dist/src/cli/main.js dist/src/daemon/main.js
