#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Guest sound end to end: the guest's snd-hda-intel drives our HD Audio card
# and a static program plays a 440 Hz tone for 1 s with ALSA's ioctls.
#  1. A real PulseAudio server with a null sink: parecord of its monitor has
#     the tone at 440 +- 2 Hz lasting 1 +- 0.1 s; D-Bus volume and mute.
#  2. The same with a scripted SPICE client recording the playback channel.
#  3. No PulseAudio server: one warning, the guest still has its card and
#     plays (into nothing), the VM runs to the end.
. "$(dirname "$0")/lib.sh"
guest_modules+=(-m snd_hda_codec_generic -m snd_hda_intel)
make_guest
analyze=(/usr/bin/python3 "$top/tests/kvm/sound-analyze.py")
client=(/usr/bin/python3 "$top/tests/kvm/spice-client.py")
scale=${TERRARIUM_TIMEOUT_SCALE:-1}
# Unix sockets cannot live on the sandbox's 9p share: /tmp is a tmpfs there.
pulse_dir=$(mktemp -d /tmp/terrarium-pulse.XXXXXX)
pulse_pid=
pids=()
cleanup_sound() {
  local p
  for p in "${pids[@]}" $pulse_pid; do kill "$p" 2>/dev/null; done
  rm -rf "$pulse_dir"
  cleanup
}
trap cleanup_sound EXIT

for tool in pulseaudio parecord pactl; do
  command -v "$tool" >/dev/null || { fail "$tool is missing (tools/install-deps installs it)"; finish; }
done
if ! ip -o link show lo 2>/dev/null | grep -q 'UP'; then
  ip link set lo up 2>/dev/null || echo "warning: cannot bring lo up"
fi

# A private server: its own home and runtime folder, no D-Bus, no autospawn
# elsewhere, a null sink at 48 kHz whose monitor we record. As root it warns
# that it is not meant to run so; it runs all the same.
export HOME=$pulse_dir XDG_RUNTIME_DIR=$pulse_dir/run
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
psock=$pulse_dir/native
# No real-time scheduling: the sandbox has one CPU for it, the VMM and the guest.
pulseaudio --daemonize=no --exit-idle-time=-1 -n --use-pid-file=no --disable-shm=yes \
  --realtime=no --high-priority=no --log-target=stderr -L "module-null-sink sink_name=terrarium_null rate=48000 channels=2" \
  -L "module-native-protocol-unix socket=$psock auth-anonymous=1" >"$work/pulse.log" 2>&1 &
pulse_pid=$!
export PULSE_SERVER=unix:$psock
# The sound device's and PulseAudio thread's notes, for when a check fails.
export G_MESSAGES_DEBUG=hda,audio
# Emulation (one CPU for the sandbox, the VMM, the server and the guest)
# can hold the sound threads back far longer than the default 40 ms buffer;
# with two sandboxes side by side (tools/test) 200 ms was not always enough.
export TERRARIUM_SOUND_LATENCY_MS=$((500 * scale))
# A null sink renders, and its monitor records, only while something plays
# into it: a silent stream keeps it running, so the recording is continuous
# and the guest's stream joins a running sink.
pacat --raw --rate=48000 --channels=2 --format=s16le --latency-msec=20 /dev/zero &
pids+=($!)
for i in $(seq $((100 * scale))); do
  pactl info >/dev/null 2>&1 && break
  sleep 0.2
done
pactl info >/dev/null 2>&1 || { fail "PulseAudio did not start"; cat "$work/pulse.log"; finish; }

# record OUT SECONDS: the null sink's monitor, raw 48 kHz stereo, in the background.
record() {
  parecord --raw --device=terrarium_null.monitor --rate=48000 --channels=2 --format=s16le "$1" &
  rec_pid=$!
  pids+=($rec_pid)
}

vmm_call() {
  local method=$1
  shift
  gdbus call --address "unix:path=$work/control.sock" --dest org.terrarium.Terrarium.Vmm \
    --object-path /org/terrarium/Terrarium/Vmm --method "org.terrarium.Terrarium.Vmm1.$method" "$@"
}

# check_guest LOG: the guest found the card and played without error.
check_guest() {
  expect "$1" '^sound: card ready' "the guest has /dev/snd/pcmC0D0p"
  expect "$1" 'HDA Intel' "snd-hda-intel drives the card"
  expect "$1" '^sine: played 1.00 s' "the guest played its tone"
  expect "$1" 'terrarium-scenario: sound: PASS' "the sound scenario passed"
}

