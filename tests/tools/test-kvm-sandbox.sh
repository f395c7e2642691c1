#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tools/kvm-sandbox's nested mode, as used on machines without /dev/kvm: one
# boot of the nested machine checks that KVM works inside (terrarium-vmm
# --check-kvm), that the checkout is writable at the same path, that stdout and
# stderr arrive apart, that loopback is up, and that the exit status comes back.
#
# Usage: test-kvm-sandbox.sh TERRARIUM_VMM
set -uo pipefail
vmm=$1
top=${TERRARIUM_SOURCE_ROOT:?}
build=${TERRARIUM_BUILD_ROOT:?}

work=$(mktemp -d "$build/sandbox-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

"$top/tools/kvm-sandbox" --mode nested --timeout 280 --share "$build" -- bash -c '
  set -e
  "$1" --check-kvm
  echo written-inside >"$PWD/from-inside"
  ip addr show lo | grep -q "inet 127.0.0.1"
  echo "$TERRARIUM_IN_SANDBOX" >sandbox-flag
  echo to-stderr >&2
  exit 7
' sandbox-test "$vmm" >"$work/stdout" 2>"$work/stderr"
rc=$?

echo "--- stdout"; cat "$work/stdout"
echo "--- stderr"; cat "$work/stderr"
fail=0
check() {
  if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi
}
check "exit status propagated (7)" '[ "$rc" -eq 7 ]'
check "KVM usable inside" 'grep -q "KVM API version 12, usable" "$work/stdout"'
check "stderr kept apart" 'grep -qx to-stderr "$work/stderr" && ! grep -q to-stderr "$work/stdout"'
check "working directory writable at the same path" 'grep -qx written-inside "$work/from-inside"'
check "the command knows it is sandboxed" 'grep -qx 1 "$work/sandbox-flag"'
exit $fail
