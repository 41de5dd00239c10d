#!/usr/bin/env bash
# soak.sh: run the release app under a private Xvfb for a while with random input (clicks,
# drags, keys, wheel), record its resident memory every 30 s, and fail on a crash or on
# memory that keeps growing after the first minutes. Not part of CI (it takes 10 minutes).
#
#   scripts/soak.sh [SECONDS]        (default 600)
#
# Needs Xvfb and xdotool (installed with apt-get when missing, as root). The app's settings go
# to a temporary folder, so the soak neither reads nor changes yours. Prints one line per
# sample and a verdict; exit code 0 when the app survived with bounded memory.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-600}
sample_every=30
# Growth allowed between the sample at 3 minutes and the last one.
max_late_growth_mb=20

need=()
command -v Xvfb >/dev/null || need+=(xvfb xauth)
command -v xdotool >/dev/null || need+=(xdotool)
if [[ ${#need[@]} -gt 0 ]]; then
  echo "soak: installing ${need[*]}" >&2
  apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
fi

cargo build --release --quiet
bin=target/release/convscope

display=:$((90 + RANDOM % 100))
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
settings=$(mktemp -d)
log=$(mktemp)
cleanup() {
  kill "${app:-}" 2>/dev/null || true
  kill "$xvfb" 2>/dev/null || true
  rm -rf "$settings"
}
trap cleanup EXIT
sleep 1

DISPLAY=$display XDG_DATA_HOME=$settings "$bin" >"$log" 2>&1 &
app=$!
export DISPLAY=$display
sleep 3

rss_mb() { awk '/VmRSS/ { printf "%d", $2 / 1024 }' "/proc/$app/status"; }
keys=(Right Left Prior Next Home End m t F1 Escape Up Down space ctrl+plus ctrl+minus)
# A coordinate up to 60 px from $1, inside 0..$2 (xdotool reads a negative one as an option).
near() {
  local v=$(($1 + RANDOM % 120 - 60))
  ((v < 0)) && v=0
  ((v >= $2)) && v=$(($2 - 1))
  echo $v
}
random_action() {
  local x=$((RANDOM % 1280)) y=$((RANDOM % 800))
  case $((RANDOM % 10)) in
    0 | 1 | 2 | 3) xdotool mousemove $x $y click 1 ;;
    4 | 5) xdotool mousemove $x $y mousedown 1 \
             mousemove $(near $x 1280) $(near $y 800) \
             mousemove $(near $x 1280) $(near $y 800) mouseup 1 ;;
    6 | 7 | 8) xdotool key "${keys[RANDOM % ${#keys[@]}]}" ;;
    9) xdotool mousemove $x $y click $((4 + RANDOM % 2)) ;;
  esac
}

echo "seconds rss_mb"
start=$SECONDS
next_sample=0
samples=()
while ((SECONDS - start < duration)); do
  if ! kill -0 "$app" 2>/dev/null; then
    echo "soak: the app died after $((SECONDS - start)) s:" >&2
    cat "$log" >&2
    exit 1
  fi
  if ((SECONDS - start >= next_sample)); then
    rss=$(rss_mb)
    samples+=("$((SECONDS - start)) $rss")
    echo "$((SECONDS - start)) $rss"
    next_sample=$((next_sample + sample_every))
  fi
  random_action 2>/dev/null || true
  sleep 0.05
done
if ! kill -0 "$app" 2>/dev/null; then
  echo "soak: the app died at the end:" >&2
  cat "$log" >&2
  exit 1
fi
samples+=("$((SECONDS - start)) $(rss_mb)")
echo "${samples[-1]}"

# Memory after the first minutes must level off.
baseline=""
for s in "${samples[@]}"; do
  set -- $s
  if (($1 >= 180)); then baseline=$2; break; fi
done
last=${samples[-1]##* }
peak=$(printf '%s\n' "${samples[@]}" | awk '{ if ($2 > m) m = $2 } END { print m }')
echo "soak: ${duration} s, RSS at 3 min ${baseline:-n/a} MB, at the end ${last} MB, peak ${peak} MB"
if [[ -n $baseline ]] && ((last - baseline > max_late_growth_mb)); then
  echo "soak: FAILED: memory grew by $((last - baseline)) MB after the first 3 minutes" >&2
  exit 1
fi
echo "soak: ok"
