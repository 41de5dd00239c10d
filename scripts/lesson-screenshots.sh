#!/usr/bin/env bash
# Screenshots of every step of a built-in lesson at a 1920x1080 projector (SIZE) in presentation mode,
# in English and Chinese, revealed: docs/lesson/LESSON/NN-STEP-LANG.png.
#
#   scripts/lesson-screenshots.sh LESSON [FIRST [LAST]]   (steps numbered from 1)
#
# Needs the workplace's screenshot tool (SCREENSHOT, default ../shared/tools/screenshot.sh) and a
# release build (BIN, default ./target/release/convscope). Each shot starts the app on fresh
# settings and walks there with PageDown (which reveals a step that asks a question before it
# goes on), then reveals the step with Space. A step measuring over a test set needs time:
# STEP_WAIT seconds (default 20) before its shot. PRESENT= (empty) takes them in the ordinary
# window, as on a laptop (SIZE=1280x800). Look at every picture before committing it.
set -euo pipefail
cd "$(dirname "$0")/.."
lesson=$1
bin=${BIN:-./target/release/convscope}
shot_tool=${SCREENSHOT:-../shared/tools/screenshot.sh}
toml=assets/lessons/$lesson.toml
ftl=assets/lessons/$lesson.en.ftl
mapfile -t ids < <(awk '/^\[\[step\]\]/{s=1; next} s && /^id *=/{gsub(/[" ]/,"",$0); sub(/^id=/,"",$0); print; s=0}' "$toml")
first=${2:-1}
last=${3:-${#ids[@]}}
out=${OUT:-docs/lesson/$lesson}
mkdir -p "$out"
for lang in en zh; do
  keys=()
  for ((i = 1; i <= last; i++)); do
    id=${ids[$((i - 1))]}
    if ((i >= first)); then
      data=$(mktemp -d)
      mkdir -p "$data/convscope"
      printf '{ "language": "%s" }\n' "$lang" > "$data/convscope/settings.json"
      name=$(printf '%s/%02d-%s-%s.png' "$out" "$i" "$id" "$lang")
      "$shot_tool" --size "${SIZE:-1920x1080}" --wait 8 "${keys[@]}" --key space --wait "${STEP_WAIT:-20}" \
        --shot "$name" -- env XDG_DATA_HOME="$data" "$bin" --lesson "$lesson" ${PRESENT---present} >/dev/null
      rm -rf "$data"
      echo "saved $name"
    fi
    # On to the next step: a step that asks is revealed by the first PageDown.
    if grep -q "^$id-question" "$ftl"; then keys+=(--key Next --wait 1); fi
    keys+=(--key Next --wait 1)
  done
done
