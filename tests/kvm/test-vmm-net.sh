#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# virtio-net and the user-mode NAT end to end, all on this machine:
#  1. the guest gets 10.0.2.15 by DHCP, and slirp's DNS (10.0.2.3) answers a
#     name through the host's resolver (a stub on 127.0.0.1 in a private
#     mount namespace, so this needs root; skipped otherwise);
#  2. the guest fetches a file from an HTTP server on the host's 127.0.0.1
#     (10.0.2.2 in the guest) and its checksum matches; the same over IPv6
#     (SLAAC address, fec0::2 in the guest is the host's ::1);
#  3. a host TCP port forward reaches the guest's httpd, data intact, and a
#     UDP forward its echo server; D-Bus lists the forwards and takes the
#     link down and up (the guest sees carrier);
#  4. isolated: the same fetches fail over IPv4 and IPv6, the TCP forward
#     still works; a UDP forward is refused up front (isolated mode drops
#     all of the guest's UDP, so it could never answer);
#  5. a forward on a busy port stops the VMM before the guest starts.
if [ -z "${TERRARIUM_NET_NS:-}" ] && [ "$(id -u)" = 0 ] && command -v unshare >/dev/null &&
  [ -c /dev/kvm ]; then
  # Our own /etc/resolv.conf, seen by this test only.
  exec env TERRARIUM_NET_NS=1 unshare -m --propagation private "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
guest_modules+=(-m virtio_net)
make_guest

py=/usr/bin/python3
sock=$work/control.sock
scale=${TERRARIUM_TIMEOUT_SCALE:-1}
pids=()
cleanup_net() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  [ -n "${TERRARIUM_NET_NS:-}" ] && umount /etc/resolv.conf 2>/dev/null
  cleanup
}
trap cleanup_net EXIT

# free_port [tcp|udp|tcp6]: a port nobody uses on loopback.
free_port() {
  "$py" - "${1:-tcp}" <<'PY'
import socket, sys
kind = sys.argv[1]
family, addr = (socket.AF_INET6, "::1") if kind == "tcp6" else (socket.AF_INET, "127.0.0.1")
s = socket.socket(family, socket.SOCK_DGRAM if kind == "udp" else socket.SOCK_STREAM)
s.bind((addr, 0))
print(s.getsockname()[1])
PY
}
vmm_call() {
  local method=$1
  shift
  gdbus call --address "unix:path=$sock" --dest org.terrarium.Terrarium.Vmm \
    --object-path /org/terrarium/Terrarium/Vmm --method "org.terrarium.Terrarium.Vmm1.$method" "$@"
}
# fetch PORT PATH: the SHA-256 of what the host gets from 127.0.0.1:PORT.
fetch() {
  "$py" - "$1" "$2" <<'PY' 2>&1
import hashlib, sys, urllib.request
data = urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/{sys.argv[2]}", timeout=60).read()
print(hashlib.sha256(data).hexdigest())
PY
}
# udp_echo PORT: what the guest's echo server behind 127.0.0.1:PORT says.
udp_echo() {
  "$py" - "$1" <<'PY' 2>&1
import os, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
msg = os.urandom(16).hex().encode()
# The first datagram can be lost while the guest resolves slirp's MAC.
for attempt in range(6):
    s.sendto(msg, ("127.0.0.1", int(sys.argv[1])))
    try:
        data = s.recv(4096)
    except socket.timeout:
        continue
    print("intact" if data == b"echo:" + msg else f"wrong answer {data!r}")
    break
else:
    print("no answer")
PY
}
# value LOG KEY: what the guest printed after "KEY: ".
value() {
  sed -n "s/^$2: //p" "$1" | tail -n 1 | tr -d '\r'
}

if ! ip -o link show lo 2>/dev/null | grep -q 'UP'; then
  ip link set lo up 2>/dev/null || echo "warning: cannot bring lo up"
fi

