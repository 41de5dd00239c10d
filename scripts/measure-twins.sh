#!/usr/bin/env bash
# Reproduces the measurements of docs/findings.md for issues 13 and 14 that are not sample
# models:
#
#   scripts/measure-twins.sh speakers   # speech-max/-avg's architecture and schedule, each of the
#                                       # five FSDD speakers held out in turn (10 runs per seed)
#   scripts/measure-twins.sh shift      # the consistency (K=3) of digits-max/-avg and of their
#                                       # twins trained with --augment-shift 2
#   scripts/measure-twins.sh l2         # fc-overfit's architecture and schedule with weight decay
#
# Models and logs go to $OUT (default target/twins); each run prints its last line.
# SEEDS="1 2 3" repeats the speaker folds with other seeds (docs/findings.md's table is seed 1).
# BIN=path/to/convscope skips the release build.
set -euo pipefail
cd "$(dirname "$0")/.."
MNIST=${MNIST:-assets/data/mnist}
FSDD=${FSDD:-assets/data/fsdd}
OUT=${OUT:-target/twins}
SEEDS=${SEEDS:-1}
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet
  BIN=target/release/convscope
fi
mkdir -p "$OUT"

run() { # NAME ARGS...: train, keep the log, print its summary line
  local name=$1; shift
  "$BIN" train "$@" --out "$OUT/$name.json" > "$OUT/$name.log" 2>&1
  tail -n 1 "$OUT/$name.log"
}

speakers() {
  for seed in $SEEDS; do
    for s in george jackson nicolas theo yweweler; do
      for p in max avg; do
        run "speech-$p-no-$s-seed$seed" --arch sample_models/arch/speech.json \
          --data "fsdd@$s:$FSDD" --pool "$p" --epochs 12 --batch 32 --optimizer adam \
          --lr 0.002 --lr-decay 0.8 --seed "$seed"
      done
    done
  done
}

shift_twins() { # the shipped twins (scripts/make-sample-models.sh makes them)
  for m in digits-max digits-avg digits-max-shift digits-avg-shift; do
    "$BIN" consistency --model "sample_models/$m.json" --data "mnist:$MNIST" --max-shift 3
  done
}

l2() {
  for wd in 0.0001 0.001 0.01 0.03 0.1; do
    run "fc-l2-$wd" --arch sample_models/arch/fc.json --data "mnist:$MNIST" --train-limit 500 \
      --weight-decay "$wd" --epochs 60 --batch 32 --optimizer adam --lr 0.001 --seed 1
  done
}

WHAT=("$@")
[ ${#WHAT[@]} -eq 0 ] && WHAT=(speakers shift l2)
for w in "${WHAT[@]}"; do
  case $w in
    speakers) speakers ;;
    shift) shift_twins ;;
    l2) l2 ;;
    *) echo "unknown measurement: $w (speakers, shift or l2)" >&2; exit 2 ;;
  esac
done
