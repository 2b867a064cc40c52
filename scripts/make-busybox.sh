#!/usr/bin/env bash
# Makes berth's local busybox base image without internet, from Debian's busybox-static:
#   /bin/busybox with every applet of `busybox --list` hard-linked beside it (as the official
#   image has them), /etc/passwd and /etc/group (root, nobody 65534, user 1000), /tmp (1777),
#   /root, /home/user and empty /dev /proc /sys /usr /var — imported with `berth import`.
#
# Usage: scripts/make-busybox.sh [TAG]          (default TAG: busybox:latest)
#   BERTH=/path/to/berth   the berth command to use (default: `berth` on PATH, else this checkout's)
#   BUSYBOX=/path          the static busybox binary (default: /bin/busybox)
#   Any berth global option can be passed through BERTH_HOST (e.g. unix:///tmp/x.sock).
set -euo pipefail

tag="${1:-busybox:latest}"
busybox="${BUSYBOX:-/bin/busybox}"
here="$(cd "$(dirname "$0")/.." && pwd)"
source "$here/scripts/berth-command.sh"

if [[ ! -x "$busybox" ]]; then
  echo "make-busybox: $busybox not found: apt-get install busybox-static" >&2
  exit 1
fi
if ! file -L "$busybox" 2>/dev/null | grep -q 'statically linked' && ! ldd "$busybox" 2>&1 | grep -q 'not a dynamic'; then
  echo "make-busybox: $busybox is not statically linked (install busybox-static)" >&2
  exit 1
fi

root="$(mktemp -d "${TMPDIR:-/tmp}/berth-busybox.XXXXXX")"
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,dev,etc,home/user,proc,root,sys,tmp,usr,var}
cp "$busybox" "$root/bin/busybox"
chmod 0755 "$root/bin/busybox"
for applet in $("$busybox" --list); do
  case "$applet" in busybox | */*) continue ;; esac
  ln "$root/bin/busybox" "$root/bin/$applet"
done
cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
user:x:1000:1000:user:/home/user:/bin/sh
EOF
cat >"$root/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
user:x:1000:
EOF
chmod 0755 "$root"/{bin,dev,etc,home,home/user,proc,sys,usr,var}
chmod 0644 "$root/etc/passwd" "$root/etc/group"
chmod 0700 "$root/root"
chmod 1777 "$root/tmp"
chown -R 0:0 "$root"
chown 1000:1000 "$root/home/user"

# Fixed order, owners and times: the same machine always makes the same layer.
tar --sort=name --numeric-owner --mtime='@1700000000' -C "$root" -cf - \
  bin dev etc home proc root sys tmp usr var |
  "${berth[@]}" import - "$tag"
