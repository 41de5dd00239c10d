#!/usr/bin/env bash
# Chooses the digit models' schedules on a validation split, never on the test digits:
#
#   scripts/choose-schedules.sh digits    # digits-max/-avg: lr x decay x epochs x batch
#   scripts/choose-schedules.sh nopool    # digits-nopool: the same grid
#   scripts/choose-schedules.sh l2        # fc-l2's weight decay (fc-overfit's schedule)
#
# Each run holds the last 1000 of the 8000 training digits out (`--validation 1000`) and this
# prints only its final validation accuracy and its best epoch's; the test accuracy each run
# also prints is left in its log under $OUT and is not looked at. The chosen schedules are in
# scripts/make-sample-models.sh; sample_models/README.md says what was tried and chosen.
# BIN=path/to/convscope skips the release build.
set -euo pipefail
cd "$(dirname "$0")/.."
MNIST=${MNIST:-assets/data/mnist}
OUT=${OUT:-target/schedules}
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet
  BIN=target/release/convscope
fi
mkdir -p "$OUT"

run() { # NAME ARGS...
  local name=$1; shift
  "$BIN" train --data "mnist:$MNIST" --validation 1000 --optimizer adam --seed 1 "$@" \
    --out "$OUT/$name.json" > "$OUT/$name.log" 2>&1
  local final best
  final=$(grep '^validation accuracy' "$OUT/$name.log" | awk '{print $3}')
  best=$(grep -o 'validation [0-9.]*%' "$OUT/$name.log" | awk '{print $2}' | sort -n | tail -1)
  echo "$name: validation $final (best epoch $best)"
}

grid() { # ARCH MODE
  local arch=$1 mode=$2
  for lr in 0.001 0.002 0.003; do for decay in 0.8 0.9; do for epochs in 12 20; do
    for batch in 16 32; do
      run "$(basename "$arch" .json)-$mode-lr$lr-d$decay-e$epochs-b$batch" \
        --arch "sample_models/arch/$arch" --pool "$mode" --lr "$lr" --lr-decay "$decay" \
        --epochs "$epochs" --batch "$batch"
    done
  done; done; done
}

case ${1:-} in
  digits) grid digits.json max; grid digits.json avg ;;
  nopool) grid digits-nopool.json max ;;
  l2)
    for wd in 0.0001 0.0003 0.001 0.003 0.01 0.03; do
      run "fc-l2-$wd" --arch sample_models/arch/fc.json --train-limit 500 --weight-decay "$wd" \
        --epochs 60 --batch 32 --lr 0.001
    done
    run fc-none --arch sample_models/arch/fc.json --train-limit 500 --epochs 60 --batch 32 --lr 0.001
    ;;
  *) echo "usage: $0 digits|nopool|l2" >&2; exit 2 ;;
esac