# 1: through PulseAudio.
record "$work/pulse.raw"
sleep 1
start_vmm sound "$work/sound1.log" 2>"$work/vmm1.err"
wait_exit "$vmm_timeout"
sleep 2
kill "$rec_pid" 2>/dev/null
wait "$rec_pid" 2>/dev/null
pactl list short clients
cat "$work/sound1.log"
echo "--- terrarium-vmm stderr"
cat "$work/vmm1.err"
[ "$vmm_status" = 0 ] && pass "the VM ran to the end" || fail "exit status $vmm_status"
check_guest "$work/sound1.log"
"${analyze[@]}" --raw 48000 "$work/pulse.raw" 440 1 &&
  pass "PulseAudio heard 440 Hz for 1 s" || fail "PulseAudio did not hear the tone as expected"
! grep -q 'PulseAudio' "$work/vmm1.err" && pass "no sound warning with a server" ||
  fail "a sound warning although the server runs"

# 2: a SPICE client records the same tone; this computer's playback is
# muted over D-Bus meanwhile, which the SPICE client does not hear.
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
guest_cmdline="$guest_cmdline terrarium.sound_delay=$((5 * scale))"
start_vmm sound "$work/sound2.log" --spice "port=$port" --control "$work/control.sock" \
  2>"$work/vmm2.err"
# The client connects (and the volume changes land) while the guest boots,
# long before it plays.
for i in $(seq $((150 * scale))); do
  [ -S "$work/control.sock" ] && (: </dev/tcp/127.0.0.1/"$port") 2>/dev/null && break
  sleep 0.2
done
# Raw PCM rather than Opus: encoding and decoding in real time is more than
# the emulated machine keeps up with, and raw is what the analysis wants.
SPICE_DISABLE_OPUS=1 "${client[@]}" record "$port" "$work/spice.raw" $((120 * scale)) \
  >"$work/client.log" 2>&1 &
client_pid=$!
pids+=($client_pid)
record "$work/pulse-muted.raw"
got=$(vmm_call GetVolume) && [[ $got == "(1.0,)" ]] && pass "GetVolume is 1.0 at start" ||
  fail "GetVolume said '$got'"
vmm_call SetVolume 0.5 >/dev/null && [[ $(vmm_call GetVolume) == "(0.5,)" ]] &&
  pass "SetVolume 0.5 reads back" || fail "SetVolume did not take"
vmm_call SetMute true >/dev/null && [[ $(vmm_call GetMute) == "(true,)" ]] &&
  pass "SetMute reads back" || fail "SetMute did not take"
if wait_for "$work/sound2.log" '^sound: card ready' "$vmm_timeout"; then
  grep -q '^playback channel open' "$work/client.log" &&
    pass "the SPICE client's playback channel opened before the guest played" ||
    fail "the SPICE client's playback channel was not open in time"
  wait_exit "$vmm_timeout"
  kill "$rec_pid" 2>/dev/null
  wait "$rec_pid" 2>/dev/null
  "${analyze[@]}" --raw 48000 "$work/pulse-muted.raw" 440 1 | tee "$work/muted.txt"
  grep -q ': silence' "$work/muted.txt" && pass "muted: PulseAudio heard nothing" ||
    fail "muted, yet PulseAudio heard the guest"
  wait "$client_pid"
  client_status=$?
  cat "$work/client.log"
  [ "$client_status" = 0 ] && pass "the SPICE client recorded the playback channel" ||
    fail "the SPICE client recorded nothing"
  grep -q 'rate=48000' "$work/client.log" && pass "SPICE playback at 48 kHz" ||
    fail "SPICE playback did not start at 48 kHz"
  "${analyze[@]}" --raw 48000 "$work/spice.raw" 440 1 &&
    pass "the SPICE client heard 440 Hz for 1 s" || fail "the SPICE client did not hear the tone"
else
  fail "the guest did not get its card (SPICE run)"
  wait_exit 10
fi
cat "$work/sound2.log"
echo "--- terrarium-vmm stderr"
cat "$work/vmm2.err"
check_guest "$work/sound2.log"
guest_cmdline=${guest_cmdline% terrarium.sound_delay=*}

# The recordings, for a look when a check fails.
cp "$work"/*.raw "${TERRARIUM_BUILD_ROOT:?}/meson-logs/" 2>/dev/null

# 3: no server at all.
kill "$pulse_pid"
wait "$pulse_pid" 2>/dev/null
pulse_pid=
export PULSE_SERVER=unix:$pulse_dir/nobody-here
run_vmm sound "$work/sound3.log" 2>"$work/vmm3.err"
echo "--- terrarium-vmm stderr"
cat "$work/vmm3.err"
[ "$vmm_status" = 0 ] && pass "without PulseAudio the VM runs to the end" || fail "exit status $vmm_status"
check_guest "$work/sound3.log"
n=$(grep -c 'no PulseAudio server' "$work/vmm3.err")
[ "$n" = 1 ] && pass "one warning about the missing server" ||
  fail "$n warnings about the missing server (expected 1)"
finish
