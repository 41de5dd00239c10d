#!/usr/bin/env bash
# Installs convscope as a user would, away from the source tree, and checks it works:
#
# - the Debian package (scripts/package-deb.sh) into a clean Debian root (debootstrap, then
#   chroot) with `apt-get install ./convscope_*.deb`, so the package's dependencies are what
#   pulls in the libraries; then: the desktop entry and AppStream file validate, `.onnx` is
#   application/x-onnx and opens with convscope.desktop, `convscope --version`, `man convscope`,
#   `convscope inspect` on a packaged sample model; the app started under Xvfb by the desktop
#   entry's Exec line with an empty home (screenshots: the default model, a lesson, an ONNX
#   file opened as %f); `dpkg -r` and `apt-get autoremove` leave the root as it was;
# - the portable folder (scripts/package-portable.sh) unpacked in the same root's home: the
#   app (screenshot), `inspect` on its sample model, and the program alone without its data
#   (screenshot: the notice saying where it looked).
#
#   scripts/test-install.sh [OUT_DIR]        (default target/install-test; needs root)
#
# The clean root is made once with debootstrap into $CONVSCOPE_TEST_BASE (default
# OUT_DIR/base) and copied for each run. Screenshots go to OUT_DIR/*.png: look at them. Needs
# the screenshot tool (SCREENSHOT, default ../shared/tools/screenshot.sh: Xvfb + xdotool), as
# scripts/docs-screenshots.sh does.
# Not part of `cargo test`: it needs root, the network (Debian's mirror) and ~10 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
out=$(realpath -m "${1:-target/install-test}")
base=${CONVSCOPE_TEST_BASE:-$out/base}
screenshot=$(realpath -m "${SCREENSHOT:-../shared/tools/screenshot.sh}")
mkdir -p "$out"
log=$out/log.txt
: >"$log"
say() { echo "== $*" | tee -a "$log"; }
fail() { echo "FAIL: $*" | tee -a "$log" >&2; exit 1; }
[[ $(id -u) == 0 ]] || fail "needs root (debootstrap, chroot, dpkg)"
[[ -x $screenshot ]] || fail "no screenshot tool at $screenshot (set SCREENSHOT)"

say "building the package and the portable folder"
deb=$repo/$(scripts/package-deb.sh)
tarball=$repo/$(scripts/package-portable.sh)
echo "$deb" "$tarball" >>"$log"

if [[ ! -x $base/usr/bin/apt-get ]]; then
  say "making a clean Debian root in $base"
  debootstrap --variant=minbase bookworm "$base" http://deb.debian.org/debian >>"$log" 2>&1
  chroot "$base" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive chroot "$base" apt-get install -y -qq --no-install-recommends \
    man-db libglib2.0-bin shared-mime-info desktop-file-utils >>"$log" 2>&1
fi

root=$out/root
mounts=()
cleanup() {
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount "${mounts[$i]}" 2>/dev/null || true; done
}
trap cleanup EXIT
rm -rf "$root"
cp -a "$base" "$root"
mount -t proc proc "$root/proc" && mounts+=("$root/proc")
mkdir -p "$root/tmp/.X11-unix" /tmp/.X11-unix
mount --bind /tmp/.X11-unix "$root/tmp/.X11-unix" && mounts+=("$root/tmp/.X11-unix")
cp /etc/resolv.conf "$root/etc/resolv.conf"
in_root() { chroot "$root" "$@"; }
as_teacher() { chroot --userspec=teacher:teacher "$root" env -i HOME=/home/teacher PATH=/usr/bin:/bin LANG=C.UTF-8 "$@"; }
in_root useradd -m teacher
# The teacher's own files: a picture and an ONNX model (copies, not the source tree).
install -o 1000 -g 1000 -m 644 "$repo/assets/samples/digit_7.png" "$root/home/teacher/seven.png"
install -o 1000 -g 1000 -m 644 "$repo/tests/fixtures/onnx/tiny-ts.onnx" "$root/home/teacher/shapes-model.onnx"
install -o 1000 -g 1000 -m 644 "$repo/tests/fixtures/onnx/tiny-ts.onnx.json" "$root/home/teacher/shapes-model.onnx.json"

