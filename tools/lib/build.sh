# SPDX-License-Identifier: GPL-3.0-or-later
# Configures (once) and builds a build folder. Sourced by tools/run and tools/test.
#   terrarium_build DIR [meson setup options...]
terrarium_build() {
  local dir=$1
  shift
  if [ -e "$dir/build.ninja" ]; then
    meson configure "$dir" "$@" >/dev/null
  else
    meson setup "$dir" "$terrarium_top" "$@"
  fi
  meson compile -C "$dir"
}
