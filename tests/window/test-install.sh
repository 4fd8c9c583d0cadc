#!/bin/bash
# test-install.sh SOURCE_ROOT [SCREENSHOT]: the README's "Install" with a user prefix, then
# what the desktop menu does. Builds a copy of the sources with --prefix in a
# temporary folder, installs it, deletes the build tree and the copy, and with
# only the prefix's bin/ and share/ added to PATH and XDG_DATA_DIRS (no
# GSETTINGS_SCHEMA_DIR, a private HOME):
# - the installed attention-cli predicts on the installed demo model;
# - `gio launch` on the installed desktop file (as the menu does) opens the
#   window under Xvfb, which loads the demo model and runs a sentence typed
#   into it: the window's export action, enabled only once a result exists,
#   is read over D-Bus; Ctrl+E and Enter export the 16 diagrams to
#   ~/Pictures/Attention (Export is the dialog's default and has the focus).
# Only the installable targets are built (not the tests and benches), at -O0.
# SCREENSHOT, if given, keeps a screenshot of the installed app's window.
set -euo pipefail

src=$(cd "${1:?usage: test-install.sh SOURCE_ROOT [SCREENSHOT]}" && pwd)
shot=${2:-}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/attention-install-XXXXXX")
app_pid=
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
prefix=$tmp/prefix
build=$tmp/build
copy=$tmp/src
mkdir -p "$copy" "$tmp/home"

fail() {
  echo "FAIL: $*"
  exit 1
}

# A copy of the sources, so that the installed app cannot fall back on them.
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
  git -C "$src" ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do [ -e "$src/$f" ] && printf '%s\0' "$f"; done |
    tar -C "$src" --null -T - -cf - | tar -C "$copy" -xf -
else
  tar -C "$src" --exclude='./build*' -cf - . | tar -C "$copy" -xf -
fi

echo "== meson setup --prefix $prefix"
meson setup --prefix "$prefix" --buildtype debug "$build" "$copy" >"$tmp/setup.log" 2>&1 ||
  { cat "$tmp/setup.log"; fail "meson setup"; }
