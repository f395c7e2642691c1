#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The app is D-Bus activatable as GNOME Shell launches it: the session bus
# starts it from its service file when something activates
# org.terrarium.Terrarium, and the main window appears; ActivateAction("quit")
# ends it.
#
# Usage: test-dbus-activation.sh BUILT_SERVICE_FILE TERRARIUM_EXECUTABLE
set -euo pipefail

service=$1 app=$(realpath "$2")
app_id=org.terrarium.Terrarium

if [ -z "${TERRARIUM_ACTIVATION_INNER:-}" ]; then
  for tool in dbus-run-session gdbus Xvfb xwininfo; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool not found"; exit 77; }
  done
  # The installed file must name the app and start it as a service.
  grep -qx "Name=$app_id" "$service" || { echo "FAIL: $service lacks Name=$app_id"; exit 1; }
  grep -qE "^Exec=/.*/terrarium --gapplication-service$" "$service" ||
    { echo "FAIL: $service: Exec is not 'BINDIR/terrarium --gapplication-service'"; exit 1; }

  work=$(mktemp -d)
  xvfb_pid=
  trap '[ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null; rm -rf "$work"' EXIT
  mkdir -p "$work/services" "$work/data" "$work/config" "$work/cache" "$work/run"
  chmod 700 "$work/run"
  # The same file with the uninstalled executable in place of BINDIR's.
  sed "s|^Exec=.*/terrarium |Exec=$app |" "$service" >"$work/services/$app_id.service"
  cat >"$work/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=$work</listen>
  <servicedir>$work/services</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF
  exec 3>"$work/display"
  Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
  xvfb_pid=$!
  exec 3>&-
  for _ in $(seq 100); do grep -q . "$work/display" 2>/dev/null && break; sleep 0.1; done
  # The bus passes its environment to the services it starts.
  export DISPLAY=:$(head -n1 "$work/display") GDK_BACKEND=x11 NO_AT_BRIDGE=1
  export XDG_DATA_HOME=$work/data XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache
  export XDG_RUNTIME_DIR=$work/run TERRARIUM_ACTIVATION_INNER=1
  dbus-run-session --config-file="$work/bus.conf" -- "$0" "$@" </dev/null
  exit $?
fi

path=/${app_id//./\/}
pgrep -f "$app --gapplication-service" >/dev/null && { echo "FAIL: the app already runs"; exit 1; }
gdbus call --session --dest "$app_id" --object-path "$path" \
  --method org.freedesktop.Application.Activate '{}' >/dev/null ||
  { echo "FAIL: activating $app_id over D-Bus"; exit 1; }
echo "ok: the bus started the app for Activate"
for _ in $(seq 200); do
  xwininfo -root -tree 2>/dev/null | grep -q '"Terrarium"' && break
  sleep 0.1
done
xwininfo -root -tree | grep -q '"Terrarium"' || { echo "FAIL: no main window after activation"; exit 1; }
echo "ok: the main window is shown"
pid=$(pgrep -f "$app --gapplication-service" | head -n1)
[ -n "$pid" ] || { echo "FAIL: the app does not run as a service"; exit 1; }
gdbus call --session --dest "$app_id" --object-path "$path" \
  --method org.freedesktop.Application.ActivateAction quit '[]' '{}' >/dev/null
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && { echo "FAIL: the app still runs after quit"; kill "$pid"; exit 1; }
echo "ok: ActivateAction quit ends it"
