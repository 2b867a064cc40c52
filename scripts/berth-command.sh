# Sourced by the scripts here: sets the array `berth` to the berth command to use, given
# `here` (this checkout): $BERTH when set, else `berth` on PATH, else this checkout's CLI.
if [[ -n "${BERTH:-}" ]]; then
  berth=("$BERTH")
elif command -v berth >/dev/null 2>&1; then
  berth=(berth)
else
  berth=(node "$here/dist/src/cli/main.js")
fi