# What `meson install` installs from the build tree, and nothing else.
mapfile -t targets < <(meson introspect --installed "$build" |
  /usr/bin/python3 -c 'import json, os, sys
build = sys.argv[1]
for path in json.load(sys.stdin):
    if path.startswith(build + os.sep):
        print(os.path.relpath(path, build))' "$build")
[ "${#targets[@]}" -gt 0 ] || fail "nothing to install"
echo "== build ${#targets[@]} installable targets"
ninja -C "$build" "${targets[@]}" >"$tmp/build.log" 2>&1 || { tail -n 40 "$tmp/build.log"; fail "build"; }
meson install -C "$build" --no-rebuild >"$tmp/install.log" 2>&1 ||
  { tail -n 40 "$tmp/install.log"; fail "meson install"; }
rm -rf "$build" "$copy"
echo "== installed; build tree and sources removed"

desktop=$prefix/share/applications/org.example.Attention.desktop
for f in "$desktop" "$prefix/bin/attention" "$prefix/bin/attention-cli" \
  "$prefix/share/glib-2.0/schemas/gschemas.compiled" \
  "$prefix/share/icons/hicolor/scalable/apps/org.example.Attention.svg" \
  "$prefix/share/attention/models/demo-bert.pt"; do
  [ -e "$f" ] || fail "not installed: $f"
done

# The environment the README asks for, and nothing of this test's.
user_env=(env -i HOME="$tmp/home" LC_ALL=C.UTF-8
  PATH="$prefix/bin:/usr/local/bin:/usr/bin:/bin"
  XDG_DATA_DIRS="$prefix/share:/usr/local/share:/usr/share"
  XDG_CONFIG_HOME="$tmp/home/.config" XDG_DATA_HOME="$tmp/home/.local/share"
  XDG_CACHE_HOME="$tmp/home/.cache" GSETTINGS_BACKEND=memory)

echo "== attention-cli on the installed demo model"
out=$("${user_env[@]}" attention-cli -k 1 "The capital of France is [MASK].") ||
  fail "attention-cli exited with $?"
echo "$out"
[[ "$out" == "The capital of France is "*. ]] || fail "unexpected prediction: $out"

echo "== gio launch $desktop"
# Runs inside Xvfb and a session bus: the variables come from there.
cat >"$tmp/launch.sh" <<'EOF'
set -u
user_env=(env -i HOME="$HOME_DIR" LC_ALL=C.UTF-8 PATH="$PREFIX/bin:/usr/local/bin:/usr/bin:/bin"
  XDG_DATA_DIRS="$PREFIX/share:/usr/local/share:/usr/share"
  XDG_CONFIG_HOME="$HOME_DIR/.config" XDG_DATA_HOME="$HOME_DIR/.local/share"
  XDG_CACHE_HOME="$HOME_DIR/.cache" GSETTINGS_BACKEND=memory
  DISPLAY="$DISPLAY" XAUTHORITY="${XAUTHORITY:-}" DBUS_SESSION_BUS_ADDRESS="$DBUS_SESSION_BUS_ADDRESS"
  GDK_BACKEND=x11 GSK_RENDERER=cairo NO_AT_BRIDGE=1 GTK_A11Y=none)
actions() {
  gdbus call --session --dest org.example.Attention --object-path /org/example/Attention/window/1 \
    --method org.gtk.Actions.DescribeAll 2>&1
}
activate() {
  gdbus call --session --dest org.example.Attention --object-path "$1" \
    --method org.gtk.Actions.Activate "$2" '[]' '{}' >/dev/null
}

"${user_env[@]}" gio launch "$DESKTOP" || { echo "gio launch failed"; exit 1; }
wid=$(timeout 60 xdotool search --sync --onlyvisible --name 'Attention$' | head -n 1)
[ -n "$wid" ] || { echo "no window called Attention within 60 s"; exit 1; }
echo "window $wid, pid $(xdotool getwindowpid "$wid")"
xdotool getwindowpid "$wid" >"$PID_FILE"
xdotool windowfocus --sync "$wid"
# The demo model loads in the background: type the sentence and press Enter
# until the window has a result (export-all enabled), or 90 s.
for _ in $(seq 30); do
  activate /org/example/Attention/window/1 focus-entry
  xdotool key --clearmodifiers ctrl+a
  xdotool type --delay 10 'The cat sat on the [MASK].'
  xdotool key Return
  sleep 3
  if actions | grep -q "'export-all': (true,"; then
    echo "the window ran the sentence on its model"
    import -window root "$SHOT" 2>/dev/null
    # Ctrl+E, then Enter at once: Export is the dialog's default, so the
    # diagrams land in the default folder (the demo model: 4 x 4 heads).
    xdotool key --clearmodifiers ctrl+e
    did=$(timeout 20 xdotool search --sync --onlyvisible --name '^Export$' | head -n 1)
    [ -n "$did" ] || { echo "no Export dialog within 20 s of Ctrl+E"; exit 1; }
    xdotool windowfocus --sync "$did"
    sleep 1
    xdotool key --clearmodifiers Return
    n=0
    for _ in $(seq 60); do
      n=$(find "$HOME_DIR/Pictures/Attention" -name 'Attention_Layer*_Head*.png' 2>/dev/null | wc -l)
      [ "$n" -ge 16 ] && break
      sleep 0.5
    done
    echo "Ctrl+E, Enter: $n diagrams in ~/Pictures/Attention"
    [ "$n" -eq 16 ] || exit 1
    activate /org/example/Attention quit
    exit 0
  fi
done
echo "no result in the window after 90 s; its actions:"
actions
exit 1
EOF
status=0
HOME_DIR=$tmp/home PREFIX=$prefix DESKTOP=$desktop PID_FILE=$tmp/pid SHOT=$tmp/installed.png \
  timeout 240 xvfb-run -a -s '-screen 0 1280x900x24' dbus-run-session -- bash "$tmp/launch.sh" \
  >"$tmp/launch.log" 2>&1 || status=$?
[ -f "$tmp/pid" ] && app_pid=$(cat "$tmp/pid")
if [ -n "$shot" ] && [ -f "$tmp/installed.png" ]; then
  cp "$tmp/installed.png" "$shot"
fi
cat "$tmp/launch.log"
[ "$status" -eq 0 ] || fail "the installed app in its window (status $status): see its log above"
if grep -E 'CRITICAL|GLib-GIO-ERROR|not installed' "$tmp/launch.log"; then
  fail "the installed app complained"
fi
echo "ok"