mkdir -p "$work/www"
head -c 2097152 /dev/urandom >"$work/www/file"
file_sum=$(sha256sum <"$work/www/file" | cut -d' ' -f1)
http_port=$(free_port)
"$py" -m http.server --bind 127.0.0.1 --directory "$work/www" "$http_port" >"$work/http.log" 2>&1 &
pids+=($!)
# IPv6 where the host has it (the sandbox's lo does).
http6_port=
if "$py" -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null; then
  http6_port=$(free_port tcp6)
  "$py" -m http.server --bind ::1 --directory "$work/www" "$http6_port" >"$work/http6.log" 2>&1 &
  pids+=($!)
else
  echo "note: no ::1 on this host: the IPv6 checks are skipped"
fi

dns_name=host.terrarium.test
dns=0
if [ -n "${TERRARIUM_NET_NS:-}" ]; then
  echo "nameserver 127.0.0.1" >"$work/resolv.conf"
  if mount --bind "$work/resolv.conf" /etc/resolv.conf; then
    "$py" "$top/tests/kvm/dns-stub.py" 127.0.0.1 53 "$dns_name" 10.0.2.2 >"$work/dns.log" 2>&1 &
    pids+=($!)
    dns=1
  fi
fi
[ "$dns" = 1 ] || echo "note: not root (or no unshare): the DNS check is skipped"
for ((i = 0; i < 50; i++)); do
  "$py" -c "import socket; socket.create_connection(('127.0.0.1', $http_port), 1)" 2>/dev/null && break
  sleep 0.1
done

# 5. Busy port: refused at once, naming it; no guest runs.
"$vmm" --kernel "$kernel" --serial none --net-forward "tcp:127.0.0.1:$http_port-:80" \
  >"$work/busy.log" 2>&1 </dev/null
busy_status=$?
cat "$work/busy.log"
[ "$busy_status" -eq 1 ] && pass "busy forward: exit status 1" || fail "busy forward: exit status $busy_status"
expect "$work/busy.log" "Cannot forward host port $http_port \(tcp:127.0.0.1:$http_port-:80\)" \
  "busy forward: the message names the port"

boot_timeout=$((240 * scale))
cmdline="$guest_cmdline terrarium.scenario=net terrarium.http=$http_port terrarium.dns=$dns_name"
[ -n "$http6_port" ] && cmdline+=" terrarium.http6=$http6_port"

# 1-3: NAT.
fwd_port=$(free_port)
udp_port=$(free_port udp)
log=$work/net.log
start_vmm net "$log" --cmdline "$cmdline" --control "$sock" --mac 52:54:00:12:34:99 \
  --net-forward "tcp:127.0.0.1:$fwd_port-:8080" --net-forward "udp:127.0.0.1:$udp_port-:8081"
if wait_for "$log" '^guest-net: serving' "$boot_timeout"; then
  pass "guest up with its network"
else
  fail "the guest did not get to serving"
fi
expect "$log" '^guest-net-driver: virtio_net' "the guest's driver is virtio_net"
expect "$log" '^guest-net-mac: 52:54:00:12:34:99' "the MAC from --mac"
expect "$log" '^guest-net-addr: 10\.0\.2\.15/24' "DHCP gave 10.0.2.15/24"
expect "$log" '^guest-net-gateway: 10\.0\.2\.2\b' "DHCP gave the gateway 10.0.2.2"
expect "$log" '^guest-net-nameserver: 10\.0\.2\.3\b' "DHCP gave the DNS server 10.0.2.3"
if [ "$dns" = 1 ]; then
  expect "$log" "^guest-net-dns: $dns_name 10\.0\.2\.2\b" "slirp's DNS resolved $dns_name"
  cat "$work/dns.log"
fi
expect "$log" "^guest-net-http: $file_sum" "the guest fetched the host's file intact"
if [ -n "$http6_port" ]; then
  expect "$log" '^guest-net-addr6: fec0::[0-9a-f:]+/64' "SLAAC gave an address in fec0::/64"
  expect "$log" '^guest-net-ping6: ok' "the guest pings fec0::2"
  expect "$log" "^guest-net-http6: $file_sum" "the guest fetched the host's file over IPv6 intact"
