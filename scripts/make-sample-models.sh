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
MNIST=${MNIST:-assets/data/mnist}
FSDD=${FSDD:-assets/data/fsdd}
VOICES=${VOICES:-assets/data/synthetic-voices}
OUT=sample_models
ARCH=$OUT/arch

# BIN=path/to/convscope skips the release build.
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet
  BIN=target/release/convscope
fi

# The digit readers' schedules were chosen on a validation split (the last 1000 of the 8000
# training digits, scripts/choose-schedules.sh), never on the test digits; with the schedule
# fixed, the models here are trained on all 8000.
digits() { # NAME ARCH [extra args...]
  local name=$1 arch=$2; shift 2
  "$BIN" train --arch "$ARCH/$arch.json" --data "mnist:$MNIST" \
    --optimizer adam --seed 1 --out "$OUT/$name.json" "$@"
}
# The schedule chosen on the validation digits for digits-max/-avg and their shifted twins.
DIGITS_SCHEDULE=(--epochs 20 --batch 16 --lr 0.003 --lr-decay 0.8)

make_one() {
  case $1 in
    digits-max) digits digits-max digits "${DIGITS_SCHEDULE[@]}" --pool max \
      --description "LeNet-style digit reader with max pooling: conv 3x3 (8) -> pool -> conv 3x3 (16) -> pool -> dense 784 -> 10." ;;
    digits-avg) digits digits-avg digits "${DIGITS_SCHEDULE[@]}" --pool avg \
      --description "The same digit reader, same seed and schedule, trained with average pooling." ;;
    digits-max-shift|digits-avg-shift)
      local mode=${1#digits-}; mode=${mode%-shift}
      digits "$1" digits "${DIGITS_SCHEDULE[@]}" --pool "$mode" --augment-shift 2 \
        --description "digits-$mode's network and schedule, trained on digits moved at random by up to 2 pixels every epoch: how much shift tolerance comes from the data, not the pooling." ;;
    digits-nopool) digits digits-nopool digits-nopool "${DIGITS_SCHEDULE[@]}" ;;
    # Stride-2 convolutions in place of the pooling layers: the same 784 values reach the
    # dense layer, so the same 9,098 parameters as digits-max. Its schedule is digits-max's.
    digits-stride) digits digits-stride digits-stride "${DIGITS_SCHEDULE[@]}" ;;
    digits-gap) digits digits-gap digits-gap --epochs 12 --batch 32 --lr 0.003 --lr-decay 0.8 ;;
    shapes-max|shapes-avg)
      # --fresh-data: new shapes every epoch (160,000 in all), so Tiny VGG cannot memorise them.
      "$BIN" train --arch "$ARCH/shapes.json" --data shapes:8000 --fresh-data --pool "${1#shapes-}" \
        --epochs 20 --batch 16 --optimizer adam --lr 0.003 --lr-decay 0.85 --seed 1 \
        --description "Tiny VGG (CNN Explainer) on 64x64 RGB shapes, trained with ${1#shapes-} pooling." \
        --out "$OUT/$1.json" ;;
    speech-max|speech-avg)
      # FSDD: recordings 0-4 of each speaker are the test split; the log-mel parameters are in
      # the architecture's input section. The synthetic voices add training recordings only,
      # and each training recording is varied every epoch (issue 30: with these the twins read
      # speakers they never heard; docs/findings.md, "New voices"). Translations (zh) are
      # added to the JSON afterwards.
      "$BIN" train --arch "$ARCH/speech.json" --data "fsdd:$FSDD+$VOICES" --pool "${1#speech-}" \
        --augment-voice gain,noise,masks \
        --epochs 20 --batch 32 --optimizer adam --lr 0.002 --lr-decay 0.85 --seed 1 \
        --out "$OUT/$1.json" ;;
    fc-overfit|fc-dropout|fc-l2)
      # The same 500 digits and schedule; fc-dropout adds dropout, fc-l2 weight decay (its
      # strength chosen on the validation digits, scripts/choose-schedules.sh).
      local arch=fc extra=(); [ "$1" = fc-dropout ] && arch=fc-dropout
      [ "$1" = fc-l2 ] && extra=(--weight-decay 0.0003 \
        --description "fc-overfit's network and schedule with weight decay (L2 regularisation).")
      "$BIN" train --arch "$ARCH/$arch.json" --data "mnist:$MNIST" --train-limit 500 \
        --epochs 60 --batch 32 --optimizer adam --lr 0.001 --seed 1 "${extra[@]}" \
        --out "$OUT/$1.json" ;;
    fc-8k)
      # The control for fc-overfit: its network and schedule on all 8000 training digits, so
      # the gap between train and test accuracy can be put down to the 500 digits or not.
      "$BIN" train --arch "$ARCH/fc.json" --data "mnist:$MNIST" \
        --epochs 60 --batch 32 --optimizer adam --lr 0.001 --seed 1 \
        --description "fc-overfit's network and schedule on all 8000 training digits instead of 500: does its gap between training and test accuracy come from the few digits?" \
        --out "$OUT/$1.json" ;;
    *) echo "unknown sample model: $1" >&2; exit 2 ;;
  esac
}

# The models' Chinese descriptions (and labels) are kept in sample-model-translations.json and
# put back into each model file after training.
translate() { # NAME
  python3 - "$OUT/$1.json" "$1" scripts/sample-model-translations.json <<'PY'
import json, sys
path, name, table = sys.argv[1:]
model = json.load(open(path, encoding="utf-8"))
translations = json.load(open(table, encoding="utf-8")).get(name)
if translations:
    model["translations"] = translations
    with open(path, "w", encoding="utf-8") as f:
        json.dump(model, f, ensure_ascii=False, indent=2)
        f.write("\n")
PY
}

MODELS=("$@")
if [ ${#MODELS[@]} -eq 0 ]; then
  MODELS=(digits-max digits-avg digits-max-shift digits-avg-shift digits-nopool digits-stride digits-gap fc-overfit fc-dropout fc-l2 fc-8k shapes-max shapes-avg speech-max speech-avg)
fi
for m in "${MODELS[@]}"; do
  echo "== $m"
  make_one "$m"
  translate "$m"
done
