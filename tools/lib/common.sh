# SPDX-License-Identifier: GPL-3.0-or-later
# Shared helpers for the scripts in tools/. Sourced, never run.

terrarium_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
terrarium_cache=${TERRARIUM_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/terrarium}

die() {
  printf '%s: error: %s\n' "${0##*/}" "$*" >&2
  exit 1
}

note() {
  printf '%s: %s\n' "${0##*/}" "$*" >&2
}

# Runs a command as root: directly when we are root, else through sudo.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "'$*' needs root, and sudo is not installed. Run this script as root, or install sudo and add $(id -un) to the sudo group."
  fi
}
