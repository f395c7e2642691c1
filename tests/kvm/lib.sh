# SPDX-License-Identifier: GPL-3.0-or-later
# Shared by the kvm suite's shell tests: builds the test guest once per test
# and runs terrarium-vmm on it. Sourced.
set -uo pipefail
top=${TERRARIUM_SOURCE_ROOT:?}
vmm=${TERRARIUM_VMM:?}

if [ ! -c /dev/kvm ]; then
  [ -n "${TERRARIUM_REQUIRE_KVM:-}" ] && { echo "no /dev/kvm" >&2; exit 1; }
  echo "skipped: no /dev/kvm (run the kvm suite through tools/kvm-sandbox)"
  exit 77
fi

work=$(mktemp -d)
vmm_pid=
cleanup() {
  [ -n "$vmm_pid" ] && kill -9 "$vmm_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

kroot=$("$top/tools/fetch-kernel" --offline) || exit 1
kver=$(ls "$kroot/lib/modules" | head -n 1)
kernel=$kroot/boot/vmlinuz-$kver
initrd=$work/guest.cpio.gz
guest_cmdline="console=ttyS0 loglevel=4 panic=-1"

# Guests run at emulation speed inside the nested sandbox.
vmm_timeout=$((240 * ${TERRARIUM_TIMEOUT_SCALE:-1}))

guest_modules=(-m virtio_pci -m virtio_blk -m virtio_rng -m button -m evdev)

make_guest() {
  local adds=() s
  for s in "$top"/tests/guest/scenarios/*; do
    adds+=(-a "$s=/scenarios/${s##*/}")
  done
  for s in "${TERRARIUM_GUEST_BIN_DIR:?}"/guest-*; do
    [ -f "$s" ] && [ -x "$s" ] && adds+=(-a "$s=/scenarios/${s##*/guest-}")
  done
  "$top/tools/make-test-guest" -k "$kroot" -o "$initrd" "${guest_modules[@]}" "${adds[@]}" || exit 1
}

failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
pass() {
  echo "ok: $*"
}

# expect FILE REGEX DESCRIPTION
expect() {
  if grep -qE "$2" "$1"; then pass "$3"; else fail "$3 (no line matching '$2' in ${1##*/})"; fi
}

# run_vmm SCENARIO LOG [terrarium-vmm options...]: runs in the foreground,
# serial console to LOG; sets vmm_status.
run_vmm() {
  local scenario=$1 log=$2
  shift 2
  timeout -k 5 "$vmm_timeout" "$vmm" --kernel "$kernel" --initrd "$initrd" \
    --cmdline "$guest_cmdline terrarium.scenario=$scenario" --serial "file:$log" "$@" </dev/null
  vmm_status=$?
  echo "--- serial console ($scenario)"
  cat "$log"
  echo "--- terrarium-vmm exit status: $vmm_status"
}

# wait_for FILE REGEX SECONDS
wait_for() {
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    grep -qE "$2" "$1" 2>/dev/null && return 0
    kill -0 "$vmm_pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# start_vmm SCENARIO LOG [options]: in the background, sets vmm_pid.
start_vmm() {
  local scenario=$1 log=$2
  shift 2
  : >"$log"
  "$vmm" --kernel "$kernel" --initrd "$initrd" --memory 256M \
    --cmdline "$guest_cmdline terrarium.scenario=$scenario" --serial "file:$log" "$@" </dev/null &
  vmm_pid=$!
}

wait_exit() {
  local i
  for ((i = 0; i < $1 * 10; i++)); do
    kill -0 "$vmm_pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$vmm_pid" 2>/dev/null; then
    vmm_status=timeout
    kill -9 "$vmm_pid"
  else
    wait "$vmm_pid"
    vmm_status=$?
  fi
  vmm_pid=
}

finish() {
  if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed"
    exit 1
  fi
  exit 0
}
