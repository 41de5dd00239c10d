#!/usr/bin/env bash
# Reproduces the measurements of docs/findings.md for issues 13 and 14 that are not sample
# models:
#
#   scripts/measure-twins.sh speakers   # speech-max/-avg's architecture and schedule, each of the
#                                       # five FSDD speakers held out in turn (10 runs per seed)
#   scripts/measure-twins.sh shift      # the consistency (K=3) of digits-max/-avg and of their
#                                       # twins trained with --augment-shift 2
#   scripts/measure-twins.sh l2         # fc-overfit's architecture and schedule with weight decay
#   scripts/measure-twins.sh voices     # issue 30: what each ingredient adds on unseen speakers
#                                       # (every fold of every recipe in VOICE_RECIPES; prints
#                                       # each recipe's five folds and their mean)
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

# NAME ARCH EPOCHS DECAY DATA-SUFFIX POOLS EXTRA-FLAGS: the recipes `voices` compares. The
# architectures: speech.json, and speech-bands.json (the same with each mel band normalised per
# recording). `+$VOICES` adds the synthetic voices to every fold's training recordings.
VOICES=${VOICES:-assets/data/synthetic-voices}
VOICE_RECIPES=${VOICE_RECIPES:-"
base         speech.json       12 0.8  -        max,avg
bands        speech-bands.json 12 0.8  -        max
voices       speech.json       12 0.8  +VOICES  max,avg
flite-only   speech.json       12 0.8  +FLITE   max
voices20     speech.json       20 0.85 +VOICES  max
speed        speech.json       20 0.85 +VOICES  max     --augment-voice speed
warp         speech.json       20 0.85 +VOICES  max     --augment-voice warp
gain         speech.json       20 0.85 +VOICES  max     --augment-voice gain
noise        speech.json       20 0.85 +VOICES  max     --augment-voice noise
shift        speech.json       20 0.85 +VOICES  max     --augment-voice shift
masks        speech.json       20 0.85 +VOICES  max     --augment-voice masks
all          speech.json       20 0.85 +VOICES  max     --augment-voice all
bands20      speech-bands.json 20 0.85 +VOICES  max
"}

voices() {
  # The flite voices alone (their licence differs from espeak-ng's), unpacked once.
  local flite="$OUT/flite-voices"
  if [ ! -d "$flite" ]; then
    mkdir -p "$flite"
    python3 scripts/make-fsdd-pack.py --unpack "$VOICES/recordings.wavs.gz" "$flite" --only flite-
  fi
  python3 - "$OUT/speech-bands.json" <<'PY'
import json, sys
a = json.load(open("sample_models/arch/speech.json"))
a["input"].update(normalize_bands=True, mean=[0.0], std=[1.0])
a["name"] = "speech-bands"
json.dump(a, open(sys.argv[1], "w"), indent=2)
PY
  echo "$VOICE_RECIPES" | while read -r name arch epochs decay suffix pools extra; do
    [ -z "$name" ] && continue
    case $arch in speech.json) arch=sample_models/arch/speech.json ;; *) arch="$OUT/$arch" ;; esac
    case $suffix in -) suffix= ;; +VOICES) suffix="+$VOICES" ;; +FLITE) suffix="+$flite" ;; esac
    for p in ${pools//,/ }; do
      local line="$name $p:" sum=0
      for s in george jackson nicolas theo yweweler; do
        # shellcheck disable=SC2086
        run "voices-$name-$p-no-$s" --arch "$arch" --data "fsdd@$s:$FSDD$suffix" --pool "$p" \
          --epochs "$epochs" --batch 32 --optimizer adam --lr 0.002 --lr-decay "$decay" \
          --seed "${SEEDS%% *}" $extra > /dev/null
        acc=$(grep -o 'test accuracy [0-9.]*' "$OUT/voices-$name-$p-no-$s.log" | tail -n 1 | grep -o '[0-9.]*$')
        line="$line $s $acc"
        sum=$(python3 -c "print($sum + $acc)")
      done
      echo "$line mean $(python3 -c "print(round($sum / 5, 2))")"
    done
  done
}

l2() {
  for wd in 0.0001 0.001 0.01 0.03 0.1; do
    run "fc-l2-$wd" --arch sample_models/arch/fc.json --data "mnist:$MNIST" --train-limit 500 \
      --weight-decay "$wd" --epochs 60 --batch 32 --optimizer adam --lr 0.001 --seed 1
  done
}

WHAT=("$@")
[ ${#WHAT[@]} -eq 0 ] && WHAT=(speakers shift l2 voices)
for w in "${WHAT[@]}"; do
  case $w in
    speakers) speakers ;;
    shift) shift_twins ;;
    l2) l2 ;;
    voices) voices ;;
    *) echo "unknown measurement: $w (speakers, shift, l2 or voices)" >&2; exit 2 ;;
  esac
done
