#!/usr/bin/env bash
# Retakes the screenshots in docs/ (and the README) from the real app, under a private X display.
#
#   scripts/docs-screenshots.sh [BINARY]      (default ./target/release/convscope)
#
# Needs the workplace's screenshot tool (SCREENSHOT, default ../shared/tools/screenshot.sh: Xvfb
# + xdotool). Each shot starts the app on fresh settings (a temporary XDG_DATA_HOME), so nothing
# from the user's own settings leaks in. Laptop shots are 1280x800; projector shots 1920x1080
# in presentation mode (F5). Look at every picture before committing it.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-./target/release/convscope}
shot_tool=${SCREENSHOT:-../shared/tools/screenshot.sh}
start_wait=${START_WAIT:-8}

# shot OUT SIZE LANG MODEL IMAGE [STEP ...]: one screenshot after the given steps.
shot() {
  local out=$1 size=$2 lang=$3 model=$4 image=$5
  [[ -z $only || $out == *$only* ]] || return 0
  shift 5
  local data
  data=$(mktemp -d)
  mkdir -p "$data/convscope"
  printf '{ "language": "%s" }\n' "$lang" > "$data/convscope/settings.json"
  "$shot_tool" --size "$size" --wait "$start_wait" "$@" --wait 2 --shot "$out" \
    -- env XDG_DATA_HOME="$data" "$bin" "$model" "$image" >/dev/null
  rm -rf "$data"
  echo "saved $out"
}

right() { local s=(); for _ in $(seq "$1"); do s+=(--key Right --wait 0.3); done; echo "${s[@]}"; }

digits=sample_models/digits-max.json
seven=assets/samples/digit_7.png
laptop=1280x800
projector=1920x1080

only=${ONLY:-}
# shellcheck disable=SC2046
{
shot docs/screenshot-pool.png $laptop en $digits $seven $(right 3)
shot docs/screenshot-conv.png $laptop en $digits $seven $(right 1)
shot docs/screenshot-channel-examples.png $laptop en $digits $seven $(right 4) --click 624,175 --wait "${EXAMPLES_WAIT:-6}"
shot docs/screenshot-feature-vis.png $laptop en $digits $seven $(right 4) --click 624,175 --wait 1 --click 1142,225 --wait "${EXAMPLES_WAIT:-12}"
shot docs/screenshot-fc.png $laptop en $digits $seven --key End --wait 0.5 --key Left
shot docs/screenshot-history.png $laptop en sample_models/fc-overfit.json $seven --key End
shot docs/screenshot-draw.png $laptop en $digits $seven --drag 50,505,175,505 --wait 0.3 --drag 175,505,105,640 --wait 0.5 $(right 3)
shot docs/screenshot-zh.png $laptop zh $digits $seven $(right 3) --key m
shot docs/screenshot-lab.png $laptop en $digits $seven --key t --wait 1 $(right 3)
shot docs/screenshot-lab-grid.png $laptop en $digits $seven --key t --wait 1 --click 835,65 --wait 0.5 \
  --click 850,499 --wait 0.5 --click 903,499 --wait 0.5 --click 1100,499 --wait "${SWEEP_WAIT:-6}"
# Lessons: MODEL and IMAGE are the two arguments `--lesson NAME`; PageDown is the next step.
pgdn() { local s=(); for _ in $(seq "$1"); do s+=(--key Next --wait 1); done; echo "${s[@]}"; }
for lang in en zh; do
  shot docs/screenshot-lesson-downsample-$lang.png $laptop $lang --lesson pooling-and-fc $(pgdn 2)
  shot docs/screenshot-lesson-noise-$lang.png $laptop $lang --lesson pooling-and-fc $(pgdn 6)
  shot docs/screenshot-lesson-shift-$lang.png $laptop $lang --lesson pooling-and-fc $(pgdn 8) --wait 3
  shot docs/screenshot-lesson-overfit-$lang.png $laptop $lang --lesson pooling-and-fc $(pgdn 11)
done
# The learning lesson at a projector, every step after its reveal and its run (RUN_WAIT seconds
# for a run of 500 digits: a few in a release build, more in a debug build on a busy machine).
learning_steps() {
  local dir=docs/lesson/learning lang=$1 w=${RUN_WAIT:-15} n=2 s=(--key F5 --wait 3)
  s+=(--shot $dir/01-meet-$lang.png)
  for id in small more-data dropout decay shift seed; do
    local wait=$w
    [[ $id == more-data ]] && wait=$((w * 2 + w / 2))
    s+=(--key Next --wait 2 --key space --wait "$wait" --shot "$dir/0$n-$id-$lang.png")
    n=$((n + 1))
  done
  s+=(--key Next --wait 3 --shot "$dir/08-summary-$lang.png")
  echo "${s[@]}"
}
for lang in en zh; do
  mkdir -p docs/lesson/learning
  # shellcheck disable=SC2046
  shot docs/lesson/learning/08-summary-$lang.png $projector $lang --lesson learning $(learning_steps $lang)
done
shot docs/screenshot-pool-projector.png $projector en $digits $seven --key F5 --wait 1.5 $(right 3)
shot docs/screenshot-pool-projector-zh.png $projector zh $digits $seven --key F5 --wait 1.5 $(right 3)
shot docs/screenshot-conv-projector.png $projector en $digits $seven --key F5 --wait 1.5 $(right 1)
shot docs/screenshot-lab-projector-zh.png $projector zh $digits $seven --key F5 --wait 1.5 --key t --wait 1 $(right 3)
# The Train tab during a run: the tab, then Start (positions for these window sizes), 12 s in.
shot docs/screenshot-train.png $laptop en $digits $seven --key F5 --wait 2 --click 326,13 --wait 2 --click 311,559 --wait 12
shot docs/screenshot-train-zh.png $laptop zh $digits $seven --click 264,12 --wait 2 --click 275,490 --wait 12
shot docs/screenshot-train-projector.png $projector en $digits $seven --key F5 --wait 2 --click 442,17 --wait 2 --click 420,755 --wait 12
}
