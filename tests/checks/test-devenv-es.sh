#!/bin/sh
# The README's way to run the app, `meson devenv -C BUILD attention`, in
# Spanish: with LANGUAGE=es the window's title names the demo model in
# Spanish, read from the build tree's catalog (nothing is installed).
# Usage: test-devenv-es.sh BUILD_DIR (under xvfb-run and dbus-run-session).
set -eu
build=${1:?usage: test-devenv-es.sh BUILD_DIR}
home=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$home"' EXIT
export HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_DATA_HOME="$home/.local/share" \
  XDG_CACHE_HOME="$home/.cache" XDG_STATE_HOME="$home/.local/state"
export LANGUAGE=es LC_ALL=C.UTF-8 GSETTINGS_BACKEND=memory NO_AT_BRIDGE=1 GTK_A11Y=none
unset ATTENTION_MODEL ATTENTION_LOCALEDIR
meson devenv -C "$build" attention >"$home/app.log" 2>&1 &
pid=$!
want='Modelo de demostración (no es el BERT de Google) — Attention'
# xdotool takes a regular expression: the start, then the whole title exactly.
if wid=$(timeout 120 xdotool search --sync --onlyvisible --name '^Modelo de demostraci' |
         head -n 1) && [ -n "$wid" ] && [ "$(xdotool getwindowname "$wid")" = "$want" ]; then
  echo "window $wid: $want"
  exit 0
fi
echo "no window titled “$want” within 120 s; windows:"
xdotool search --onlyvisible --name . getwindowname %@ 2>/dev/null || true
cat "$home/app.log"
exit 1
