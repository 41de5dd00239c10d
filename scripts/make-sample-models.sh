#!/usr/bin/env bash
# Regenerates every trained sample model in sample_models/ from scratch.
#
#   scripts/make-sample-models.sh            # all of them (about 15 minutes on a quiet 2-core machine,
                                             # 11 of them for the two shapes models)
#   MNIST=/path/to/mnist scripts/make-sample-models.sh digits-max fc-overfit
#
# Each model is trained from its architecture in sample_models/arch/ with a fixed seed, so a
# run on one machine reproduces the same weights bit for bit. `edges` is written by hand
# (inline weights in sample_models/edges.json) and is not generated.
set -euo pipefail
cd "$(dirname "$0")/.."
MNIST=${MNIST:-../shared/data/mnist}
FSDD=${FSDD:-../shared/data/fsdd}
OUT=sample_models
ARCH=$OUT/arch

cargo build --release --quiet
BIN=target/release/convscope

digits() { # NAME ARCH LR [extra args...]
  local name=$1 arch=$2 lr=$3; shift 3
  "$BIN" train --arch "$ARCH/$arch.json" --data "mnist:$MNIST" --epochs 12 --batch 32 \
    --optimizer adam --lr "$lr" --lr-decay 0.8 --seed 1 --out "$OUT/$name.json" "$@"
}

make_one() {
  case $1 in
    digits-max) digits digits-max digits 0.002 --pool max \
      --description "LeNet-style digit reader with max pooling: conv 3x3 (8) -> pool -> conv 3x3 (16) -> pool -> dense 784 -> 10." ;;
    digits-avg) digits digits-avg digits 0.002 --pool avg \
      --description "The same digit reader, same seed and schedule, trained with average pooling." ;;
    digits-nopool) digits digits-nopool digits-nopool 0.002 ;;
    digits-gap) digits digits-gap digits-gap 0.003 ;;
    shapes-max|shapes-avg)
      # --fresh-data: new shapes every epoch (160,000 in all), so Tiny VGG cannot memorise them.
      "$BIN" train --arch "$ARCH/shapes.json" --data shapes:8000 --fresh-data --pool "${1#shapes-}" \
        --epochs 20 --batch 16 --optimizer adam --lr 0.003 --lr-decay 0.85 --seed 1 \
        --description "Tiny VGG (CNN Explainer) on 64x64 RGB shapes, trained with ${1#shapes-} pooling." \
        --out "$OUT/$1.json" ;;
    speech-max|speech-avg)
      # FSDD: recordings 0-4 of each speaker are the test split; the log-mel parameters are in
      # the architecture's input section. Translations (zh) are added to the JSON afterwards.
      "$BIN" train --arch "$ARCH/speech.json" --data "fsdd:$FSDD" --pool "${1#speech-}" \
        --epochs 12 --batch 32 --optimizer adam --lr 0.002 --lr-decay 0.8 --seed 1 \
        --out "$OUT/$1.json" ;;
    fc-overfit|fc-dropout)
      local arch=fc; [ "$1" = fc-dropout ] && arch=fc-dropout
      "$BIN" train --arch "$ARCH/$arch.json" --data "mnist:$MNIST" --train-limit 500 \
        --epochs 60 --batch 32 --optimizer adam --lr 0.001 --seed 1 --out "$OUT/$1.json" ;;
    *) echo "unknown sample model: $1" >&2; exit 2 ;;
  esac
}

MODELS=("$@")
if [ ${#MODELS[@]} -eq 0 ]; then
  MODELS=(digits-max digits-avg digits-nopool digits-gap fc-overfit fc-dropout shapes-max shapes-avg speech-max speech-avg)
fi
for m in "${MODELS[@]}"; do
  echo "== $m"
  make_one "$m"
done