# Every file of the root, less what changes by itself (apt's lists and caches, logs, dpkg's
# records, the teacher's home).
snapshot() {
  (cd "$root" && find . -xdev \( -path ./proc -o -path ./tmp -o -path ./var/cache -o -path ./var/log \
    -o -path ./var/lib/apt -o -path ./var/lib/dpkg -o -path ./home -o -path ./root -o -path ./run \) -prune \
    -o -print | sort)
}
snapshot >"$out/before.txt"

say "apt-get install ./$(basename "$deb")"
cp "$deb" "$root/tmp/"
DEBIAN_FRONTEND=noninteractive in_root apt-get install -y -qq "/tmp/$(basename "$deb")" >>"$log" 2>&1 \
  || fail "apt-get install"
in_root dpkg -L convscope >"$out/package-files.txt"
grep -q '^/usr/share/convscope/sample_models/digits-max.json$' "$out/package-files.txt" || fail "no sample models"

say "desktop entry, AppStream, MIME type"
in_root desktop-file-validate /usr/share/applications/convscope.desktop 2>&1 | tee -a "$log"
[[ ${PIPESTATUS[0]} == 0 ]] || fail "desktop-file-validate"
if command -v appstreamcli >/dev/null; then
  appstreamcli validate --no-net "$root"/usr/share/metainfo/*.metainfo.xml 2>&1 | tee -a "$log" \
    || fail "appstreamcli validate"
fi
type=$(as_teacher gio info -a standard::content-type /home/teacher/shapes-model.onnx | awk '/content-type/ {print $2}')
echo "shapes-model.onnx is $type" | tee -a "$log"
[[ $type == application/x-onnx ]] || fail ".onnx is $type, not application/x-onnx"
handler=$(as_teacher gio mime application/x-onnx | tee -a "$log")
grep -q 'convscope.desktop' <<<"$handler" || fail "convscope.desktop does not open application/x-onnx"
for icon in 48x48/apps/convscope.png 128x128/apps/convscope.png 256x256/apps/convscope.png scalable/apps/convscope.svg; do
  [[ -f $root/usr/share/icons/hicolor/$icon ]] || fail "no icon $icon"
done

say "convscope --version, man convscope, completions"
as_teacher convscope --version | tee -a "$log"
as_teacher sh -c 'MANWIDTH=80 man convscope 2>&1' >"$out/man.txt" || fail "man convscope"
head -n 12 "$out/man.txt" | tee -a "$log"
grep -qE '^ +convscope +- ' "$out/man.txt" || fail "the man page has no NAME line"
grep -q '/usr/share/convscope' "$out/man.txt" || fail "the man page has no FILES section"
for f in /usr/share/bash-completion/completions/convscope /usr/share/zsh/vendor-completions/_convscope \
  /usr/share/fish/vendor_completions.d/convscope.fish; do
  [[ -s $root$f ]] || fail "no completion $f"
done

say "convscope inspect on a packaged sample model"
as_teacher sh -c 'cd /home/teacher && convscope inspect --model /usr/share/convscope/sample_models/digits-max.json --image seven.png --out maps' \
  >"$out/inspect-deb.txt" 2>&1 || fail "inspect: $(cat "$out/inspect-deb.txt")"
tail -n 6 "$out/inspect-deb.txt" | tee -a "$log"
[[ -f $root/home/teacher/maps/manifest.json ]] || fail "inspect wrote no manifest"

exec_line=$(sed -n 's/^Exec=//p' "$root/usr/share/applications/convscope.desktop")
echo "Exec=$exec_line" | tee -a "$log"
# The Exec line as a launcher runs it: %f is the file opened, or nothing.
run_exec() {
  local file=$1
  local command=${exec_line//%f/$file}
  echo "exec $command"
}
app() { # app FILE STEPS... : the desktop entry's command under Xvfb, as the teacher, empty home
  local file=$1
  shift
  # Each step execs the next, so the program keeps the pid the screenshot tool started.
  "$screenshot" "$@" -- sh -c 'exec chroot --userspec=teacher:teacher "$0" env -i HOME=/home/teacher \
    PATH=/usr/bin:/bin LANG=C.UTF-8 DISPLAY="$DISPLAY" sh -c "$1"' \
    "$root" "cd /home/teacher && $(run_exec "$file")" >>"$log" 2>&1
}
say "the app from the desktop entry (screenshots deb-start.png, deb-lesson.png, deb-onnx.png)"
rm -rf "$root/home/teacher/.local"
# F2 opens the lesson panel; a click on the built-in lesson opens it. The app saves its
# settings every 30 s, on a frame: the last wait and key press let it say what it opened.
lesson=(--key F2 --wait 2 --click 1049,211 --wait 4)
save=(--wait 20 --key shift --wait 2)
app "" --wait 8 --shot "$out/deb-start.png" "${lesson[@]}" --shot "$out/deb-lesson.png" "${save[@]}" \
  || fail "the app did not keep running"
[[ -f $root/home/teacher/.local/share/convscope/settings.json ]] || fail "the app saved no settings"
grep -q '/usr/share/convscope/sample_models/digits-max.json' "$root/home/teacher/.local/share/convscope/settings.json" \
  || fail "the app did not open the packaged digits-max: $(cat "$root/home/teacher/.local/share/convscope/settings.json")"
app /home/teacher/shapes-model.onnx --wait 8 --shot "$out/deb-onnx.png" --wait 24 --key shift --wait 2 || fail "the app did not open the .onnx"
grep -q 'shapes-model.onnx' "$root/home/teacher/.local/share/convscope/settings.json" \
  || fail "the app did not remember the .onnx it opened"

say "dpkg -r convscope, apt-get autoremove --purge"
in_root dpkg -r convscope >>"$log" 2>&1 || fail "dpkg -r"
left=$(grep -v '/$' "$out/package-files.txt" | while read -r f; do [[ -e $root$f && ! -d $root$f ]] && echo "$f"; done || true)
[[ -z $left ]] || fail "left behind after dpkg -r: $left"
DEBIAN_FRONTEND=noninteractive in_root apt-get autoremove --purge -y -qq >>"$log" 2>&1
snapshot >"$out/after.txt"
if ! diff "$out/before.txt" "$out/after.txt" >"$out/removal.diff"; then
  cat "$out/removal.diff" | tee -a "$log"
  fail "the root differs from before the install"
fi
echo "the root is as it was before the install" | tee -a "$log"

say "the portable folder, unpacked in the teacher's Downloads"
# It needs the libraries a desktop has; the package brought them before, so bring them again.
DEBIAN_FRONTEND=noninteractive in_root apt-get install -y -qq libgl1 libegl1 libgl1-mesa-dri libx11-xcb1 \
  libxkbcommon-x11-0 libxcursor1 libxi6 libxrandr2 >>"$log" 2>&1
mkdir -p "$root/home/teacher/Downloads"
tar -C "$root/home/teacher/Downloads" -xzf "$tarball"
chown -R 1000:1000 "$root/home/teacher"
folder=/home/teacher/Downloads/$(basename "$tarball" .tar.gz)
as_teacher sh -c "cd / && $folder/convscope inspect --model $folder/sample_models/digits-max.json --image /home/teacher/seven.png --out /home/teacher/maps2" \
  >"$out/inspect-portable.txt" 2>&1 || fail "portable inspect: $(cat "$out/inspect-portable.txt")"
tail -n 3 "$out/inspect-portable.txt" | tee -a "$log"
[[ -f $root/home/teacher/maps2/manifest.json ]] || fail "portable inspect wrote no manifest"
rm -rf "$root/home/teacher/.local"
exec_line="$folder/convscope %f"
app "" --wait 8 --shot "$out/portable-start.png" "${lesson[@]}" --shot "$out/portable-lesson.png" "${save[@]}" \
  || fail "the portable app did not keep running"
grep -q "$folder/sample_models/digits-max.json" "$root/home/teacher/.local/share/convscope/settings.json" \
  || fail "the portable app did not open its own digits-max"

say "the program alone, without its data (screenshot alone.png: the notice)"
mkdir -p "$root/home/teacher/alone"
cp "$root$folder/convscope" "$root/home/teacher/alone/"
chown -R 1000:1000 "$root/home/teacher/alone"
rm -rf "$root/home/teacher/.local"
exec_line="/home/teacher/alone/convscope %f"
app "" --wait 8 --shot "$out/alone.png" || fail "the lone program did not keep running"

say "PASS ($(date -u +%Y-%m-%dT%H:%MZ), $(uname -srm)); now look at $out/*.png"
