#!/usr/bin/env bash
# Writes what the packages install besides the program and its data, from the program's own
# clap definitions: the man page and the bash, zsh and fish completions.
#
#   scripts/package-files.sh BINARY OUT_DIR
set -euo pipefail
binary=$1 out=$2
mkdir -p "$out"
"$binary" man | gzip -9n >"$out/convscope.1.gz"
"$binary" completions bash >"$out/convscope.bash"
"$binary" completions zsh >"$out/_convscope"
"$binary" completions fish >"$out/convscope.fish"
