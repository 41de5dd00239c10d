#!/usr/bin/env bash
# Screenshots of every step of a built-in lesson, revealed, at a 1920x1080 projector in
# presentation mode (F5), in English and Chinese, into docs/lesson/LESSON/NN-STEP-LANG.png.
#
#   scripts/lesson-screenshots.sh LESSON [BINARY]    (default ./target/release/convscope)
#
# One app per language walks the lesson with PageDown (a step that asks opens unrevealed: the
# first press reveals it, the next goes on), on fresh settings (a temporary XDG_DATA_HOME).
# Needs the workplace's screenshot tool (SCREENSHOT, default ../shared/tools/screenshot.sh).
# Look at every picture before committing it.
set -euo pipefail
cd "$(dirname "$0")/.."
lesson=$1
bin=${2:-./target/release/convscope}
shot_tool=${SCREENSHOT:-../shared/tools/screenshot.sh}
step_wait=${STEP_WAIT:-2}
out=docs/lesson/$lesson
mkdir -p "$out"
# "id asks" per step, from `convscope handout` would need a browser; read the TOML instead:
# a step asks unless it is the first or a summary.
mapfile -t ids < <(grep -A1 '^\[\[step\]\]' "assets/lessons/$lesson.toml" | sed -n 's/^id = "\(.*\)"/\1/p')
mapfile -t summaries < <(awk '/^\[\[step\]\]/{n++} /^summary = true/{print n}' "assets/lessons/$lesson.toml")
for lang in en zh; do
  data=$(mktemp -d)
  mkdir -p "$data/convscope"
  printf '{ "language": "%s" }\n' "$lang" > "$data/convscope/settings.json"
  steps=(--wait 8 --key F5 --wait "$step_wait")
  for i in "${!ids[@]}"; do
    n=$((i + 1))
    asks=1
    [[ $n == 1 || " ${summaries[*]} " == *" $n "* ]] && asks=0
    if [[ $n -gt 1 ]]; then steps+=(--key Next --wait "$step_wait"); fi
    if [[ $asks == 1 ]]; then steps+=(--key Next --wait "$step_wait"); fi
    steps+=(--shot "$out/$(printf %02d "$n")-${ids[$i]}-$lang.png")
  done
  "$shot_tool" --size 1920x1080 "${steps[@]}" -- env XDG_DATA_HOME="$data" "$bin" --lesson "$lesson" >/dev/null
  rm -rf "$data"
  echo "saved $out/*-$lang.png"
done