fi
served=$(value "$log" guest-net-served)
got=$(fetch "$fwd_port" served)
[ -n "$served" ] && [ "$got" = "$served" ] && pass "the forward reached the guest's httpd, data intact" ||
  fail "forward: got '$got', guest served '$served'"
answer=$(udp_echo "$udp_port")
[ "$answer" = intact ] && pass "the UDP forward reached the guest's echo server and back" ||
  fail "UDP forward: $answer"
forwards=$(vmm_call ListForwards 2>&1)
echo "ListForwards: $forwards"
[[ $forwards == *"'tcp:127.0.0.1:$fwd_port-:8080'"* && $forwards == *"'udp:127.0.0.1:$udp_port-:8081'"* ]] &&
  pass "D-Bus lists the forwards" || fail "D-Bus ListForwards: $forwards"
vmm_call SetLink false >/dev/null && wait_for "$log" '^guest-net-carrier: 0' $((30 * scale)) &&
  pass "SetLink false: the guest lost carrier" || fail "SetLink false: no carrier loss in the guest"
[ "$(vmm_call GetLink 2>&1)" = "(false,)" ] && pass "GetLink says down" || fail "GetLink: $(vmm_call GetLink 2>&1)"
vmm_call SetLink true >/dev/null
for ((i = 0; i < 300 * scale; i++)); do
  [ "$(grep -c '^guest-net-carrier: 1' "$log")" -ge 2 ] && break
  sleep 0.1
done
[ "$(grep -c '^guest-net-carrier: 1' "$log")" -ge 2 ] && pass "SetLink true: carrier back" ||
  fail "SetLink true: no carrier in the guest"
got=$(fetch "$fwd_port" served)
[ "$got" = "$served" ] && pass "the forward works after the link came back" || fail "forward after link up: $got"
kill -TERM "$vmm_pid"
wait_exit $((60 * scale))
[ "$vmm_status" = 0 ] && pass "NAT guest powered off" || fail "NAT guest: exit status $vmm_status"
echo "--- serial console (NAT)"
cat "$log"

# 4: isolated.
fwd_port=$(free_port)
udp_port=$(free_port udp)
"$vmm" --kernel "$kernel" --serial none --net isolated --net-forward "udp::$udp_port-:8081" \
  >"$work/isolated-udp.log" 2>&1 </dev/null
status=$?
cat "$work/isolated-udp.log"
[ "$status" -eq 2 ] && pass "isolated + UDP forward: refused as a configuration error (exit status 2)" ||
  fail "isolated + UDP forward: exit status $status"
expect "$work/isolated-udp.log" "udp:127.0.0.1:$udp_port-:8081.*isolated" \
  "isolated + UDP forward: the message names the forward"
log=$work/isolated.log
start_vmm net "$log" --cmdline "$cmdline" --net isolated --net-forward "tcp::$fwd_port-:8080"
if wait_for "$log" '^guest-net: serving' "$boot_timeout"; then
  pass "isolated guest up"
else
  fail "the isolated guest did not get to serving"
fi
expect "$log" '^guest-net-addr: 10\.0\.2\.15/24' "isolated: DHCP still works"
expect "$log" '^guest-net-http: failed' "isolated: the host's HTTP server is out of reach"
[ -n "$http6_port" ] &&
  expect "$log" '^guest-net-http6: failed' "isolated: the host's HTTP server is out of reach over IPv6"
served=$(value "$log" guest-net-served)
got=$(fetch "$fwd_port" served)
[ -n "$served" ] && [ "$got" = "$served" ] && pass "isolated: the forward still works" ||
  fail "isolated forward: got '$got', guest served '$served'"
kill -TERM "$vmm_pid"
wait_exit $((60 * scale))
[ "$vmm_status" = 0 ] && pass "isolated guest powered off" || fail "isolated guest: exit status $vmm_status"
echo "--- serial console (isolated)"
cat "$log"
grep -c 'GET /file' "$work/http.log" | sed 's/^/HTTP requests for \/file: /'
[ -n "$http6_port" ] && grep -c 'GET /file' "$work/http6.log" | sed 's/^/IPv6 HTTP requests for \/file: /'
finish
